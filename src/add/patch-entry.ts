/**
 * Wires the guard into the file that mounts the MCP endpoint, through its syntax tree:
 *   - imports the adapter (`import { mcpOAuth } from './mcp-oauth/express.js'`, or `require` in CommonJS);
 *   - registers `app.use(mcpOAuth({ mcpPath: '/mcp' }))` right before the first MCP route statement, with
 *     `alsoProtect: ['/sse', '/messages']` when the file still serves the deprecated HTTP+SSE transport;
 *   - Hono: passes the verified token to the MCP layer (`handleRequest(c.req.raw, { authInfo: authInfoOf(c) })`,
 *     `mcp.fetch(c.req.raw, { authInfo: authInfoOf(c) })`; `@hono/mcp`'s `handleRequest(c)` reads it from `c`);
 *   - Express on the v1 SDK: passes the parsed body to the transport (`handleRequest(req, res, req.body)`,
 *     `handlePostMessage(req, res, req.body)`), since the guard reads the body to check tool scopes.
 * Each step first looks for its own result, so patching a patched file changes nothing.
 */
import {
  b,
  codeOf,
  containsNode,
  isCall,
  lineOf,
  memberPropertyName,
  unwrapExpression,
  moduleBindings,
  n,
  parseModule,
  parseStatements,
  printModule,
  quoted,
  quoteStyleOf,
  walk,
  insertImports,
  type CallExpression,
  type File,
  type Node,
  type Quote,
  type Statement,
} from './ast.js';
import { DEFAULT_MCP_PATH } from '../core/defaults.js';
import type { SdkLine } from './detect.js';
import { joinPaths, type GuardSite } from './mounts.js';
import {
  findLegacySseRoutes,
  findMcpRoutes,
  transportCalls,
  type FrameworkName,
  type McpRouteStatement,
} from './routes.js';

export interface EntryPatchInput {
  file: string;
  source: string;
  framework: FrameworkName;
  sdk: SdkLine;
  /** The public path of the MCP endpoint: what the guard protects. */
  mcpPath: string;
  /** The route's path as written in this file (without the prefixes it is mounted under); default `mcpPath`. */
  routePath?: string;
  /**
   * The route is mounted under a prefix: the guard goes on the root app there (maybe another file: then this
   * file only gets the token hand-off, and `patchGuard` registers the guard).
   */
  guard?: GuardSite;
  /** Import specifier of the adapter from the entry file, e.g. `./mcp-oauth/express.js`. */
  adapterSpecifier: string;
  /** Whether the file uses import/export (else require). */
  esm: boolean;
  /** A Cloudflare Worker: the guard reads the variables from each request's `c.env`. */
  worker?: boolean;
}

export type EntryPatch =
  /** `alsoProtect`: the HTTP+SSE paths the guard protects too (public paths), for `patchGuard`. */
  | { ok: true; text: string; notes: string[]; alsoProtect: string[] }
  /** The file's shape is not understood: nothing is changed; `snippet` says what to add by hand. */
  | { ok: false; reason: string; snippet: string };

export const GUARD_FUNCTION = 'mcpOAuth';
export const AUTH_INFO_FUNCTION = 'authInfoOf';

