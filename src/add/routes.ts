/**
 * Where an Express or Hono app is created and where it mounts the MCP endpoint, read from the syntax tree.
 *
 * An MCP route is a statement like `app.post('/mcp', handler)` (also `app.all`, `app.use`, `app.on([...], '/mcp', …)`,
 * `app.route('/mcp').post(…)` and chains), with a literal path, whose handler hands the request to an MCP
 * transport (`transport.handleRequest(…)`, `toNodeHandler(…)`, a `…StreamableHTTPServerTransport`, a v2
 * handler's `mcp.fetch(c.req.raw)`), inline or through a function declared in the same file. Without such a
 * handler, a route whose path mentions "mcp" counts as a weaker match.
 *
 * Routes of the deprecated HTTP+SSE transport (`GET /sse` creating an `SSEServerTransport`, `POST /messages`
 * calling `handlePostMessage`) are found apart: they reach the MCP server too, so they need the token as well.
 */
import {
  calleeName,
  containsNode,
  isCall,
  lineOf,
  memberPropertyName,
  moduleBindings,
  n,
  pathValue,
  stringConstants,
  unwrapExpression,
  walk,
  type Binding,
  type CallExpression,
  type File,
  type Node,
  type Statement,
} from './ast.js';

export type FrameworkName = 'express' | 'hono';

export interface AppCreation {
  framework: FrameworkName;
  /** The variable holding the app. */
  appName: string;
  line: number;
  /** Made by the MCP SDK's factory (`createMcpExpressApp()`), which brings the framework along. */
  fromSdk: boolean;
}

export interface McpRouteStatement {
  appName: string;
  path: string;
  /** HTTP methods as written (`post`, `all`, `use`…). */
  methods: string[];
  statement: Statement;
  /** The statement list holding it: where the guard is inserted, before it. */
  container: Statement[];
  line: number;
  evidence: 'handler' | 'path';
  /** The route's handler functions (inline, or declared in the same file), for wiring the transport. */
  handlers: FunctionNode[];
}

export type FunctionNode = Node & { params: Node[]; body: Node };

const ROUTE_METHODS = new Set(['get', 'post', 'put', 'delete', 'patch', 'all', 'use', 'options', 'head']);
const EXPRESS_FACTORIES = new Set(['createMcpExpressApp']);
const HONO_FACTORIES = new Set(['createMcpHonoApp']);
const TRANSPORT_NAMES =
  /StreamableHTTPServerTransport$|^toNodeHandler$|^toFetchHandler$|^createMcpHandler$|^toReqRes$|^toFetchResponse$/;

/**
 * Whether a name a project imports serves MCP over HTTP: a transport or handler the routes call, the SDK's app
 * factories, the deprecated HTTP+SSE transport, or @hono/mcp's. (A project importing none serves stdio at most.)
 */
export function servesHttp(importedName: string): boolean {
  return (
    TRANSPORT_NAMES.test(importedName) ||
    EXPRESS_FACTORIES.has(importedName) ||
    HONO_FACTORIES.has(importedName) ||
    /SSEServerTransport$|^StreamableHTTPTransport$/.test(importedName)
  );
}

export function findAppCreations(ast: File): AppCreation[] {
  const bindings = moduleBindings(ast);
  const creations: AppCreation[] = [];
  walk(ast, (node) => {
    // `const app = express()`, a class field `private app = express()`, or `this.app = express()`.
    let holder: { name?: string; init: unknown } | undefined;
    if (n.VariableDeclarator.check(node) && n.Identifier.check(node.id))
      holder = { name: node.id.name, init: node.init };
    const field = node as { type: string; key?: unknown; value?: unknown; computed?: boolean; static?: boolean };
    if ((field.type === 'ClassProperty' || field.type === 'PropertyDefinition') && !field.computed && !field.static)
      holder = { name: n.Identifier.check(field.key) ? `this.${field.key.name}` : undefined, init: field.value };
    if (n.AssignmentExpression.check(node) && node.operator === '=')
      holder = { name: appReference(node.left), init: node.right };
    if (holder?.name === undefined) return;
    const created = frameworkOfFactory(unwrapExpression(holder.init), bindings);
    if (created) creations.push({ ...created, appName: holder.name, line: lineOf(node) });
  });
  return creations;
}

function frameworkOfFactory(
  init: unknown,
  bindings: Map<string, Binding>,
): { framework: FrameworkName; fromSdk: boolean } | undefined {
  if (isCall(init) && n.Identifier.check(init.callee)) {
    const name = init.callee.name;
    const binding = bindings.get(name);
    const fromSdk = binding?.source.startsWith('@modelcontextprotocol/') === true;
    if (binding?.source === 'express' && (binding.imported === 'default' || binding.imported === '*'))
      return { framework: 'express', fromSdk: false };
    if (!binding && name === 'express') return { framework: 'express', fromSdk: false };
    if (EXPRESS_FACTORIES.has(binding?.imported ?? name)) return { framework: 'express', fromSdk };
    if (HONO_FACTORIES.has(binding?.imported ?? name)) return { framework: 'hono', fromSdk };
  }
  if (n.NewExpression.check(init) && n.Identifier.check(init.callee)) {
    const binding = bindings.get(init.callee.name);
    if (binding ? binding.imported === 'Hono' && binding.source.startsWith('hono') : init.callee.name === 'Hono')
      return { framework: 'hono', fromSdk: false };
  }
  if (isHonoFactoryApp(init, bindings)) return { framework: 'hono', fromSdk: false };
  return undefined;
}

