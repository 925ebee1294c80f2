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
  isCall,
  lineOf,
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
  type Quote,
  type Statement,
} from './ast.js';
import type { SdkLine } from './detect.js';
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
  mcpPath: string;
  /** Import specifier of the adapter from the entry file, e.g. `./mcp-oauth/express.js`. */
  adapterSpecifier: string;
  /** Whether the file uses import/export (else require). */
  esm: boolean;
}

export type EntryPatch =
  | { ok: true; text: string; notes: string[] }
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
  const routes = findMcpRoutes(ast).filter((route) => route.path === input.mcpPath);
  const route = routes.sort((a, b) => a.line - b.line)[0];
  if (!route)
    return refuse(
      input,
      `${input.file} does not mount the MCP endpoint at ${input.mcpPath} in a way I recognise`,
      quote,
    );

  const notes: string[] = [];
  const esm = input.esm;
  // The deprecated HTTP+SSE endpoints in the same statement list reach the MCP server too: guard them as well.
  const sseRoutes = findLegacySseRoutes(ast).filter((sse) => sse.container === route.container);
  const alsoProtect = [...new Set(sseRoutes.map((sse) => sse.path))];
  const needed = [GUARD_FUNCTION];

  // Hono: the transport must receive the verified token (v2 checks tool scopes with it).
  if (input.framework === 'hono') {
    const wired = wireHonoAuthInfo(route);
    if (wired.ok && wired.handsOver) needed.push(AUTH_INFO_FUNCTION);
    if (!wired.ok) {
      if (input.sdk === 'v2') return refuse(input, wired.reason, quote);
      notes.push(
        `${wired.reason}; tools will not see the caller's token (pass { authInfo: ${AUTH_INFO_FUNCTION}(c) } to handleRequest)`,
      );
    }
  }
  if (input.framework === 'express' && input.sdk === 'v1') {
    notes.push(...passParsedBody(route));
    for (const sse of sseRoutes) notes.push(...passParsedBody(sse, ['handlePostMessage']));
  }

  const imported = ensureImport(ast, input, needed, esm, quote);
  if (!imported.ok) return refuse(input, imported.reason, quote);

  if (!hasGuardCall(ast, imported.localName)) {
    const guard = parseStatements(
      guardCode(route.appName, imported.localName, input.mcpPath, quote, alsoProtect),
      input.file,
    );
    // Before the first statement that reaches the MCP server: the MCP route or an HTTP+SSE route.
    const index = Math.min(...[route, ...sseRoutes].map((statement) => route.container.indexOf(statement.statement)));
    route.container.splice(index, 0, ...guard);
  } else if (!guardComesFirst(route, imported.localName)) {
    notes.push(
      `${input.file} calls ${imported.localName}(…) after the MCP route at line ${route.line}: move it before, or the endpoint is not protected`,
    );
  }

  return { ok: true, text: printModule(ast, quote), notes };
}

/** What to add by hand when the file's shape is not understood. */
export function manualEntrySnippet(
  input: Pick<EntryPatchInput, 'framework' | 'sdk' | 'mcpPath' | 'adapterSpecifier'>,
  esm: boolean,
  quote: Quote = 'single',
): string {
  const names = input.framework === 'hono' ? [GUARD_FUNCTION, AUTH_INFO_FUNCTION] : [GUARD_FUNCTION];
  const lines = [
    importCode(names, input.adapterSpecifier, esm, quote),
    '',
    '// …after creating the app, before the MCP route:',
    guardCode('app', GUARD_FUNCTION, input.mcpPath, quote).trimEnd(),
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

function refuse(input: EntryPatchInput, reason: string, quote: Quote): EntryPatch {
  return { ok: false, reason, snippet: manualEntrySnippet(input, input.esm, quote) };
}

function guardCode(
  appName: string,
  localName: string,
  mcpPath: string,
  quote: Quote,
  alsoProtect: string[] = [],
): string {
  const extra =
    alsoProtect.length === 0 ? '' : `, alsoProtect: [${alsoProtect.map((path) => quoted(path, quote)).join(', ')}]`;
  return [
    '// Scalekit OAuth (create-mcp-oauth): discovery documents, and the token check in front of the MCP endpoint.',
    `${appName}.use(${localName}({ mcpPath: ${quoted(mcpPath, quote)}${extra} }));`,
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
  input: EntryPatchInput,
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

function hasGuardCall(ast: File, localName: string): boolean {
  let found = false;
  walk(ast, (node) => {
    if (isCall(node) && n.Identifier.check(node.callee) && node.callee.name === localName) found = true;
    return !found;
  });
  return found;
}

function guardComesFirst(route: McpRouteStatement, localName: string): boolean {
  const routeIndex = route.container.indexOf(route.statement);
  return route.container.slice(0, routeIndex).some((statement) => {
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
 * where the guard already put the token (`c.get('auth')`): nothing to change.
 */
function wireHonoAuthInfo(route: McpRouteStatement): { ok: true; handsOver: boolean } | { ok: false; reason: string } {
  const calls = transportCalls(route);
  let handsOver = false;
  if (calls.length === 0) {
    return {
      ok: false,
      reason: `the MCP route at line ${route.line} does not call transport.handleRequest(…) or mcp.fetch(c.req.raw), so the verified token cannot be handed to the MCP server`,
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
        reason: `handleRequest(…) at line ${lineOf(call)} takes options I cannot extend; add authInfo: ${authInfo} to them`,
      };
    }
  }
  return { ok: true, handsOver };
}

/** Express + v1: `transport.handleRequest(req, res)` → `transport.handleRequest(req, res, req.body)` (also `handlePostMessage`). */
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
        `pass the parsed body to handleRequest(…) at line ${lineOf(call)} (req.body): the OAuth guard reads the body to check tool scopes`,
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