export function patchEntry(input: EntryPatchInput): EntryPatch {
  let ast: File;
  try {
    ast = parseModule(input.source, input.file);
  } catch (error) {
    return refuse(
      input,
      `${input.file} does not parse: ${error instanceof Error ? error.message : String(error)}`,
      'single',
    );
  }
  const quote = quoteStyleOf(ast);
  const routePath = input.routePath ?? input.mcpPath;
  const routes = findMcpRoutes(ast).filter((route) => route.path === routePath);
  const route = routes.sort((a, b) => a.line - b.line)[0];
  if (!route)
    return refuse(input, `${input.file} does not mount the MCP endpoint at ${routePath} in a way I recognise`, quote);
  const prefix = input.mcpPath.endsWith(routePath) ? input.mcpPath.slice(0, -routePath.length) : '';
  const guardHere = input.guard === undefined || input.guard.file === input.file;

  const notes: string[] = [];
  const esm = input.esm;
  // The deprecated HTTP+SSE endpoints in the same statement list reach the MCP server too: guard them as well.
  const sseRoutes = findLegacySseRoutes(ast).filter((sse) => sse.container === route.container);
  const alsoProtect = [...new Set(sseRoutes.map((sse) => joinPaths([prefix, sse.path])))];
  const needed = guardHere ? [GUARD_FUNCTION] : [];

  // Hono: the transport must receive the verified token (v2 checks tool scopes with it).
  if (input.framework === 'hono') {
    const wired = wireHonoAuthInfo(route);
    if (wired.ok && wired.handsOver) needed.push(AUTH_INFO_FUNCTION);
    // The endpoint's other statements (the GET stream, DELETE) hand it over too, where they call the transport.
    for (const other of routes.slice(1)) {
      const also = wireHonoAuthInfo(other);
      if (also.ok && also.handsOver && !needed.includes(AUTH_INFO_FUNCTION)) needed.push(AUTH_INFO_FUNCTION);
    }
    if (!wired.ok) {
      if (input.sdk === 'v2') return refuse(input, wired.reason, quote);
      notes.push(
        `${wired.reason}: if its handler (maybe in another module) calls transport.handleRequest(c.req.raw) or ` +
          `mcp.fetch(c.req.raw), pass { authInfo: ${AUTH_INFO_FUNCTION}(c) } as the second argument so tools see ` +
          `the caller's token (@hono/mcp's transport.handleRequest(c) reads it from the context: nothing to do)`,
      );
    }
  }
  if (input.framework === 'express' && input.sdk === 'v1') {
    notes.push(...passParsedBody(route));
    for (const sse of sseRoutes) notes.push(...passParsedBody(sse, ['handlePostMessage']));
  }

  if (needed.length === 0) return { ok: true, text: printModule(ast, quote), notes, alsoProtect };
  const imported = ensureImport(ast, input, needed, esm, quote);
  if (!imported.ok) return refuse(input, imported.reason, quote);
  if (!guardHere) return { ok: true, text: printModule(ast, quote), notes, alsoProtect };

  const guard = { localName: imported.localName, mcpPath: input.mcpPath, quote, alsoProtect, worker: input.worker };
  if (input.guard) {
    const placed = placeGuard(ast, input.file, input.guard, guard);
    if (!placed.ok) return refuse(input, placed.reason, quote);
  } else if (!hasGuardCall(ast, imported.localName)) {
    const statements = parseStatements(guardCode(route.appName, guard), input.file);
    const site = outsideBranches(ast, route.container, route.statement, route.appName);
    // Before the first statement that reaches the MCP server (the MCP route or an HTTP+SSE route), and before the
    // app's own CORS middleware: that one answers a browser's preflight without allowing the Authorization header.
    const reaching = Math.min(
      ...[site, ...sseRoutes]
        .map((statement) => site.container.indexOf(statement.statement))
        .filter((index) => index >= 0),
    );
    const cors = site.container.findIndex((statement) => registersCorsMiddleware(ast, statement, route.appName));
    const index = cors >= 0 && cors < reaching ? cors : reaching;
    site.container.splice(index, 0, ...statements);
  } else if (!guardComesFirst(ast, route, imported.localName)) {
    notes.push(
      `${input.file} calls ${imported.localName}(…) after the MCP route at ` +
        `line ${route.line}: move it before, or the endpoint is not protected`,
    );
  }

  return { ok: true, text: printModule(ast, quote), notes, alsoProtect };
}

export interface GuardPatchInput extends Pick<
  EntryPatchInput,
  'file' | 'source' | 'framework' | 'sdk' | 'mcpPath' | 'worker'
> {
  guard: GuardSite;
  alsoProtect: string[];
  adapterSpecifier: string;
  esm: boolean;
}

/** The guard on the root app of a mounted MCP route, in the file that mounts the branch holding it. */
export function patchGuard(input: GuardPatchInput): EntryPatch {
  const refusal = (reason: string, quote: Quote): EntryPatch => refuse(input, reason, quote);
  let ast: File;
  try {
    ast = parseModule(input.source, input.file);
  } catch (error) {
    return refusal(`${input.file} does not parse: ${error instanceof Error ? error.message : String(error)}`, 'single');
  }
  const quote = quoteStyleOf(ast);
  const imported = ensureImport(ast, input, [GUARD_FUNCTION], input.esm, quote);
  if (!imported.ok) return refusal(imported.reason, quote);
  const placed = placeGuard(ast, input.file, input.guard, {
    localName: imported.localName,
    mcpPath: input.mcpPath,
    quote,
    alsoProtect: input.alsoProtect,
    worker: input.worker,
  });
  if (!placed.ok) return refusal(placed.reason, quote);
  return { ok: true, text: printModule(ast, quote), notes: [], alsoProtect: input.alsoProtect };
}