/**
 * `factory.createApp()` with a factory from `hono/factory`'s createFactory: made in this file (`createFactory()`
 * called here or imported from hono/factory), or imported from a module of the project (`import { factory } from
 * './factory.js'`, the layout Hono's docs suggest).
 */
function isHonoFactoryApp(init: unknown, bindings: Map<string, Binding>): boolean {
  if (!isCall(init) || memberPropertyName(init.callee) !== 'createApp') return false;
  const factory = (init.callee as { object?: unknown }).object;
  const fromHonoFactory = (name: string) => bindings.get(name)?.source === 'hono/factory';
  if (isCall(factory)) return n.Identifier.check(factory.callee) && fromHonoFactory(factory.callee.name);
  if (!n.Identifier.check(factory)) return false;
  const binding = bindings.get(factory.name);
  if (binding) return binding.source.startsWith('.') || binding.source === 'hono/factory';
  return [...bindings.values()].some((other) => other.source === 'hono/factory');
}

/** Every MCP route statement in the file, strongest evidence first within each statement list. */
export function findMcpRoutes(ast: File): McpRouteStatement[] {
  const functions = declaredFunctions(ast);
  const constants = stringConstants(ast);
  const routes: McpRouteStatement[] = [];
  walk(ast, (node) => {
    const container = statementList(node);
    if (!container) return;
    for (const statement of container) {
      const route = routeOf(statement, container, functions, constants);
      if (route) routes.push(route);
    }
  });
  return routes;
}

/** The statement lists a guard could be inserted into: a module's or a block's body. */
function statementList(node: Node): Statement[] | undefined {
  if (n.Program.check(node) || n.BlockStatement.check(node) || n.StaticBlock.check(node))
    return node.body as Statement[];
  return undefined;
}

function routeOf(
  statement: Statement,
  container: Statement[],
  functions: Map<string, FunctionNode>,
  constants: ReadonlyMap<string, string>,
): McpRouteStatement | undefined {
  if (!n.ExpressionStatement.check(statement)) return undefined;
  const chain = callChain(statement.expression);
  if (!chain) return undefined;
  // Each call of a chain is its own candidate; `.route(path)` gives its path to the calls after it.
  const candidates: { path: string; method: string; handlerArgs: unknown[] }[] = [];
  let routePath: string | undefined;
  for (const call of chain.calls) {
    const method = memberPropertyName(call.callee)!;
    const args = call.arguments;
    if (method === 'route') {
      routePath = pathValue(args[0], constants);
      // Hono: app.route('/mcp', subApp)
      if (routePath !== undefined && args.length > 1)
        candidates.push({ path: routePath, method, handlerArgs: args.slice(1) });
    } else if (method === 'on' && pathValue(args[1], constants) !== undefined) {
      // Hono: app.on(['GET', 'POST'], '/mcp', handler)
      candidates.push({ path: pathValue(args[1], constants)!, method, handlerArgs: args.slice(2) });
    } else if (ROUTE_METHODS.has(method)) {
      const path = pathValue(args[0], constants);
      if (path !== undefined) candidates.push({ path, method, handlerArgs: args.slice(1) });
      else if (routePath !== undefined) candidates.push({ path: routePath, method, handlerArgs: args });
    }
  }

  const judged = candidates.map((candidate) => {
    const handlers = candidate.handlerArgs.flatMap((arg) => handlerFunctions(arg, functions));
    const servesMcp =
      candidate.handlerArgs.some((arg) => mentionsTransport(arg)) ||
      handlers.some((handler) => mentionsTransport(handler));
    let evidence: McpRouteStatement['evidence'] | undefined;
    if (servesMcp) evidence = 'handler';
    // A discovery document's path (`/.well-known/oauth-protected-resource/mcp`) names the endpoint, it is not it.
    else if (/mcp/i.test(candidate.path) && candidate.method !== 'use' && !candidate.path.startsWith('/.well-known/'))
      evidence = 'path';
    return { ...candidate, handlers, evidence };
  });
  const best =
    judged.find((candidate) => candidate.evidence === 'handler') ??
    judged.find((candidate) => candidate.evidence === 'path');
  if (!best?.evidence) return undefined;
  const sameEndpoint = judged.filter((candidate) => candidate.path === best.path && candidate.evidence);
  return {
    appName: chain.root,
    path: best.path,
    methods: sameEndpoint.map((candidate) => candidate.method),
    statement,
    container,
    line: lineOf(statement),
    evidence: best.evidence,
    handlers: sameEndpoint.flatMap((candidate) => candidate.handlers),
  };
}

