/**
 * `add` on servers whose MCP route sits under a prefix: the guard goes on the root app and protects the public
 * path (PRM at /.well-known/oauth-protected-resource/<prefix>/mcp, the challenge names it), whether the prefix
 * comes from Hono's basePath on the root app, `app.route('/api', sub)` with the sub-app in another module, a
 * CommonJS router mounted inside a router, or an Express 5 router built by a factory and mounted under /api.
 */
import { describeAddScenario } from './scenario.js';

describeAddScenario({
  fixture: 'hono-v2-basepath',
  entry: 'src/app.ts',
  alsoPatched: ['src/routes/mcp.ts'],
  mcpPath: '/api/mcp',
  main: 'dist/index.js',
  typescript: true,
  sdk: 'v2',
  readTool: 'list_entries',
  writeTool: 'write_entry',
  writeArgs: { day: '2026-03-01', text: 'Tried add on a basePath app' },
});

describeAddScenario({
  fixture: 'hono-v1-route-prefix',
  entry: 'src/app.ts',
  mcpPath: '/api/mcp',
  main: 'dist/index.js',
  typescript: true,
  sdk: 'v1',
  readTool: 'list_pantry',
  writeTool: 'stock_item',
  writeArgs: { item: 'lentils', quantity: 3 },
});

describeAddScenario({
  fixture: 'express-v1-cjs-nested',
  entry: 'src/app.js',
  mcpPath: '/api/v1/mcp',
  main: 'src/index.js',
  typescript: false,
  sdk: 'v1',
  readTool: 'search_books',
  writeTool: 'lend_book',
  writeArgs: { title: 'Dune', reader: 'Ada' },
});

describeAddScenario({
  fixture: 'express-v2-ts-router-prefix',
  entry: 'src/app.ts',
  mcpPath: '/api/mcp',
  main: 'dist/index.js',
  typescript: true,
  sdk: 'v2',
  readTool: 'list_tickets',
  writeTool: 'open_ticket',
  writeArgs: { subject: 'Printer on fire', priority: 'high' },
});