/**
 * Where the guard goes for a route registered in a branch (`if (useOAuth) { app.post('/mcp', …) } else { … }`):
 * before the whole `if`, in the statement list around it, so that every branch is guarded and not only the one the
 * route was found in. A branch that creates the app itself keeps the guard inside (the app does not exist before).
 */
function outsideBranches(
  ast: File,
  container: Statement[],
  statement: Statement,
  appName: string,
): { container: Statement[]; statement: Statement } {
  let site = { container, statement };
  for (;;) {
    let lifted: typeof site | undefined;
    walk(ast, (node, parents) => {
      if (lifted) return false;
      if (!n.BlockStatement.check(node) || node.body !== site.container) return undefined;
      let index = parents.length - 1;
      while (index >= 0 && n.IfStatement.check(parents[index])) index -= 1;
      const branch = parents[index + 1];
      const holder = parents[index] as { body?: unknown } | undefined;
      if (branch && Array.isArray(holder?.body) && !declares(branch, appName)) {
        lifted = { container: holder.body as Statement[], statement: branch as Statement };
      }
      return false;
    });
    if (!lifted) return site;
    site = lifted;
  }
}

/** Whether `root` declares `name` (`const app = …`, `let app`…). */
function declares(root: Node, name: string): boolean {
  return containsNode(
    root,
    (node) => n.VariableDeclarator.check(node) && n.Identifier.check(node.id) && node.id.name === name,
  );
}

interface GuardCall {
  localName: string;
  mcpPath: string;
  quote: Quote;
  alsoProtect: string[];
  /** A Cloudflare Worker: the variables come with each request (`c.env`), read on the first one. */
  worker?: boolean | undefined;
}

/**
 * `app.use(mcpOAuth(…))` before the statement at the site, or, for a root app created with `basePath`, inside its
 * creation: `new Hono().use(mcpOAuth(…)).basePath('/api')` (`use` returns the root app; what `basePath` returns
 * shares its routes, so the guard sees every path, the discovery documents at the root included).
 */
function placeGuard(
  ast: File,
  file: string,
  site: GuardSite,
  guard: GuardCall,
): { ok: true } | { ok: false; reason: string } {
  if (hasGuardCall(ast, guard.localName)) return { ok: true };
  let placed = false;
  walk(ast, (node, parents) => {
    if (placed) return false;
    if ((node as { start?: number }).start !== site.start) return undefined;
    if (site.mode === 'before') {
      const holder = parents.at(-1) as { body?: unknown } | undefined;
      const container = Array.isArray(holder?.body) ? (holder.body as Statement[]) : undefined;
      const index = container ? container.indexOf(node as Statement) : -1;
      if (!container || index < 0) return undefined;
      const code = guardCode(site.appName, guard);
      const cors = container.findIndex((statement) => registersCorsMiddleware(ast, statement, site.appName));
      container.splice(cors >= 0 && cors < index ? cors : index, 0, ...parseStatements(code, file));
      placed = true;
    } else if (n.VariableDeclarator.check(node)) {
      placed = useBeforeBasePath(node.init, guardArguments(guard));
      const declaration = parents.findLast((parent) => n.VariableDeclaration.check(parent));
      const statement = parents.at(parents.indexOf(declaration!) - 1);
      const commented = n.ExportNamedDeclaration.check(statement) ? statement : declaration;
      if (placed && commented) {
        const comments = ((commented as { comments?: unknown[] }).comments ??= []);
        comments.push(
          b.commentLine(
            ' Scalekit OAuth (create-mcp-oauth): registered before basePath, so it also serves discovery at the root.',
            true,
            false,
          ),
        );
      }
    }
    return !placed;
  });
  return placed
    ? { ok: true }
    : {
        ok: false,
        reason: `${file}:${site.line}: the place for the OAuth guard (on ${site.appName}) was not found`,
      };
}