/** `app.a(…).b(…)` → root `app` and the calls, innermost first. */
function callChain(expression: unknown): { root: string; calls: CallExpression[] } | undefined {
  const calls: CallExpression[] = [];
  let current = expression;
  while (isCall(current)) {
    const callee = current.callee;
    if (!n.MemberExpression.check(callee) || memberPropertyName(callee) === undefined) return undefined;
    calls.unshift(current);
    current = callee.object;
  }
  const root = appReference(current);
  if (root === undefined || calls.length === 0) return undefined;
  return { root, calls };
}

/** How code names an app: `app`, or `this.app` for one held by a class (`private app = express()`). */
function appReference(node: unknown): string | undefined {
  if (n.Identifier.check(node)) return node.name;
  if (
    n.MemberExpression.check(node) &&
    node.object.type === 'ThisExpression' &&
    !node.computed &&
    n.Identifier.check(node.property)
  ) {
    return `this.${node.property.name}`;
  }
  return undefined;
}

function handlerFunctions(arg: unknown, functions: Map<string, FunctionNode>): FunctionNode[] {
  if (isFunction(arg)) return [arg];
  if (n.Identifier.check(arg)) {
    const declared = functions.get(arg.name);
    return declared ? [declared] : [];
  }
  return [];
}

function mentionsTransport(root: unknown): boolean {
  return containsNode(root, (node) => {
    if (memberPropertyName(node) === 'handleRequest' || isWebHandlerCall(node)) return true;
    const name = calleeName(node);
    return name !== undefined && TRANSPORT_NAMES.test(name);
  });
}

/** `mcp.fetch(c.req.raw)`: a v2 `createMcpHandler` (or any web-standard handler) given the raw request. */
function isWebHandlerCall(node: unknown): node is CallExpression {
  return (
    isCall(node) &&
    memberPropertyName(node.callee) === 'fetch' &&
    memberPropertyName(node.arguments[0]) === 'raw' &&
    memberPropertyName((node.arguments[0] as { object?: unknown }).object) === 'req'
  );
}

export interface LegacySseRoute {
  path: string;
  statement: Statement;
  container: Statement[];
  handlers: FunctionNode[];
}

/**
 * Routes of the deprecated HTTP+SSE transport: `app.get('/sse', …SSEServerTransport…)`,
 * `app.post('/messages', …handlePostMessage…)`.
 */
export function findLegacySseRoutes(ast: File): LegacySseRoute[] {
  const functions = declaredFunctions(ast);
  const constants = stringConstants(ast);
  const found: LegacySseRoute[] = [];
  walk(ast, (node) => {
    const container = statementList(node);
    if (!container) return;
    for (const statement of container) {
      if (!n.ExpressionStatement.check(statement)) continue;
      const chain = callChain(statement.expression);
      const call = chain?.calls.at(-1);
      const method = call ? memberPropertyName(call.callee) : undefined;
      const path = call ? pathValue(call.arguments[0], constants) : undefined;
      if (!call || !method || !ROUTE_METHODS.has(method) || path === undefined) continue;
      const args = call.arguments.slice(1);
      const handlers = args.flatMap((arg) => handlerFunctions(arg, functions));
      const servesSse = [...args, ...handlers].some((arg) =>
        containsNode(arg, (inner) => {
          const name = calleeName(inner);
          return (
            memberPropertyName(inner) === 'handlePostMessage' ||
            (name !== undefined && /SSEServerTransport$/.test(name))
          );
        }),
      );
      if (servesSse) found.push({ path, statement, container, handlers });
    }
  });
  return found;
}

export function isFunction(node: unknown): node is FunctionNode {
  return n.ArrowFunctionExpression.check(node) || n.FunctionExpression.check(node) || n.FunctionDeclaration.check(node);
}

/** Functions declared at any level of the file by name: `function f() {}` and `const f = () => {}`. */
function declaredFunctions(ast: File): Map<string, FunctionNode> {
  const functions = new Map<string, FunctionNode>();
  walk(ast, (node) => {
    if (n.FunctionDeclaration.check(node) && node.id) functions.set(String(node.id.name), node as FunctionNode);
    if (n.VariableDeclarator.check(node) && n.Identifier.check(node.id) && isFunction(unwrapExpression(node.init))) {
      functions.set(node.id.name, unwrapExpression(node.init) as FunctionNode);
    }
  });
  return functions;
}

/**
 * The `handleRequest(…)` (and web handler `fetch(c.req.raw)`) calls inside the route's handlers, with the
 * handler they sit in.
 */
export function transportCalls(
  route: Pick<McpRouteStatement, 'handlers'>,
  methods: readonly string[] = ['handleRequest'],
): { call: CallExpression; handler: FunctionNode }[] {
  const calls: { call: CallExpression; handler: FunctionNode }[] = [];
  for (const handler of route.handlers) {
    walk(handler.body, (node) => {
      if (!isCall(node)) return;
      const method = memberPropertyName(node.callee);
      if ((method !== undefined && methods.includes(method)) || isWebHandlerCall(node))
        calls.push({ call: node, handler });
    });
  }
  return calls;
}
