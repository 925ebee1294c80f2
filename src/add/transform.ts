/**
 * Turns the TypeScript modules `add` copies into a project into what that project is written in:
 * - import specifiers: `@modelcontextprotocol/server` → the v1 compatibility module, relative `./x.js` → the
 *   project's extension;
 * - for JavaScript projects, TypeScript syntax removed (type annotations, interfaces, `as`, `satisfies`,
 *   parameter properties…), and for CommonJS, `import`/`export` turned into `require`/`module.exports`.
 *
 * Only the TypeScript our own modules use is handled; anything else throws, so a new construct in a template
 * fails the unit tests instead of producing broken JavaScript. The JavaScript is produced here, at plan time,
 * from the same sources as the TypeScript (no second copy to keep in step); a TypeScript compiler would be far
 * too heavy to bundle, and esbuild's native binary cannot be bundled at all.
 */
import {
  b,
  isNode,
  n,
  parseModule,
  parseStatements,
  printModule,
  walk,
  type File,
  type Node,
  type Statement,
} from './ast.js';

export interface TransformOptions {
  /** Path of the module being transformed, for error messages and the parser. */
  path: string;
  /** New specifier for an import, or undefined to keep it. */
  rewriteSpecifier?: (specifier: string) => string | undefined;
  /** `ts` keeps TypeScript; `esm`/`cjs` produce JavaScript in that module system. */
  output: 'ts' | 'esm' | 'cjs';
}

export class UnsupportedSyntaxError extends Error {
  override name = 'UnsupportedSyntaxError';
}

export function transformModule(source: string, options: TransformOptions): string {
  const ast = parseModule(source, options.path.replace(/\.[cm]?[jt]s$/, '.ts'));
  if (options.rewriteSpecifier) rewriteSpecifiers(ast, options.rewriteSpecifier);
  if (options.output === 'ts') return printModule(ast, 'single');
  stripTypes(ast, options.path);
  if (options.output === 'cjs') toCommonJs(ast, options.path);
  return printModule(ast, 'single');
}

function rewriteSpecifiers(ast: File, rewrite: (specifier: string) => string | undefined): void {
  for (const statement of ast.program.body) {
    const source = (statement as { source?: unknown }).source;
    if (!n.StringLiteral.check(source)) continue;
    const next = rewrite(source.value);
    if (next !== undefined && next !== source.value) (statement as { source: unknown }).source = b.stringLiteral(next);
  }
}

const TYPE_ONLY_STATEMENTS = new Set([
  'TSInterfaceDeclaration',
  'TSTypeAliasDeclaration',
  'TSModuleDeclaration',
  'TSDeclareFunction',
]);
const UNSUPPORTED = new Set([
  'TSEnumDeclaration',
  'TSImportEqualsDeclaration',
  'TSExportAssignment',
  'TSNamespaceExportDeclaration',
  'TSAbstractMethodDefinition',
  'TSAbstractPropertyDefinition',
  'Decorator',
]);
const TYPE_WRAPPERS = new Set([
  'TSAsExpression',
  'TSSatisfiesExpression',
  'TSNonNullExpression',
  'TSTypeAssertion',
  'TSInstantiationExpression',
]);
const TYPE_KEYS = [
  'typeAnnotation',
  'returnType',
  'typeParameters',
  'typeArguments',
  'superTypeParameters',
  'implements',
  'predicate',
] as const;

function stripTypes(ast: File, path: string): void {
  ast.program.body = stripStatements(ast.program.body as Statement[]);
  walk(ast, (node) => {
    if (UNSUPPORTED.has(node.type))
      throw new UnsupportedSyntaxError(`${path}: ${node.type} cannot be turned into JavaScript`);
    const record = node as unknown as Record<string, unknown>;
    if (n.BlockStatement.check(node)) node.body = stripStatements(node.body as Statement[]);
    for (const key of TYPE_KEYS) {
      if (
        key === 'typeAnnotation' &&
        (node.type === 'TSAsExpression' || node.type === 'TSSatisfiesExpression' || node.type === 'TSTypeAssertion')
      )
        continue;
      if (record[key] !== undefined && record[key] !== null) record[key] = key === 'implements' ? [] : null;
    }
    for (const flag of ['optional', 'definite', 'readonly', 'override', 'declare', 'abstract'] as const) {
      if (
        record[flag] === true &&
        !(flag === 'optional' && (node.type === 'OptionalMemberExpression' || node.type === 'OptionalCallExpression'))
      )
        record[flag] = false;
    }
    if (record.accessibility !== undefined) record.accessibility = null;
    if (n.ClassBody.check(node)) {
      // A field declared only for its type (`readonly code: Code;`) is assigned in the constructor.
      node.body = node.body.filter(
        (member) =>
          !(
            member.type === 'ClassProperty' &&
            (member as { value?: unknown }).value == null &&
            !(member as { static?: boolean }).static
          ),
      );
    }
    if (node.type === 'ClassMethod' && (node as { kind?: string }).kind === 'constructor')
      moveParameterProperties(node as unknown as ConstructorNode);
    replaceTypeWrappers(record);
    return undefined;
  });
}

