/**
 * Parsing and printing source files for `add`: Babel's parser (TypeScript and JavaScript) under recast,
 * which reprints only the nodes we change and keeps everything else byte for byte. Every edit `add` makes
 * to a user's code goes through this module; nothing edits source text with regular expressions.
 */
import { parse as babelParse, type ParserPlugin } from '@babel/parser';
import { parse as recastParse, print as recastPrint, types } from 'recast';

export const n = types.namedTypes;
export const b = types.builders;
export type Node = types.namedTypes.Node;
export type File = types.namedTypes.File;
/** Any statement node (the union recast builders accept). */
export type Statement = Parameters<typeof b.program>[0][number];
export type Expression = types.namedTypes.Expression;
export type CallExpression = types.namedTypes.CallExpression;

export type Quote = 'single' | 'double';

export function isTypeScriptPath(path: string): boolean {
  return /\.[cm]?tsx?$/.test(path);
}

/** Throws a SyntaxError (with a line number) when the file does not parse. */
export function parseModule(code: string, path: string): File {
  const typescript = isTypeScriptPath(path);
  const plugins: ParserPlugin[] = typescript ? ['typescript'] : ['jsx'];
  if (path.endsWith('.tsx')) plugins.push('jsx');
  return recastParse(code, {
    parser: {
      parse: (source: string) =>
        babelParse(source, {
          // A .js file may be a CommonJS script; TypeScript sources are always written as modules.
          sourceType: typescript ? 'module' : 'unambiguous',
          allowImportExportEverywhere: true,
          allowReturnOutsideFunction: true,
          allowAwaitOutsideFunction: true,
          tokens: true,
          plugins,
        }),
    },
  }) as File;
}

export function printModule(ast: File, quote: Quote): string {
  // A shebang (`#!/usr/bin/env node`) is glued to the next line once recast reprints the program: print the program
  // without it, then put it back on a line of its own.
  const program = ast.program as { interpreter?: { value: string } | null };
  const interpreter = program.interpreter;
  program.interpreter = null;
  try {
    const printed = recastPrint(ast, { quote, reuseWhitespace: true, trailingComma: usesTrailingCommas(ast) }).code;
    const code = writtenWithoutSemicolons(ast) ? newLinesWithoutSemicolons(printed, originalText(ast)) : printed;
    return interpreter ? `#!${interpreter.value}\n${code}` : code;
  } finally {
    program.interpreter = interpreter;
  }
}

/** The source the file was parsed from (recast keeps it to reprint only what changed). */
function originalText(ast: File): string {
  return String((ast as { loc?: { lines?: unknown } }).loc?.lines ?? '');
}

/** Whether the file leaves semicolons out (the style of create-hono and Cloudflare's templates): only `for` has any. */
function writtenWithoutSemicolons(ast: File): boolean {
  const tokens = (ast as { tokens?: { type: { label?: string } | string }[] }).tokens ?? [];
  const semicolons = tokens.filter((token) => (typeof token.type === 'string' ? token.type : token.type.label) === ';');
  let forHeaders = 0;
  walk(ast, (node) => {
    if (node.type === 'ForStatement') forHeaders += 1;
  });
  return ast.program.body.length > 1 && semicolons.length <= 2 * forHeaders;
}

/**
 * The lines we added, without their final `;`, in a file written without semicolons. Kept where the next line
 * starts with what would continue the expression (`(`, `[`, a template…), the one case where it matters.
 */
