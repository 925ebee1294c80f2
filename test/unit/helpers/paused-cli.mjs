/**
 * The built CLI (dist/cli.cjs) with a file system that pauses, for the kill tests
 * (test/unit/cli-interrupt.test.ts): `node paused-cli.mjs <cli args>` with `PAUSE_AFTER=<n>` runs `main()`
 * with node:fs/promises wrapped so every file-system change is announced on stderr
 * (`[test-pause] 3 mkdir <path>`) and, after the n-th, `[test-pause] paused` is printed and the write waits
 * until the process is interrupted (SIGINT/SIGTERM/SIGHUP) or killed. A test can then interrupt at an exact
 * point instead of racing a timer. Injected through `main()`'s file-system parameter: nothing of this ships.
 */
import fs from 'node:fs/promises';
import { main } from '../../../dist/cli.cjs';

const READS = ['lstat', 'readdir'];
const CHANGES = ['mkdir', 'writeFile', 'chmod', 'rename', 'copyFile', 'unlink', 'rmdir', 'rm'];
/** Operations whose second argument is a path too (the rest get file contents or options there). */
const TWO_PATHS = new Set(['rename', 'copyFile']);
const INTERRUPTS = ['SIGINT', 'SIGTERM', 'SIGHUP'];

const pauseAfter = Number(process.env.PAUSE_AFTER);
if (!Number.isInteger(pauseAfter) || pauseAfter < 1) {
  console.error('paused-cli: set PAUSE_AFTER to the number of file-system changes to pause after (1 or more)');
  process.exit(2);
}

const announce = (line) => process.stderr.write(`${line}\n`);
let count = 0;
const pausingFs = {};
for (const name of READS) pausingFs[name] = fs[name].bind(fs);
for (const name of CHANGES) {
  const original = fs[name].bind(fs);
  pausingFs[name] = async (...args) => {
    const result = await original(...args);
    count += 1;
    announce(`[test-pause] ${count} ${name} ${args.slice(0, TWO_PATHS.has(name) ? 2 : 1).join(' ')}`);
    if (count === pauseAfter) {
      announce('[test-pause] paused');
      await untilInterrupted();
    }
    return result;
  };
}

/**
 * Resolves on the next interrupt. The CLI's own handler (registered before the write began) runs first and
 * aborts the write; the writer then sees the abort as soon as this operation returns.
 */
function untilInterrupted() {
  // Signal listeners do not keep Node alive; the timer does, so the process waits to be interrupted.
  const keepAlive = setInterval(() => {}, 60_000);
  return new Promise((resolve) => {
    const resume = () => {
      clearInterval(keepAlive);
      for (const signal of INTERRUPTS) process.off(signal, resume);
      resolve();
    };
    for (const signal of INTERRUPTS) process.on(signal, resume);
  });
}

process.exitCode = await main(process.argv.slice(2), undefined, undefined, pausingFs);