/**
 * Drops type-only statements and imports/exports of types only; a dropped statement's comments move to the next one.
 */
function stripStatements(statements: Statement[]): Statement[] {
  const kept: Statement[] = [];
  let orphaned: Node | undefined;
  for (const statement of statements) {
    if (isTypeOnly(statement)) {
      if ((statement as { comments?: unknown[] }).comments?.length) orphaned ??= statement;
      continue;
    }
    kept.push(orphaned ? withComments(statement, orphaned, true) : statement);
    orphaned = undefined;
  }
  return kept;
}

function isTypeOnly(statement: Statement): boolean {
  if (TYPE_ONLY_STATEMENTS.has(statement.type)) return true;
  if (n.ImportDeclaration.check(statement)) {
    if ((statement as { importKind?: string }).importKind === 'type') return true;
    const specifiers = statement.specifiers ?? [];
    const values = specifiers.filter((specifier) => (specifier as { importKind?: string }).importKind !== 'type');
    if (specifiers.length > 0 && values.length === 0) return true;
    if (values.length !== specifiers.length) statement.specifiers = values;
  }
  if (n.ExportNamedDeclaration.check(statement)) {
    if ((statement as { exportKind?: string }).exportKind === 'type') return true;
    if (statement.declaration && TYPE_ONLY_STATEMENTS.has(statement.declaration.type)) return true;
    const specifiers = statement.specifiers ?? [];
    if (!statement.declaration && specifiers.length > 0) {
      const values = specifiers.filter((specifier) => (specifier as { exportKind?: string }).exportKind !== 'type');
      if (values.length === 0) return true;
      statement.specifiers = values;
    }
  }
  return false;
}

/** Replace `x as T`, `x satisfies T`, `x!` in any child slot by `x`. */
function replaceTypeWrappers(record: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(record)) {
    if (key === 'loc' || key === 'original') continue;
    if (Array.isArray(value)) {
      value.forEach((item, index) => {
        if (isNode(item) && TYPE_WRAPPERS.has(item.type)) value[index] = innermost(item);
      });
    } else if (isNode(value) && TYPE_WRAPPERS.has(value.type)) {
      record[key] = innermost(value);
    }
  }
}

function innermost(node: Node): Node {
  let current = node;
  while (TYPE_WRAPPERS.has(current.type)) current = (current as unknown as { expression: Node }).expression;
  return current;
}

interface ConstructorNode {
  params: Node[];
  body: { body: Statement[] };
}

/**
 * `constructor(readonly reason: R, d: string) { super(d); }` → `constructor(reason, d) { super(d); this.reason =
 * reason; }`
 */
function moveParameterProperties(constructor: ConstructorNode): void {
  const assignments: Statement[] = [];
  constructor.params = constructor.params.map((param) => {
    if (param.type !== 'TSParameterProperty') return param;
    const inner = (param as unknown as { parameter: Node }).parameter;
    if (!n.Identifier.check(inner)) throw new UnsupportedSyntaxError('a parameter property must be a plain name');
    assignments.push(
      b.expressionStatement(
        b.assignmentExpression(
          '=',
          b.memberExpression(b.thisExpression(), b.identifier(inner.name)),
          b.identifier(inner.name),
        ),
      ),
    );
    return b.identifier(inner.name);
  });
  if (assignments.length === 0) return;
  const body = constructor.body.body;
  const superIndex = body.findIndex(
    (statement) =>
      n.ExpressionStatement.check(statement) &&
      n.CallExpression.check(statement.expression) &&
      statement.expression.callee.type === 'Super',
  );
  body.splice(superIndex + 1, 0, ...assignments);
}

