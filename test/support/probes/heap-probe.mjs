// Test-only probe, loaded into a server process with `node --expose-gc --import <this file>`:
// on SIGUSR2 it collects garbage and prints the live heap as one JSON line, so a test can tell a leak
// (live heap grows) from V8 simply not having collected yet (resident set grows).
process.on('SIGUSR2', () => {
  globalThis.gc();
  globalThis.gc();
  process.stderr.write(`${JSON.stringify({ event: 'heap_probe', heapUsed: process.memoryUsage().heapUsed })}\n`);
});
