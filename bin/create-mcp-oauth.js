#!/usr/bin/env node
// Checked here, in syntax every Node version parses, so an old Node gets a clear message instead of a SyntaxError.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(`create-mcp-oauth needs Node.js 20.19 or newer (this is ${process.versions.node}).`);
  process.exit(1);
}

import('../dist/cli.js').then(({ run }) => run());