function toCommonJs(ast: File, path: string): void {
  const body: Statement[] = [];
  const exported: string[] = [];
  const statements = ast.program.body as Statement[];
  // The imports become one block of requires, parsed together so they print one per line.
  const imports = statements.filter((statement) => n.ImportDeclaration.check(statement));
  if (imports.some((statement) => statements.indexOf(statement) >= imports.length)) {
    throw new UnsupportedSyntaxError(`${path}: imports must come before other statements`);
  }
  if (imports.length > 0) {
    const requires = parseStatements(
      imports.map((statement) => requireCode(statement as RequireSource, path)).join('\n'),
      'generated.js',
    );
    body.push(withComments(requires[0]!, imports[0]!), ...requires.slice(1));
  }
  for (const statement of statements.slice(imports.length)) {
    if (n.ExportNamedDeclaration.check(statement)) {
      if (statement.source)
        throw new UnsupportedSyntaxError(`${path}: export … from is not supported in CommonJS output`);
      if (statement.declaration) {
        exported.push(...declaredNames(statement.declaration, path));
        body.push(withComments(statement.declaration as Statement, statement));
      }
      for (const specifier of statement.specifiers ?? []) {
        if (!n.ExportSpecifier.check(specifier) || specifier.local?.name !== specifier.exported.name) {
          throw new UnsupportedSyntaxError(`${path}: renamed exports are not supported in CommonJS output`);
        }
        exported.push(String(specifier.exported.name));
      }
    } else if (n.ExportDefaultDeclaration.check(statement) || n.ExportAllDeclaration.check(statement)) {
      throw new UnsupportedSyntaxError(`${path}: ${statement.type} is not supported in CommonJS output`);
    } else {
      body.push(statement);
    }
  }
  walk(body, (node) => {
    if (n.MetaProperty.check(node)) throw new UnsupportedSyntaxError(`${path}: import.meta has no CommonJS equivalent`);
  });
  if (exported.length > 0)
    body.push(parseStatements(`module.exports = { ${exported.join(', ')} };`, 'generated.js')[0]!);
  ast.program.body = body;
  ast.program.directives = [b.directive(b.directiveLiteral('use strict'))];
}

type RequireSource = Node & { specifiers?: Node[] | null; source: { value: unknown } };

/**
 * `import { a, b as c } from 'm'` → `const { a, b: c } = require('m');` (new code is written as text, so it prints as
 * written).
 */
function requireCode(statement: RequireSource, path: string): string {
  const call = `require('${String(statement.source.value).replace(/[\\']/g, '\\$&')}')`;
  const specifiers = statement.specifiers ?? [];
  if (specifiers.length === 0) return `${call};`;
  const namespace = specifiers.find(
    (specifier) => n.ImportNamespaceSpecifier.check(specifier) || n.ImportDefaultSpecifier.check(specifier),
  );
  if (namespace) {
    if (specifiers.length > 1)
      throw new UnsupportedSyntaxError(`${path}: mix a default or namespace import with named ones in two statements`);
    return `const ${(namespace as unknown as { local: { name: string } }).local.name} = ${call};`;
  }
  const names = specifiers.map((specifier) => {
    const { imported, local } = specifier as unknown as { imported: { name: string }; local: { name: string } };
    return imported.name === local.name ? local.name : `${imported.name}: ${local.name}`;
  });
  return `const { ${names.join(', ')} } = ${call};`;
}

function declaredNames(declaration: Node, path: string): string[] {
  if ((n.FunctionDeclaration.check(declaration) || n.ClassDeclaration.check(declaration)) && declaration.id)
    return [String(declaration.id.name)];
  if (n.VariableDeclaration.check(declaration)) {
    return declaration.declarations.map((declarator) => {
      if (n.VariableDeclarator.check(declarator) && n.Identifier.check(declarator.id)) return declarator.id.name;
      throw new UnsupportedSyntaxError(`${path}: exported destructuring is not supported in CommonJS output`);
    });
  }
  throw new UnsupportedSyntaxError(`${path}: cannot export a ${declaration.type} in CommonJS output`);
}

/** Keep the doc comment that sat on the statement being replaced (or dropped, with `prepend`). */
function withComments<T extends Node>(replacement: T, original: Node, prepend = false): T {
  type Comment = { type: string; value: string; leading?: boolean; trailing?: boolean };
  const comments = (original as { comments?: Comment[] }).comments?.filter((comment) => !prepend || comment.leading);
  if (comments?.length) {
    // Without their old positions: those point into another source text.
    const moved = comments.map(({ type, value, leading, trailing }) => ({ type, value, leading, trailing }));
    const own = prepend ? ((replacement as { comments?: Comment[] }).comments ?? []) : [];
    (replacement as { comments?: unknown }).comments = [...moved, ...own];
  }
  return replacement;
}