/** In `new Hono().basePath('/api')`, the innermost `.basePath(…)` gets `.use(mcpOAuth(…))` before it. */
function useBeforeBasePath(init: unknown, guardArgument: string): boolean {
  let current = unwrapExpression(init);
  let target: { object: unknown } | undefined;
  while (isCall(current) && n.MemberExpression.check(current.callee)) {
    if (memberPropertyName(current.callee) === 'basePath') target = current.callee as { object: unknown };
    current = unwrapExpression(current.callee.object);
  }
  if (!target) return false;
  const use = expression(`app.use(${guardArgument})`) as unknown as { callee: { object: unknown } };
  use.callee.object = target.object;
  target.object = use;
  return true;
}

function guardArguments(guard: GuardCall): string {
  const extra =
    guard.alsoProtect.length === 0
      ? ''
      : `, alsoProtect: [${guard.alsoProtect.map((path) => quoted(path, guard.quote)).join(', ')}]`;
  const env = guard.worker ? ', env: (c) => c.env' : '';
  return `${guard.localName}({ mcpPath: ${quoted(guard.mcpPath, guard.quote)}${extra}${env} })`;
}

/** What to add by hand when the file's shape is not understood. */
export function manualEntrySnippet(
  input: Pick<EntryPatchInput, 'framework' | 'sdk' | 'adapterSpecifier' | 'worker'> & {
    /** The endpoint's public path; undefined when it was neither found nor given (the snippet then says so). */
    mcpPath: string | undefined;
  },
  esm: boolean,
  quote: Quote = 'single',
): string {
  const names = input.framework === 'hono' ? [GUARD_FUNCTION, AUTH_INFO_FUNCTION] : [GUARD_FUNCTION];
  const lines = [
    importCode(names, input.adapterSpecifier, esm, quote),
    '',
    '// …after creating the app, before the MCP route:',
    // A guard on the wrong path protects nothing, so the usual path must not pass for a found one.
    ...(input.mcpPath === undefined
      ? [
          `// ${DEFAULT_MCP_PATH} is a placeholder: put the public path hosts use for your MCP endpoint, with every ` +
            'mount prefix (e.g. /api/mcp), or run add again with --mcp-path <path>',
        ]
      : []),
    guardCode('app', {
      localName: GUARD_FUNCTION,
      mcpPath: input.mcpPath ?? DEFAULT_MCP_PATH,
      quote,
      alsoProtect: [],
      worker: input.worker,
    }).trimEnd(),
  ];
  if (input.framework === 'hono') {
    lines.push(
      '',
      '// …and in the MCP route, hand the verified token to the MCP layer (v2 handler, or a web-standard transport):',
      input.sdk === 'v2'
        ? `return mcp.fetch(c.req.raw, { authInfo: ${AUTH_INFO_FUNCTION}(c) });`
        : `return transport.handleRequest(c.req.raw, { authInfo: ${AUTH_INFO_FUNCTION}(c) });`,
      "// (@hono/mcp's transport.handleRequest(c) reads it from the context: nothing to change there)",
    );
  } else if (input.sdk === 'v1') {
    lines.push(
      '',
      '// …and in the MCP route, hand the parsed body to the transport:',
      'await transport.handleRequest(req, res, req.body);',
    );
  }
  return lines.join('\n');
}

function refuse(
  input: Pick<EntryPatchInput, 'framework' | 'sdk' | 'mcpPath' | 'adapterSpecifier' | 'esm' | 'worker'>,
  reason: string,
  quote: Quote,
): EntryPatch {
  return { ok: false, reason, snippet: manualEntrySnippet(input, input.esm, quote) };
}

function guardCode(appName: string, guard: GuardCall): string {
  return [
    '// Scalekit OAuth (create-mcp-oauth): discovery documents, and the token check in front of the MCP endpoint.',
    `${appName}.use(${guardArguments(guard)});`,
    '',
  ].join('\n');
}

function importCode(names: string[], specifier: string, esm: boolean, quote: Quote): string {
  return esm
    ? `import { ${names.join(', ')} } from ${quoted(specifier, quote)};`
    : `const { ${names.join(', ')} } = require(${quoted(specifier, quote)});`;
}

