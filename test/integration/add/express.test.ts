/** `add` on Express projects: v2 and v1 SDK in TypeScript, v1 in plain JavaScript (CommonJS). */
import { describeAddScenario, EXPRESS_V2_TS } from './scenario.js';

describeAddScenario(EXPRESS_V2_TS);

describeAddScenario({
  fixture: 'express-v1-ts-esm',
  entry: 'src/server.ts',
  main: 'dist/server.js',
  typescript: true,
  sdk: 'v1',
  readTool: 'list_notes',
  writeTool: 'add_note',
  writeArgs: { text: 'Water the plants' },
});

describeAddScenario({
  fixture: 'express-v1-js-cjs',
  entry: 'server.js',
  main: 'server.js',
  typescript: false,
  sdk: 'v1',
  readTool: 'list_notes',
  writeTool: 'add_note',
  writeArgs: { text: 'Water the plants' },
});
