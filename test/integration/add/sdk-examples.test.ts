/**
 * `add` on projects made from the official MCP TypeScript SDK's own documentation and example servers, copied the
 * way a user copies them: the example as src/index.ts, the helper modules it imports beside it, the code otherwise
 * as the SDK has it (a server that takes its port from PORT, so the harness can pick one).
 *
 * v2 (modelcontextprotocol/typescript-sdk, main): docs/serving/express.md with the per-caller factory of
 * docs/serving/http.md; docs/serving/hono.md (the app in app.ts, served from index.ts); examples/tools and
 * examples/todos-server (stdio or HTTP by argv, the Hono app created inside the `else` branch, tools in another
 * module); examples/legacy-routing (isLegacyRequest in front of a sessionful 2025 transport and a strict handler).
 * v1 (the v1.x branch): src/examples/server/jsonResponseStreamableHttp.ts (sessions, JSON responses).
 *
 * The SDK's examples that carry OAuth of their own (v2 bearer-auth and scoped-tools, v1 simpleStreamableHttp and
 * elicitationUrlExample) are refused, naming it: test/unit/add-apply.test.ts.
 */
import { describeAddScenario } from './scenario.js';

describeAddScenario({
  fixture: 'sdk-v2-example-docs-express',
  entry: 'src/index.ts',
  main: 'dist/index.js',
  typescript: true,
  sdk: 'v2',
  readTool: 'add-note',
  writeTool: 'whoami',
  writeArgs: {},
  writeToolEchoesClient: true,
});

describeAddScenario({
  fixture: 'sdk-v2-example-docs-hono',
  entry: 'src/app.ts',
  main: 'dist/index.js',
  typescript: true,
  sdk: 'v2',
  readTool: 'add-note',
  writeTool: 'whoami',
  writeArgs: {},
  writeToolEchoesClient: true,
});

describeAddScenario({
  fixture: 'sdk-v2-example-tools',
  entry: 'src/index.ts',
  main: 'dist/index.js',
  args: ['--http'],
  typescript: true,
  sdk: 'v2',
  readTool: 'calc',
  writeTool: 'echo',
  writeArgs: { text: 'hello' },
});

describeAddScenario({
  fixture: 'sdk-v2-example-todos-server',
  entry: 'src/index.ts',
  alsoPatched: ['src/todos.ts'],
  main: 'dist/index.js',
  args: ['--http'],
  typescript: true,
  sdk: 'v2',
  readTool: 'list_tasks',
  writeTool: 'add_task',
  writeArgs: { title: 'Water the plants' },
});

describeAddScenario({
  fixture: 'sdk-v2-example-legacy-routing',
  entry: 'src/index.ts',
  main: 'dist/index.js',
  typescript: true,
  sdk: 'v2',
  readTool: 'greet',
  writeTool: 'whoami',
  writeArgs: {},
  writeToolEchoesClient: true,
  stateful: true,
});

describeAddScenario({
  fixture: 'sdk-v1-example-json-response-streamable-http',
  entry: 'src/index.ts',
  main: 'dist/index.js',
  typescript: true,
  sdk: 'v1',
  readTool: 'greet',
  writeTool: 'multi-greet',
  writeArgs: { name: 'Ada' },
  stateful: true,
});
