import { DEFAULT_PROMPTS, DEFAULT_RESOURCES, DEFAULT_SCOPES, DEFAULT_TOOLS } from '../core/defaults.js';
import { quoteInput } from './quote-input.js';
import { fail, ok, type Result } from './result.js';
import type { PromptSpec, ResourceSpec, ScopeSpec, ToolSpec } from '../core/types.js';

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

/** MCP prompt names follow the same rule as tool names here: 1–128 of A-Z a-z 0-9 _ - . */
export function validatePromptName(input: string): Result<string> {
  const name = input.trim();
  if (name === '') return fail('is empty; expected a prompt name like review_todos');
  if (!TOOL_NAME.test(name)) {
    return fail(`${quoteInput(name)} is not a valid prompt name: use 1–128 letters, digits, _ - or .`);
  }
  if (name === PROTOTYPE_KEY) return fail(PROTOTYPE_KEY_WHY);
  return ok(name);
}

const MAX_URI_LENGTH = 1024;
const URI_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;
/** One RFC 6570 expression body: an optional operator, then variables (with `*` or a `:length` prefix). */
const TEMPLATE_EXPRESSION = /^[+#./;?&]?[A-Za-z0-9_]+(\*|:[1-9][0-9]{0,3})?(,[A-Za-z0-9_]+(\*|:[1-9][0-9]{0,3})?)*$/;

/**
 * A resource URI (`config://app`) or URI template (`todo://todos/{id}`). The SDK looks a request's URI up
 * after URL parsing (`new URL(uri).href`), so a URI is accepted only when parsing leaves it unchanged:
 * anything else (an upper-case scheme, `..` segments, spaces, non-ASCII) could never be matched.
 */
export function validateResourceUri(input: string): Result<string> {
  const uri = input.trim();
  if (uri === '') return fail('is empty; expected a URI like config://app, or a URI template like todo://todos/{id}');
  if (uri.length > MAX_URI_LENGTH) return fail(`is longer than ${MAX_URI_LENGTH} characters`);
  if (!/^[\x21-\x7E]+$/.test(uri)) {
    return fail(
      `${quoteInput(uri)} is not a valid resource URI: use printable ASCII without spaces (percent-encode the rest)`,
    );
  }
  if (!URI_SCHEME.test(uri)) {
    return fail(
      `${quoteInput(uri)} is not an absolute URI: start with a scheme, like todo://todos/{id} or config://app`,
    );
  }
  let sample = '';
  for (const piece of uri.split(/(\{[^{}]*\})/)) {
    if (piece.startsWith('{') && piece.endsWith('}')) {
      if (!TEMPLATE_EXPRESSION.test(piece.slice(1, -1))) {
        return fail(`${quoteInput(uri)}: ${quoteInput(piece)} is not a URI template expression like {id} (RFC 6570)`);
      }
      sample += 'x';
    } else if (/[{}]/.test(piece)) {
      return fail(`${quoteInput(uri)} has an unbalanced { or }: URI template variables look like {id}`);
    } else {
      sample += piece;
    }
  }
  let parsed: URL;
  try {
    parsed = new URL(sample);
  } catch {
    return fail(`${quoteInput(uri)} is not a valid URI`);
  }
  if (parsed.href !== sample) {
    return fail(
      sample === uri
        ? `${quoteInput(uri)} would be matched as ${quoteInput(parsed.href)}: write it that way`
        : `${quoteInput(uri)} is not written the way URIs are matched ` +
            `(lower-case scheme, no . or .. segments, nothing URL parsing rewrites)`,
    );
  }
  return ok(uri);
}

/** True for a URI template (a family of resources), false for one exact URI. */
export function isUriTemplate(uri: string): boolean {
  return uri.includes('{');
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

/** `--prompt name=scope[,scope…]`; `name=` declares a prompt that any valid token may get. */
export function parsePromptSpec(input: string): Result<PromptSpec> {
  const eq = input.indexOf('=');
  if (eq === -1) {
    const hint = /^[A-Za-z0-9_.-]{1,128}$/.test(input.trim()) ? input.trim() : 'name';
    return fail(
      `${quoteInput(input)} must look like name=scope[,scope…] (write ${hint}= for a prompt that needs no scope)`,
    );
  }
  const name = validatePromptName(input.slice(0, eq));
  if (!name.ok) return name;
  const scopes = parseScopeList(input.slice(eq + 1));
  if (!scopes.ok) return fail(`prompt "${name.value}": ${scopes.error}`);
  return ok({ name: name.value, scopes: scopes.value });
}

/**
 * `--resource uri-or-template=scope[,scope…]`. Split at the *last* `=`, since URIs may hold `=` (queries)
 * and scope lists rarely do; `uri=` declares a resource that any valid token may read.
 */
export function parseResourceSpec(input: string): Result<ResourceSpec> {
  const eq = input.lastIndexOf('=');
  if (eq === -1) {
    return fail(
      `${quoteInput(input)} must look like uri=scope[,scope…] ` +
        `(write the URI followed by = for a resource that needs no scope)`,
    );
  }
  const uri = validateResourceUri(input.slice(0, eq));
  if (!uri.ok) return uri;
  const scopes = parseScopeList(input.slice(eq + 1));
  if (!scopes.ok) return fail(`resource "${uri.value}": ${scopes.error}`);
  return ok({ uri: uri.value, scopes: scopes.value });
}

export interface ScopesAndTools {
  scopes: ScopeSpec[];
  tools: ToolSpec[];
  resources: ResourceSpec[];
  prompts: PromptSpec[];
  /** Things the user should know we decided for them (printed as notes, not errors). */
  notes: string[];
}

/** One kind of scope-protected primitive, as the reconciliation below treats it. */
interface PrimitiveKind<T extends { scopes: string[] }> {
  flag: string;
  /** "tool", "resource"…: for messages. */
  noun: string;
  key: (item: T) => string;
  defaults: readonly T[];
  /** Names that differ only by case confuse some hosts (tool and prompt names; URIs are compared exactly). */
  warnCaseTwins: boolean;
}

const TOOLS: PrimitiveKind<ToolSpec> = {
  flag: '--tool',
  noun: 'tool',
  key: (tool) => tool.name,
  defaults: DEFAULT_TOOLS,
  warnCaseTwins: true,
};
const RESOURCES: PrimitiveKind<ResourceSpec> = {
  flag: '--resource',
  noun: 'resource',
  key: (resource) => resource.uri,
  defaults: DEFAULT_RESOURCES,
  warnCaseTwins: false,
};
const PROMPTS: PrimitiveKind<PromptSpec> = {
  flag: '--prompt',
  noun: 'prompt',
  key: (prompt) => prompt.name,
  defaults: DEFAULT_PROMPTS,
  warnCaseTwins: true,
};

/**
 * Combine what the user gave (or `undefined` for "nothing given") with the defaults:
 * - scopes given → the default scopes are not added; tools (resources, prompts) given → the example ones are not added;
 * - scopes given without tools (resources, prompts) → examples whose scopes are not all declared are dropped;
 * - a scope that some tool, resource or prompt uses but nobody declared is declared here, with an empty description.
 * Errors name the flag, since these lists only come from flags or prompts that already validated each item.
 */
export function reconcileScopesAndTools(given: {
  scopes: ScopeSpec[] | undefined;
  tools: ToolSpec[] | undefined;
  resources?: ResourceSpec[] | undefined;
  prompts?: PromptSpec[] | undefined;
}): Result<ScopesAndTools> {
  const notes: string[] = [];
  const scopes = (given.scopes ?? DEFAULT_SCOPES).map((scope) => ({ ...scope }));

  const seenScopes = new Set<string>();
  for (const scope of scopes) {
    if (seenScopes.has(scope.name)) return fail(`--scope ${scope.name} is given more than once; keep one`);
    seenScopes.add(scope.name);
  }

  const tools = reconcileKind(TOOLS, given.tools, given.scopes !== undefined, seenScopes, notes);
  if (!tools.ok) return tools;
  const resources = reconcileKind(RESOURCES, given.resources, given.scopes !== undefined, seenScopes, notes);
  if (!resources.ok) return resources;
  const prompts = reconcileKind(PROMPTS, given.prompts, given.scopes !== undefined, seenScopes, notes);
  if (!prompts.ok) return prompts;

  const users: Array<{ flag: string; noun: string; key: string; required: string[] }> = [
    ...tools.value.map((tool) => ({ ...TOOLS, key: tool.name, required: tool.scopes })),
    ...resources.value.map((resource) => ({ ...RESOURCES, key: resource.uri, required: resource.scopes })),
    ...prompts.value.map((prompt) => ({ ...PROMPTS, key: prompt.name, required: prompt.scopes })),
  ];
  for (const { flag, noun, key, required } of users) {
    for (const scope of required) {
      if (scope === OFFLINE_ACCESS) return fail(`${flag} ${key}: ${OFFLINE_ACCESS_WHY}`);
      if (!seenScopes.has(scope)) {
        seenScopes.add(scope);
        scopes.push({ name: scope, description: '' });
        notes.push(
          `declared scope "${scope}" (used by ${noun} ${key}) with no description; ` +
            // --scope splits at the first =, so for such a name that advice would declare another scope.
            (scope.includes('=')
              ? 'a name containing = cannot be described with --scope'
              : `pass --scope ${scope}=… to describe it`),
        );
      }
    }
  }

  return ok({ scopes, tools: tools.value, resources: resources.value, prompts: prompts.value, notes });
}

function reconcileKind<T extends { scopes: string[] }>(
  kind: PrimitiveKind<T>,
  given: T[] | undefined,
  scopesGiven: boolean,
  declared: ReadonlySet<string>,
  notes: string[],
): Result<T[]> {
  let items: T[];
  if (given) {
    items = given.map((item) => ({ ...item, scopes: [...item.scopes] }));
  } else if (scopesGiven) {
    items = kind.defaults
      .filter((item) => item.scopes.every((scope) => declared.has(scope)))
      .map((item) => ({ ...item, scopes: [...item.scopes] }));
    const dropped = kind.defaults.filter((item) => !items.some((kept) => kind.key(kept) === kind.key(item)));
    if (dropped.length > 0) {
      const plural = dropped.length > 1 ? 's' : '';
      notes.push(
        `left out the example ${kind.noun}${plural} ${dropped.map(kind.key).join(', ')}: ` +
          `they need scopes you did not declare (add ${kind.flag} to define your own)`,
      );
    }
  } else {
    items = kind.defaults.map((item) => ({ ...item, scopes: [...item.scopes] }));
  }

  const seen = new Map<string, string>();
  for (const item of items) {
    const key = kind.key(item);
    if (items.filter((other) => kind.key(other) === key).length > 1) {
      return fail(
        `${kind.flag} ${key} is given more than once; ` +
          `${kind.noun} ${kind.noun === 'resource' ? 'URIs' : 'names'} must be unique`,
      );
    }
    if (!kind.warnCaseTwins) continue;
    const folded = key.toLowerCase();
    const twin = seen.get(folded);
    if (twin !== undefined)
      notes.push(`${kind.noun}s "${twin}" and "${key}" differ only by case; some hosts may confuse them`);
    seen.set(folded, key);
  }
  return ok(items);
}
