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
  let changed = false;
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
    const parsed = parseStatements(`({ ${property} });`, input.file)[0] as unknown as {
      expression: { properties: typeof config.properties };
    };
    config.properties.push(...parsed.expression.properties);
    changed = true;
  });

  if (usesChallenge && ensureImport(ast, input, quote)) changed = true;
  return changed ? { text: printModule(ast, quote), manual } : { manual };
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
