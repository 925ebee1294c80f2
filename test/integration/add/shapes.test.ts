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