/** Make sure `names` are imported from the adapter; returns the local name of the guard function. */
function ensureImport(
  ast: File,
  input: Pick<EntryPatchInput, 'file' | 'adapterSpecifier'>,
  names: string[],
  esm: boolean,
  quote: Quote,
): { ok: true; localName: string } | { ok: false; reason: string } {
  const bindings = moduleBindings(ast);
  const local = (name: string) =>
    [...bindings].find(([, binding]) => binding.source === input.adapterSpecifier && binding.imported === name)?.[0];
  for (const name of names) {
    const clash = bindings.get(name);
    if (clash && clash.source !== input.adapterSpecifier) {
      return { ok: false, reason: `${input.file} already has something called ${name} (from ${clash.source})` };
    }
  }
  const missing = names.filter((name) => local(name) === undefined);
  if (missing.length > 0) {
    const existing = ast.program.body.find(
      (statement): statement is typeof statement & { specifiers: unknown[] } =>
        n.ImportDeclaration.check(statement) &&
        statement.source.value === input.adapterSpecifier &&
        (statement as { importKind?: string }).importKind !== 'type',
    );
    if (existing && esm) {
      const extra = parseStatements(
        importCode(missing, input.adapterSpecifier, true, quote),
        input.file,
      )[0] as unknown as { specifiers: unknown[] };
      existing.specifiers.push(...extra.specifiers);
    } else {
      const statements = parseStatements(importCode(missing, input.adapterSpecifier, esm, quote), input.file);
      insertImports(ast, statements);
    }
  }
  return { ok: true, localName: local(GUARD_FUNCTION) ?? GUARD_FUNCTION };
}

/** The CORS middleware packages whose handler answers preflights itself: `cors` (Express) and Hono's own. */
const CORS_MODULES = new Set(['cors', 'hono/cors']);

/**
 * `app.use(cors(…))`, `app.use('*', cors(…))`, `app.options('*', cors())`, or the same with a variable holding the
 * middleware (`const corsMiddleware = cors(…)`): the app's own CORS handling, registered on `appName`.
 */
function registersCorsMiddleware(ast: File, statement: Statement, appName: string): boolean {
  if (!n.ExpressionStatement.check(statement) || !isCall(statement.expression)) return false;
  const call = statement.expression;
  if (!n.MemberExpression.check(call.callee) || !n.Identifier.check(call.callee.object)) return false;
  if (call.callee.object.name !== appName) return false;
  const bindings = moduleBindings(ast);
  const isCorsFactory = (callee: unknown) =>
    n.Identifier.check(callee) && CORS_MODULES.has(bindings.get(callee.name)?.source ?? '');
  const middlewares = new Map<string, boolean>();
  walk(ast.program, (node) => {
    if (n.VariableDeclarator.check(node) && n.Identifier.check(node.id) && isCall(node.init))
      middlewares.set(node.id.name, isCorsFactory(node.init.callee));
  });
  return call.arguments.some(
    (argument) =>
      (isCall(argument) && isCorsFactory(argument.callee)) ||
      (n.Identifier.check(argument) && middlewares.get(argument.name) === true),
  );
}

function hasGuardCall(ast: File, localName: string): boolean {
  let found = false;
  walk(ast, (node) => {
    if (isCall(node) && n.Identifier.check(node.callee) && node.callee.name === localName) found = true;
    return !found;
  });
  return found;
}

/** Whether the guard is called before the route: in its statement list, or before the `if` it is registered under. */
function guardComesFirst(ast: File, route: McpRouteStatement, localName: string): boolean {
  const site = outsideBranches(ast, route.container, route.statement, route.appName);
  const before = ({ container, statement }: { container: Statement[]; statement: Statement }) =>
    container.slice(0, container.indexOf(statement));
  return [...before(site), ...before(route)].some((statement) => {
    let found = false;
    walk(statement, (node) => {
      if (isCall(node) && n.Identifier.check(node.callee) && node.callee.name === localName) found = true;
      return !found;
    });
    return found;
  });
}

/**
 * `transport.handleRequest(c.req.raw)` → `transport.handleRequest(c.req.raw, { authInfo: authInfoOf(c) })`, and the
 * same for a v2 handler's `mcp.fetch(c.req.raw)`. `@hono/mcp`'s `transport.handleRequest(c)` takes the context,
 * where the guard already put the token (`c.get('auth')`): nothing to change. The v1 SDK's Node transport on a Node
 * request converted from the Fetch one (`const { req, res } = toReqRes(c.req.raw)`, then
 * `transport.handleRequest(req, res, body)`) reads the token from `req.auth`: the request becomes
 * `Object.assign(req, { auth: authInfoOf(c) })`.
 */
