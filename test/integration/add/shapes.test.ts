/**
 * `add` on the shapes real servers take beyond the basic ones: the v2 SDK's documented `createMcpHandler` +
 * `mcp.fetch(c.req.raw)` on `createMcpHonoApp`, `@hono/mcp`'s `transport.handleRequest(c)` on the v1 SDK, a
 * CommonJS server with a session map that still serves the deprecated HTTP+SSE transport, and apps whose MCP
 * route lives in another module than the app: an Express router, a Hono route group mounted with `app.route()`,
 * an Express 4 project as `tsc --init` sets one up (CommonJS output, ES2016 target) whose route is an
 * `app.route('/mcp').post(handler)` chain with the handler imported from
 * another module, served through `http.createServer(app)`; and Hono running the v1 SDK's Node transport through
 * fetch-to-node, whose tools must see the verified token.
 */
import { describeAddScenario } from './scenario.js';

describeAddScenario({
  fixture: 'hono-v2-handler',
  entry: 'src/index.ts',
  main: 'dist/index.js',
  typescript: true,
  sdk: 'v2',
  readTool: 'list_bookmarks',
  writeTool: 'save_bookmark',
  writeArgs: { title: 'Hono', url: 'https://hono.dev' },
});

describeAddScenario({
  fixture: 'hono-v1-hono-mcp',
  entry: 'src/index.ts',
  main: 'dist/index.js',
  typescript: true,
  sdk: 'v1',
  readTool: 'list_recipes',
  writeTool: 'add_recipe',
  writeArgs: { name: 'soup', ingredients: ['water', 'salt'] },
});

describeAddScenario({
  fixture: 'express-v1-sse-js',
  entry: 'src/index.js',
  main: 'src/index.js',
  typescript: false,
  sdk: 'v1',
  readTool: 'list_tasks',
  writeTool: 'add_task',
  writeArgs: { title: 'Review the patch' },
  stateful: true,
  sse: { stream: '/sse', messages: '/messages' },
});

describeAddScenario({
  fixture: 'express-v2-router',
  entry: 'src/routes/mcp.ts',
  main: 'dist/server.js',
  typescript: true,
  sdk: 'v2',
  readTool: 'check_stock',
  writeTool: 'restock',
  writeArgs: { item: 'gear', count: 3 },
});

describeAddScenario({
  fixture: 'hono-v2-subapp',
  entry: 'src/routes/mcp.ts',
  main: 'dist/index.js',
  typescript: true,
  sdk: 'v2',
  readTool: 'list_events',
  writeTool: 'add_event',
  writeArgs: { title: 'Standup', day: 'Monday' },
});

describeAddScenario({
  fixture: 'express-v1-route-chain',
  entry: 'src/index.ts',
  main: 'dist/index.js',
  typescript: true,
  sdk: 'v1',
  readTool: 'list_invoices',
  writeTool: 'create_invoice',
  writeArgs: { customer: 'Globex', amount: 42 },
});

describeAddScenario({
  fixture: 'hono-v1-fetch-to-node',
  entry: 'src/index.ts',
  main: 'dist/index.js',
  typescript: true,
  sdk: 'v1',
  readTool: 'list_books',
  writeTool: 'add_book',
  writeArgs: { title: 'Dune', author: 'Frank Herbert' },
  writeToolEchoesClient: true,
});

// A published `bin` server as the SDK's README builds it: a shebang, dotenv, the v1 SDK's createMcpExpressApp (so
// no express of its own in package.json), the route path in a constant inside an async main(), and the README's
// cors() for browser clients, which allows no Authorization header: the guard must come before it.
describeAddScenario({
  fixture: 'express-v1-js-bin-cors',
  entry: 'src/index.js',
  main: 'src/index.js',
  typescript: false,
  sdk: 'v1',
  readTool: 'list_events',
  writeTool: 'create_event',
  writeArgs: { title: 'Design review', start: '2026-12-08T14:00:00Z' },
});

// TypeScript compiled to CommonJS (no "type": "module") with "module": "nodenext", extensionless imports, a
// shebang, and the MCP router mounted by a setup function in another module, with sessions.
describeAddScenario({
  fixture: 'express-v1-ts-cjs-nodenext',
  entry: 'src/index.ts',
  main: 'dist/index.js',
  typescript: true,
  sdk: 'v1',
  readTool: 'list_quotes',
  writeTool: 'save_quote',
  writeArgs: { text: 'Make it work, make it right, make it fast.', author: 'Kent Beck' },
  writeToolEchoesClient: true,
  stateful: true,
});

// The app held by a class, routes registered in a method (`this.app.post('/mcp', (req, res) => this.handlePost(…))`),
// as tutorials that wrap the server in a class write it.
describeAddScenario({
  fixture: 'express-v1-ts-class',
  entry: 'src/http-server.ts',
  main: 'dist/index.js',
  typescript: true,
  sdk: 'v1',
  readTool: 'list_saved_queries',
  writeTool: 'save_query',
  writeArgs: { name: 'orders_today', sql: 'select * from orders where created_at > now() - interval 1 day' },
  stateful: true,
});
