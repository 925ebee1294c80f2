/** `add` on Hono projects: v1 and v2 SDK, TypeScript. */
import { describeAddScenario } from './scenario.js';

describeAddScenario({
  fixture: 'hono-v1-ts',
  entry: 'src/index.ts',
  main: 'dist/index.js',
  typescript: true,
  sdk: 'v1',
  readTool: 'list_notes',
  writeTool: 'add_note',
  writeArgs: { text: 'Water the plants' },
});

describeAddScenario({
  fixture: 'hono-v2-ts',
  entry: 'src/main.ts',
  main: 'dist/main.js',
  typescript: true,
  sdk: 'v2',
  readTool: 'list_notes',
  writeTool: 'add_note',
  writeArgs: { text: 'Water the plants' },
});