function newLinesWithoutSemicolons(printed: string, original: string): string {
  const existing = new Set(original.split('\n'));
  const lines = printed.split('\n');
  return lines
    .map((line, index) => {
      if (existing.has(line) || !line.endsWith(';')) return line;
      const next = lines.slice(index + 1).find((candidate) => candidate.trim() !== '') ?? '';
      return /^\s*[([`+\-/]/.test(next) ? line : line.slice(0, -1);
    })
    .join('\n');
}

/** Whether the file ends lists with a comma (`{ a, b, }`), so properties we add follow suit. */
function usesTrailingCommas(ast: File): boolean {
  const tokens = ((ast as { tokens?: { type: { label?: string } | string }[] }).tokens ?? []).map((token) =>
    typeof token.type === 'string' ? token.type : (token.type.label ?? ''),
  );
  return tokens.some(
    (label, index) =>
      label === ',' && (tokens[index + 1] === '}' || tokens[index + 1] === ']' || tokens[index + 1] === ')'),
  );
}

/**
 * New statements printed fresh (without positions from the snippet they were parsed from), so no blank lines appear
 * around them.
 */
export function withoutPositions<T>(node: T): T {
  walk(node, (child) => {
    delete (child as { loc?: unknown }).loc;
    delete (child as { start?: unknown }).start;
    delete (child as { end?: unknown }).end;
    delete (child as { extra?: unknown }).extra;
  });
  return node;
}

/** The quote style most string literals in the file use, so new code matches it. */
export function quoteStyleOf(ast: File): Quote {
  let single = 0;
  let double = 0;
  walk(ast, (node) => {
    const raw = (node as { extra?: { raw?: unknown } }).extra?.raw;
    if ((node.type === 'StringLiteral' || node.type === 'Literal') && typeof raw === 'string') {
      if (raw.startsWith("'")) single += 1;
      else if (raw.startsWith('"')) double += 1;
    }
  });
  return double > single ? 'double' : 'single';
}

/** Parse a few statements of our own code, to splice into a user's file. */
export function parseStatements(code: string, path: string): Statement[] {
  return parseModule(code, path).program.body as Statement[];
}

const SKIPPED_KEYS = new Set([
  'loc',
  'tokens',
  'comments',
  'leadingComments',
  'trailingComments',
  'innerComments',
  'extra',
  'original',
]);

/**
 * Depth-first visit of every node under `root` (root included). `visit` returning false skips the node's children.
 * `parents` holds the ancestors of the node being visited, nearest last.
 */
export function walk(root: unknown, visit: (node: Node, parents: readonly Node[]) => boolean | void): void {
  const parents: Node[] = [];
  const visitValue = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) visitValue(item);
      return;
    }
    if (!isNode(value)) return;
    if (visit(value, parents) === false) return;
    parents.push(value);
    for (const [key, child] of Object.entries(value)) {
      if (!SKIPPED_KEYS.has(key)) visitValue(child);
    }
    parents.pop();
  };
  visitValue(root);
}

export function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

/** Whether some node under `root` satisfies `predicate`. */
export function containsNode(root: unknown, predicate: (node: Node) => boolean): boolean {
  let found = false;
  walk(root, (node) => {
    if (found) return false;
    if (predicate(node)) found = true;
    return !found;
  });
  return found;
}

/** The value of a string literal, or of a template literal without substitutions. */
export function stringValue(node: unknown): string | undefined {
  if (n.StringLiteral.check(node)) return node.value;
  if (n.Literal.check(node) && typeof node.value === 'string') return node.value;
  if (n.TemplateLiteral.check(node) && node.expressions.length === 0 && node.quasis.length === 1) {
    return node.quasis[0]!.value.cooked ?? undefined;
  }
  return undefined;
}

/**
 * The `const` names bound to one string throughout the file (`const MCP_PATH = '/mcp'`, at any level): what a route
 * written as `app.post(MCP_PATH, …)` means. A name also declared with another value, or with `let`/`var`, is left out.
 */
export function stringConstants(ast: File): Map<string, string> {
  const values = new Map<string, string | undefined>();
  walk(ast, (node) => {
    if (!n.VariableDeclaration.check(node)) return;
    for (const declarator of node.declarations) {
      if (!n.VariableDeclarator.check(declarator) || !n.Identifier.check(declarator.id)) continue;
      const name = declarator.id.name;
      const value = node.kind === 'const' ? stringValue(unwrapExpression(declarator.init)) : undefined;
      values.set(name, values.has(name) && values.get(name) !== value ? undefined : value);
    }
  });
  return new Map([...values].filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/** A string literal, or a name `stringConstants` resolves: the path of a route. */
export function pathValue(node: unknown, constants: ReadonlyMap<string, string>): string | undefined {
  const value = unwrapExpression(node);
  return stringValue(value) ?? (n.Identifier.check(value) ? constants.get(value.name) : undefined);
}

/** `a.b` or `a['b']` → 'b'. */
export function memberPropertyName(node: unknown): string | undefined {
  if (!n.MemberExpression.check(node) && !n.OptionalMemberExpression.check(node)) return undefined;
  const member = node as types.namedTypes.MemberExpression;
  if (!member.computed && n.Identifier.check(member.property)) return member.property.name;
  return member.computed ? stringValue(member.property) : undefined;
}

/** Strip what does not change the value: parentheses, `await`, TypeScript's `as`, `satisfies`, `!` and `<T>x`. */
export function unwrapExpression(node: unknown): unknown {
  let current = node;
  for (;;) {
    const type = (current as { type?: string } | undefined)?.type;
    if (
      type === 'TSAsExpression' ||
      type === 'TSSatisfiesExpression' ||
      type === 'TSNonNullExpression' ||
      type === 'TSTypeAssertion' ||
      type === 'ParenthesizedExpression' ||
      type === 'AwaitExpression'
    ) {
      current =
        (current as { expression?: unknown; argument?: unknown }).expression ??
        (current as { argument?: unknown }).argument;
    } else {
      return current;
    }
  }
}

export function isCall(node: unknown): node is CallExpression {
  return n.CallExpression.check(node) || n.OptionalCallExpression.check(node);
}

/** Name of the called function: `f(…)` → f, `a.f(…)` → f, `new F(…)` → F. */
export function calleeName(node: unknown): string | undefined {
  if (!isCall(node) && !n.NewExpression.check(node)) return undefined;
  const callee = (node as { callee: unknown }).callee;
  if (n.Identifier.check(callee)) return callee.name;
  return memberPropertyName(callee);
}

/** 1-based line of a node in the original source. */
export function lineOf(node: unknown): number {
  return (node as { loc?: { start?: { line?: number } } }).loc?.start?.line ?? 0;
}

/** What a local name was imported or required from: `import x from 'm'`, `const { a: x } = require('m')`… */
export interface Binding {
  source: string;
  /** 'default', '*' for a namespace or a whole `require`, or the exported name. */
  imported: string;
}

export function moduleBindings(ast: File): Map<string, Binding> {
  const bindings = new Map<string, Binding>();
  for (const statement of ast.program.body) {
    if (n.ImportDeclaration.check(statement) && typeof statement.source.value === 'string') {
      const source = statement.source.value;
      for (const specifier of statement.specifiers ?? []) {
        const local = specifier.local?.name;
        if (typeof local !== 'string') continue;
        if (n.ImportDefaultSpecifier.check(specifier)) bindings.set(local, { source, imported: 'default' });
        else if (n.ImportNamespaceSpecifier.check(specifier)) bindings.set(local, { source, imported: '*' });
        else if (n.ImportSpecifier.check(specifier))
          bindings.set(local, { source, imported: String(specifier.imported.name) });
      }
    }
    if (n.VariableDeclaration.check(statement)) {
      for (const declarator of statement.declarations) {
        if (!n.VariableDeclarator.check(declarator)) continue;
        const source = requiredModule(declarator.init);
        if (source === undefined) continue;
        if (n.Identifier.check(declarator.id)) bindings.set(declarator.id.name, { source, imported: '*' });
        if (n.ObjectPattern.check(declarator.id)) {
          for (const property of declarator.id.properties) {
            if (
              (n.ObjectProperty.check(property) || n.Property.check(property)) &&
              n.Identifier.check(property.key) &&
              n.Identifier.check(property.value)
            ) {
              bindings.set(property.value.name, { source, imported: property.key.name });
            }
          }
        }
      }
    }
  }
  return bindings;
}

/** `require('m')` or `require('m').x` → 'm'. */
export function requiredModule(node: unknown): string | undefined {
  let current = unwrapExpression(node);
  if (n.MemberExpression.check(current)) current = current.object;
  if (
    isCall(current) &&
    n.Identifier.check(current.callee) &&
    current.callee.name === 'require' &&
    current.arguments.length === 1
  ) {
    return stringValue(current.arguments[0]);
  }
  return undefined;
}

/** Whether the file is written as an ES module (import/export) rather than CommonJS. */
export function usesModuleSyntax(ast: File): boolean {
  return ast.program.body.some(
    (statement) =>
      n.ImportDeclaration.check(statement) ||
      n.ExportNamedDeclaration.check(statement) ||
      n.ExportDefaultDeclaration.check(statement) ||
      n.ExportAllDeclaration.check(statement),
  );
}

/** Index after the last top-level import (or `require` declaration, for CommonJS): where new imports go. */
export function importInsertionIndex(body: readonly Node[]): number {
  let index = 0;
  body.forEach((statement, position) => {
    const isImport = n.ImportDeclaration.check(statement);
    const isRequire =
      n.VariableDeclaration.check(statement) &&
      statement.declarations.some(
        (declarator) => n.VariableDeclarator.check(declarator) && requiredModule(declarator.init) !== undefined,
      );
    const isDirective =
      n.ExpressionStatement.check(statement) && n.StringLiteral.check(statement.expression) && position === index;
    if (isImport || isRequire || isDirective) index = position + 1;
  });
  return index;
}

/** A string literal in the file's quote style, for code we write into it. */
export function quoted(value: string, quote: Quote): string {
  const mark = quote === 'single' ? "'" : '"';
  const escaped = JSON.stringify(value).slice(1, -1).replace(/\\"/g, '"').split(mark).join(`\\${mark}`);
  return `${mark}${escaped}${mark}`;
}

/**
 * Add import (or require) statements to the file's import block: just before its last import, which keeps
 * the block's spacing intact (recast would surround a statement added after it with blank lines).
 */
export function insertImports(ast: File, statements: Statement[]): void {
  directivesAsStatements(ast);
  const end = importInsertionIndex(ast.program.body);
  // At the very top there is no neighbouring import to borrow spacing from: print the new lines fresh.
  ast.program.body.splice(Math.max(0, end - 1), 0, ...(end <= 1 ? statements.map(withoutPositions) : statements));
}

/**
 * `'use strict';` as a plain statement: recast reprints a changed program's directives as `'use strict';;`,
 * so they are turned into statements (at their original position) before the body changes.
 */
function directivesAsStatements(ast: File): void {
  const program = ast.program as {
    directives?: {
      value: { value: string; loc?: unknown; extra?: unknown };
      loc?: unknown;
      start?: number;
      end?: number;
    }[];
  };
  const directives = program.directives ?? [];
  if (directives.length === 0) return;
  const statements = directives.map((directive) => {
    // The directive's own literal keeps its quotes (recast prints a DirectiveLiteral from its raw text).
    const statement = Object.assign(b.expressionStatement(b.identifier('directive')), {
      loc: directive.loc,
      start: directive.start,
      end: directive.end,
    });
    (statement as { expression: unknown }).expression = directive.value;
    return statement;
  });
  program.directives = [];
  ast.program.body.unshift(...statements);
}

/** A node printed as code, for messages (`app.use('/api', api)`). */
export function codeOf(node: unknown): string {
  return recastPrint(node as Node).code;
}
