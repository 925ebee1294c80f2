import { DEFAULT_SCOPES, DEFAULT_TOOLS } from '../core/defaults.js';
import { quoteInput } from './quote-input.js';
import { fail, ok, type Result } from './result.js';
import type { ScopeSpec, ToolSpec } from '../core/types.js';

/** RFC 6749 §3.3 scope-token: %x21 / %x23-5B / %x5D-7E (printable ASCII except space, `"` and `\`). */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/** MCP tool names: 1–128 of A-Z a-z 0-9 _ - . */
const TOOL_NAME = /^[A-Za-z0-9_.-]{1,128}$/;

/**
 * Names become keys of object literals in the generated TypeScript (SCOPES, TOOL_SCOPES), where
 * `__proto__` sets the prototype instead of adding a key: the scope or tool would silently vanish.
 */
const PROTOTYPE_KEY = '__proto__';
const PROTOTYPE_KEY_WHY =
  `"${PROTOTYPE_KEY}" can't be used as a name: JavaScript treats it as ` +
  `an object's prototype, so it would vanish from the generated scope map`;

const OFFLINE_ACCESS = 'offline_access';
const OFFLINE_ACCESS_WHY =
  'offline_access is requested by clients that want refresh tokens; a tool ' +
  'never requires it, and the server must not declare it as its own scope';

export function validateScopeName(input: string): Result<string> {
  const name = input.trim();
  if (name === '') return fail('is empty; expected a scope name like todo:read');
  if (!SCOPE_TOKEN.test(name)) {
    return fail(
      `${quoteInput(name)} is not a valid scope name: use printable ASCII without spaces, " or \\ (e.g. todo:read)`,
    );
  }
  if (name === OFFLINE_ACCESS) return fail(OFFLINE_ACCESS_WHY);
  if (name === PROTOTYPE_KEY) return fail(PROTOTYPE_KEY_WHY);
  return ok(name);
}

export function validateToolName(input: string): Result<string> {
  const name = input.trim();
  if (name === '') return fail('is empty; expected a tool name like list_todos');
  if (!TOOL_NAME.test(name)) {
    return fail(`${quoteInput(name)} is not a valid MCP tool name: use 1–128 letters, digits, _ - or .`);
  }
  if (name === PROTOTYPE_KEY) return fail(PROTOTYPE_KEY_WHY);
  return ok(name);
}

/**
 * `--scope name[=description]`. Split at the first `=`: the description is kept byte for byte
 * (it is data for the generated code, never trimmed or escaped here).
 */
export function parseScopeSpec(input: string): Result<ScopeSpec> {
  const eq = input.indexOf('=');
  const name = validateScopeName(eq === -1 ? input : input.slice(0, eq));
  if (!name.ok) return name;
  return ok({ name: name.value, description: eq === -1 ? '' : input.slice(eq + 1) });
}

/** A comma-separated list of scope names, as given after `name=` in `--tool`; empties are ignored. */
export function parseScopeList(input: string): Result<string[]> {
  const scopes: string[] = [];
  for (const part of input.split(',')) {
    if (part.trim() === '') continue;
    const scope = validateScopeName(part);
    if (!scope.ok) return scope;
    if (!scopes.includes(scope.value)) scopes.push(scope.value);
  }
  return ok(scopes);
}

/** `--tool name=scope[,scope…]`; `name=` declares a tool that any valid token may call. */
export function parseToolSpec(input: string): Result<ToolSpec> {
  const eq = input.indexOf('=');
  if (eq === -1) {
    const hint = /^[A-Za-z0-9_.-]{1,128}$/.test(input.trim()) ? input.trim() : 'name';
    return fail(
      `${quoteInput(input)} must look like name=scope[,scope…] (write ${hint}= for a tool that needs no scope)`,
    );
  }
  const name = validateToolName(input.slice(0, eq));
  if (!name.ok) return name;
  const scopes = parseScopeList(input.slice(eq + 1));
  if (!scopes.ok) return fail(`tool "${name.value}": ${scopes.error}`);
  return ok({ name: name.value, scopes: scopes.value });
}

export interface ScopesAndTools {
  scopes: ScopeSpec[];
  tools: ToolSpec[];
  /** Things the user should know we decided for them (printed as notes, not errors). */
  notes: string[];
}

/**
 * Combine what the user gave (or `undefined` for "nothing given") with the defaults:
 * - scopes given → the default scopes are not added; tools given → the default tools are not added;
 * - scopes given without tools → default tools whose scopes are not all declared are dropped;
 * - a tool scope that nobody declared is declared here, with an empty description.
 * Errors name `--scope` / `--tool`, since these lists only come from flags or prompts that already validated each item.
 */
export function reconcileScopesAndTools(given: {
  scopes: ScopeSpec[] | undefined;
  tools: ToolSpec[] | undefined;
}): Result<ScopesAndTools> {
  const notes: string[] = [];
  const scopes = (given.scopes ?? DEFAULT_SCOPES).map((scope) => ({ ...scope }));

  const seenScopes = new Set<string>();
  for (const scope of scopes) {
    if (seenScopes.has(scope.name)) return fail(`--scope ${scope.name} is given more than once; keep one`);
    seenScopes.add(scope.name);
  }

  let tools: ToolSpec[];
  if (given.tools) {
    tools = given.tools.map((tool) => ({ name: tool.name, scopes: [...tool.scopes] }));
  } else if (given.scopes) {
    tools = DEFAULT_TOOLS.filter((tool) => tool.scopes.every((scope) => seenScopes.has(scope))).map((tool) => ({
      name: tool.name,
      scopes: [...tool.scopes],
    }));
    const dropped = DEFAULT_TOOLS.filter((tool) => !tools.some((kept) => kept.name === tool.name));
    if (dropped.length > 0) {
      notes.push(
        `left out the example tool${dropped.length > 1 ? 's' : ''} ${dropped.map((tool) => tool.name).join(', ')}: ` +
          `they need scopes you did not declare (add --tool to define your own)`,
      );
    }
  } else {
    tools = DEFAULT_TOOLS.map((tool) => ({ name: tool.name, scopes: [...tool.scopes] }));
  }

  const seenTools = new Map<string, string>();
  for (const tool of tools) {
    if (tools.filter((other) => other.name === tool.name).length > 1) {
      return fail(`--tool ${tool.name} is given more than once; tool names must be unique`);
    }
    const folded = tool.name.toLowerCase();
    const twin = seenTools.get(folded);
    if (twin !== undefined) {
      notes.push(`tools "${twin}" and "${tool.name}" differ only by case; some hosts may confuse them`);
    }
    seenTools.set(folded, tool.name);
  }

  for (const tool of tools) {
    for (const scope of tool.scopes) {
      if (scope === OFFLINE_ACCESS) return fail(`--tool ${tool.name}: ${OFFLINE_ACCESS_WHY}`);
      if (!seenScopes.has(scope)) {
        seenScopes.add(scope);
        scopes.push({ name: scope, description: '' });
        notes.push(
          `declared scope "${scope}" (used by tool ${tool.name}) with no description; ` +
            // --scope splits at the first =, so for such a name that advice would declare another scope.
            (scope.includes('=')
              ? 'a name containing = cannot be described with --scope'
              : `pass --scope ${scope}=… to describe it`),
        );
      }
    }
  }

  return ok({ scopes, tools, notes });
}
