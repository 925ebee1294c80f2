#!/usr/bin/env node
// CommonJS, like the bundle it loads (scripts/build.mjs says why), so a start never initialises the ES module loader.
// Checked here, in syntax every Node version parses, so an old Node gets a clear message instead of a SyntaxError.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(`create-mcp-oauth needs Node.js 20.19 or newer (this is ${process.versions.node}).`);
  process.exit(1);
}

// Node >= 22.1 can keep compiled code on disk between runs (as Vite's CLI does), so later starts skip most
// parsing and compiling. Node 20 has no such cache; NODE_DISABLE_COMPILE_CACHE=1 opts out.
try {
  if (!process.env.NODE_DISABLE_COMPILE_CACHE) require('node:module').enableCompileCache?.();
} catch {
  // A cache that cannot be created (read-only temporary directory…) only costs speed.
}
require('../dist/cli.cjs').run();
