#!/usr/bin/env node
// CommonJS, like the bundle it loads (scripts/build.mjs says why), so a start never initialises the ES module loader.
// Checked here, in syntax every Node version parses, so an old Node gets a clear message instead of a SyntaxError.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(`create-mcp-oauth needs Node.js 20.19 or newer (this is ${process.versions.node}).`);
  process.exit(1);
}

// Later starts skip most parsing and compiling when compiled code is kept on disk between runs: Node >= 22.1 does
// this itself (as Vite's CLI turns on); on Node 20 the bundle's compile-cache chunk does the same for its own chunks.
// NODE_DISABLE_COMPILE_CACHE=1 opts out of either. A cache that cannot be used (read-only temporary directory…)
// only costs speed.
if (!process.env.NODE_DISABLE_COMPILE_CACHE) {
  try {
    const { enableCompileCache } = require('node:module');
    if (enableCompileCache) enableCompileCache();
    else require('../dist/compile-cache.cjs').cacheCompiledChunks(require('node:path').join(__dirname, '..', 'dist'));
  } catch {
    // Only speed is lost.
  }
}
require('../dist/cli.cjs').run();
