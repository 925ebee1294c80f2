/**
 * v2 SDK: attaches each tool's scope check where the tool is registered, through the syntax tree:
 *   server.registerTool('list_notes', { …, scopeChallenge: scopeChallengeFor('list_notes') }, handler)
 * and imports `scopeChallengeFor` from the tool-scope map. The SDK then answers 403 insufficient_scope before
 * the handler runs. A registration whose config is not an object literal is left alone and reported with the
 * exact line to add.
 */
import {
  lineOf,
  moduleBindings,
  n,
  parseModule,
  parseStatements,
  printModule,
  quoted,
  quoteStyleOf,
  stringValue,
  walk,
  insertImports,
  type File,
  type Quote,
} from './ast.js';
import { toolRegistration } from './tools.js';

export const SCOPE_CHALLENGE_FUNCTION = 'scopeChallengeFor';

export interface ToolPatchInput {
  file: string;
  source: string;
  /** Tools in the scope map: only these get a check (scopeChallengeFor only accepts their names). */
  mappedTools: ReadonlySet<string>;
  /** Import specifier of the tool-scope map from this file. */
  toolScopesSpecifier: string;
  esm: boolean;
}

export interface ManualToolStep {
  file: string;
  line: number;
  reason: string;
  snippet: string;
}

export interface ToolPatch {
  /** The new text, or undefined when nothing changes. */
  text?: string;
  manual: ManualToolStep[];
}

export function patchToolRegistrations(input: ToolPatchInput): ToolPatch {
  const ast: File = parseModule(input.source, input.file);
  const quote = quoteStyleOf(ast);
  const manual: ManualToolStep[] = [];
  const insertions: Insertion[] = [];
  let usesChallenge = false;

  walk(ast, (node) => {
    const registration = toolRegistration(node);
    if (!registration) return;
    const name = stringValue(registration.node.arguments[0]);
    if (name === undefined || !input.mappedTools.has(name)) return;
    const property = `scopeChallenge: ${SCOPE_CHALLENGE_FUNCTION}(${quoted(name, quote)})`;
    if (registration.api === 'tool') {
      manual.push({
        file: input.file,
        line: lineOf(node),
        reason:
          `${name} is registered with the deprecated server.tool(…), which ` +
          `takes no scope check: register it with registerTool and add`,
        snippet: `${property},`,
      });
      return;
    }
    const config = registration.node.arguments[1];
    if (!n.ObjectExpression.check(config)) {
      manual.push({
        file: input.file,
        line: lineOf(node),
        reason: `the config of ${name} is not an object literal I can extend; add to it`,
        snippet: `${property},`,
      });
      return;
    }
    usesChallenge = true;
    if (config.properties.some((existing) => propertyName(existing) === 'scopeChallenge')) return;
    insertions.push(...propertyInsertion(input.source, config as unknown as ObjectLiteral, property));
  });

  // The properties go in as text, in the object's own layout: a reprinted object literal would get recast's
  // blank lines around every multi-line property, in code that is the user's.
  const spliced = splice(input.source, insertions);
  const patched = spliced === input.source ? ast : parseModule(spliced, input.file);
  if (usesChallenge && ensureImport(patched, input, quote)) return { text: printModule(patched, quote), manual };
  return spliced === input.source ? { manual } : { text: spliced, manual };
}

interface Insertion {
  at: number;
  text: string;
}

interface ObjectLiteral {
  start: number;
  end: number;
  properties: { start: number; end: number }[];
}

/**
 * `property` added after the last property of the object literal, as its own line in a multi-line object (with the
 * last property's indentation, and a trailing comma if that one has one), inline in a one-line object. A comment
 * after the last property stays on its line.
 */
function propertyInsertion(source: string, object: ObjectLiteral, property: string): Insertion[] {
  const last = object.properties.at(-1);
  if (last === undefined) return [{ at: object.start + 1, text: ` ${property} ` }];
  const closing = object.end - 1;
  const between = source.slice(last.end, closing);
  const comma = /^\s*,/.exec(between);
  const afterComma = comma ? last.end + comma[0].length : last.end;
  if (!source.slice(object.start, object.end).includes('\n')) {
    return [{ at: afterComma, text: comma ? ` ${property},` : `, ${property}` }];
  }
  const lineStart = source.lastIndexOf('\n', last.start - 1) + 1;
  const indent = /^[ \t]*/.exec(source.slice(lineStart))![0];
  // The end of the last property's line (past a trailing `// comment`), unless the brace closes on that line.
  const newline = source.indexOf('\n', afterComma);
  const lineEnd = newline === -1 || newline > closing ? afterComma : newline;
  return [
    ...(comma ? [] : [{ at: last.end, text: ',' }]),
    { at: lineEnd, text: `\n${indent}${property}${comma ? ',' : ''}` },
  ];
}

/** Applies the insertions from the end; two at one offset keep their order (the comma, then the new line). */
function splice(source: string, insertions: readonly Insertion[]): string {
  let text = source;
  const ordered = insertions.map((insertion, index) => ({ ...insertion, index }));
  for (const { at, text: inserted } of ordered.sort((a, b) => b.at - a.at || b.index - a.index)) {
    text = text.slice(0, at) + inserted + text.slice(at);
  }
  return text;
}

/** The import line a file needs for `scopeChallengeFor`, for manual steps. */
export function scopeChallengeImport(specifier: string, esm: boolean, quote: Quote = 'single'): string {
  return esm
    ? `import { ${SCOPE_CHALLENGE_FUNCTION} } from ${quoted(specifier, quote)};`
    : `const { ${SCOPE_CHALLENGE_FUNCTION} } = require(${quoted(specifier, quote)});`;
}

/** Returns true when it added the import. */
function ensureImport(ast: File, input: ToolPatchInput, quote: Quote): boolean {
  const binding = moduleBindings(ast).get(SCOPE_CHALLENGE_FUNCTION);
  if (binding) return false;
  const statements = parseStatements(scopeChallengeImport(input.toolScopesSpecifier, input.esm, quote), input.file);
  insertImports(ast, statements);
  return true;
}

function propertyName(property: unknown): string | undefined {
  if (
    (n.ObjectProperty.check(property) || n.Property.check(property) || n.ObjectMethod.check(property)) &&
    !property.computed
  ) {
    return n.Identifier.check(property.key) ? property.key.name : stringValue(property.key);
  }
  return undefined;
}
