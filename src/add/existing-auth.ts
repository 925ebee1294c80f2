/**
 * Auth a project already has for its MCP endpoint. `add`'s guard serves the discovery documents and checks Scalekit
 * tokens; a gate of the app's own left in front of the endpoint refuses every Scalekit token (it does not know
 * them, and its 401 names no resource_metadata, so hosts cannot recover), and Protected Resource Metadata of the
 * app's own points hosts at another authorization server. `add` then refuses, naming what it found, rather than
 * write a server that turns every host away.
 *
 * What counts: the SDK's bearer gate (`requireBearerAuth`) or Hono's (`bearerAuth`, `jwt`, `jwk`) on the MCP route
 * or on the whole app, the SDK's auth routers (`mcpAuthRouter`, `mcpAuthMetadataRouter`), and routes at the OAuth
 * well-known paths. The OAuth module `add` writes (an `mcp-oauth` folder) is ours, not the app's.
 */
import {
  isCall,
  lineOf,
  memberPropertyName,
  moduleBindings,
  n,
  pathValue,
  stringConstants,
  walk,
  type Binding,
  type File,
  type Node,
} from './ast.js';

export interface ExistingAuth {
  file: string;
  line: number;
  /** What it is, in words: `requireBearerAuth(…) on the MCP route`. */
  what: string;
}

/** Middleware factories that gate requests on a token, and the modules they come from. */
const GATES: Readonly<Record<string, (source: string) => boolean>> = {
  requireBearerAuth: (source) => source.startsWith('@modelcontextprotocol/'),
  bearerAuth: (source) => source === 'hono/bearer-auth',
  jwt: (source) => source === 'hono/jwt',
  jwk: (source) => source === 'hono/jwk',
};
/** The SDK's routers that serve OAuth discovery (and, for mcpAuthRouter, a whole authorization server). */
const AUTH_ROUTERS = new Set(['mcpAuthRouter', 'mcpAuthMetadataRouter']);
const WELL_KNOWN_OAUTH =
  /^\/\.well-known\/(?:oauth-protected-resource|oauth-authorization-server|openid-configuration)/;
const ROUTE_METHODS = new Set(['get', 'post', 'all', 'use', 'on', 'route']);

/** The module folder `add` writes: its files are the guard itself. */
const isOurModule = (file: string) => file.split('/').some((part) => part === 'mcp-oauth' || part === '_mcp-oauth');

/**
 * The auth found in `files` (parsed, by path) that would stand in the way of the guard on the MCP route at
 * `mcpPath` (its path as the route states it).
 */
export function findExistingAuth(files: ReadonlyMap<string, File>, route: { path: string }): ExistingAuth[] {
  const found: ExistingAuth[] = [];
  for (const [file, ast] of files) {
    if (isOurModule(file)) continue;
    const bindings = moduleBindings(ast);
    const constants = stringConstants(ast);
    const gates = gateNames(ast, bindings);
    walk(ast, (node) => {
      if (!isCall(node)) return;
      const callee = calledName(node.callee);
      const binding = callee === undefined ? undefined : bindings.get(callee);
      if (callee !== undefined && AUTH_ROUTERS.has(importedName(callee, binding)) && fromSdk(binding)) {
        found.push({ file, line: lineOf(node), what: `${importedName(callee, binding)}(…), the SDK's OAuth routes` });
        return false;
      }
      const method = memberPropertyName(node.callee);
      if (method === undefined || !ROUTE_METHODS.has(method)) return;
      // Hono's `app.on(method, path, …handlers)` names the method first.
      const path = pathValue(node.arguments[method === 'on' ? 1 : 0], constants);
      if (path !== undefined && WELL_KNOWN_OAUTH.test(path)) {
        found.push({ file, line: lineOf(node), what: `a route of its own at ${path}` });
        return;
      }
      // A gate among the arguments, applying to the MCP route or to every route of the app.
      const appliesToMcp = path === undefined ? method === 'use' : path === route.path || isPrefix(path, route.path);
      if (!appliesToMcp) return;
      for (const argument of node.arguments) {
        const gate = gateIn(argument, gates);
        if (gate !== undefined) {
          const where = path === undefined ? 'on every route' : `on ${path}`;
          found.push({ file, line: lineOf(node), what: `${gate}(…) ${where}` });
        }
      }
    });
  }
  return found;
}

/** Local names that hold a gate: imported factories called inline, and `const auth = requireBearerAuth(…)`. */
function gateNames(
  ast: File,
  bindings: Map<string, Binding>,
): { factories: Map<string, string>; held: Map<string, string> } {
  const factories = new Map<string, string>();
  for (const [local, binding] of bindings) {
    const imported = binding.imported === 'default' || binding.imported === '*' ? local : binding.imported;
    if (GATES[imported]?.(binding.source)) factories.set(local, imported);
  }
  const held = new Map<string, string>();
  walk(ast, (node) => {
    // `const auth = requireBearerAuth(…)`, or `authMiddleware = requireBearerAuth(…)` set in a branch.
    let target: unknown;
    let value: unknown;
    if (n.VariableDeclarator.check(node)) [target, value] = [node.id, node.init];
    else if (n.AssignmentExpression.check(node)) [target, value] = [node.left, node.right];
    const gate = calledGate(value, factories);
    if (gate !== undefined && n.Identifier.check(target)) held.set(target.name, gate);
  });
  return { factories, held };
}

function gateIn(argument: unknown, gates: ReturnType<typeof gateNames>): string | undefined {
  if (n.ArrayExpression.check(argument)) {
    for (const element of argument.elements) {
      const gate = gateIn(element, gates);
      if (gate !== undefined) return gate;
    }
    return undefined;
  }
  if (n.Identifier.check(argument)) return gates.held.get(argument.name);
  return calledGate(argument, gates.factories);
}

function calledGate(node: unknown, factories: Map<string, string>): string | undefined {
  if (!isCall(node)) return undefined;
  const callee = calledName(node.callee);
  return callee === undefined ? undefined : factories.get(callee);
}

function calledName(callee: Node | unknown): string | undefined {
  return n.Identifier.check(callee) ? callee.name : undefined;
}

function importedName(local: string, binding: Binding | undefined): string {
  return binding && binding.imported !== 'default' && binding.imported !== '*' ? binding.imported : local;
}

function fromSdk(binding: Binding | undefined): boolean {
  return binding !== undefined && binding.source.startsWith('@modelcontextprotocol/');
}

/** `/api` and Hono's `/api/*` cover `/api/mcp`; `/` and `*` cover everything. */
function isPrefix(prefix: string, path: string): boolean {
  const trimmed = prefix.replace(/\/?\*$/, '').replace(/\/+$/, '');
  return trimmed === '' || path === trimmed || path.startsWith(`${trimmed}/`);
}