function wireHonoAuthInfo(route: McpRouteStatement): { ok: true; handsOver: boolean } | { ok: false; reason: string } {
  const calls = transportCalls(route);
  let handsOver = false;
  if (calls.length === 0) {
    return {
      ok: false,
      reason:
        `the MCP route at line ${route.line} does not call transport.handleRequest(…) or mcp.fetch(c.req.raw), ` +
        `so the verified token cannot be handed to the MCP server`,
    };
  }
  for (const { call, handler } of calls) {
    const context = handler.params[0];
    if (!n.Identifier.check(context))
      return { ok: false, reason: `the MCP route handler at line ${lineOf(handler)} has no context parameter (c)` };
    const [first] = call.arguments;
    if (n.Identifier.check(first) && first.name === context.name) continue; // @hono/mcp: reads c.get('auth')
    handsOver = true;
    const authInfo = `${AUTH_INFO_FUNCTION}(${context.name})`;
    const options = call.arguments[1];
    if (isNodeRequestWithAuth(first, authInfo)) continue; // handed over by an earlier run
    if (n.Identifier.check(first) && call.arguments.length >= 2 && !n.ObjectExpression.check(options)) {
      // The v1 SDK's Node transport on a Node request made from the Fetch one (fetch-to-node's toReqRes):
      // handleRequest(req, res, body) reads the token from req.auth.
      call.arguments[0] = expression(`Object.assign(${first.name}, { auth: ${authInfo} })`) as typeof first;
      continue;
    }
    if (call.arguments.length === 1) {
      call.arguments.push(expression(`{ authInfo: ${authInfo} }`));
    } else if (n.ObjectExpression.check(options)) {
      if (!options.properties.some((property) => propertyName(property) === 'authInfo')) {
        options.properties.push(
          ...(expression(`{ authInfo: ${authInfo} }`) as unknown as { properties: typeof options.properties })
            .properties,
        );
      }
    } else {
      return {
        ok: false,
        reason:
          `handleRequest(…) at line ${lineOf(call)} takes options ` +
          `I cannot extend; add authInfo: ${authInfo} to them`,
      };
    }
  }
  return { ok: true, handsOver };
}

/** `Object.assign(req, { auth: authInfoOf(c) })`, as `wireHonoAuthInfo` writes it. */
function isNodeRequestWithAuth(argument: unknown, authInfo: string): boolean {
  return (
    n.CallExpression.check(argument) &&
    codeOf(argument.callee) === 'Object.assign' &&
    argument.arguments.length === 2 &&
    n.Identifier.check(argument.arguments[0]) &&
    codeOf(argument.arguments[1]).replace(/\s+/g, ' ') === `{ auth: ${authInfo} }`
  );
}

/**
 * Express + v1: `transport.handleRequest(req, res)` → `transport.handleRequest(req, res, req.body)`
 * (also `handlePostMessage`).
 */
function passParsedBody(route: Pick<McpRouteStatement, 'handlers'>, methods: string[] = ['handleRequest']): string[] {
  const notes: string[] = [];
  for (const { call, handler } of transportCalls(route, methods)) {
    if (call.arguments.length !== 2) continue;
    const request = handler.params[0];
    if (
      n.Identifier.check(request) &&
      n.Identifier.check(call.arguments[0]) &&
      call.arguments[0].name === request.name
    ) {
      call.arguments.push(expression(`${request.name}.body`));
    } else {
      notes.push(
        `pass the parsed body to handleRequest(…) at line ${lineOf(call)} ` +
          `(req.body): the OAuth guard reads the body to check tool scopes`,
      );
    }
  }
  return notes;
}

function propertyName(property: unknown): string | undefined {
  if (
    (n.ObjectProperty.check(property) || n.Property.check(property)) &&
    !property.computed &&
    n.Identifier.check(property.key)
  )
    return property.key.name;
  return undefined;
}

/** An expression parsed as a call argument, so it prints as written (no parentheses, one line). */
function expression(code: string): CallExpression['arguments'][number] {
  const [statement] = parseStatements(`argument(${code});`, 'snippet.ts') as Statement[];
  return (statement as unknown as { expression: CallExpression }).expression.arguments[0]!;
}
