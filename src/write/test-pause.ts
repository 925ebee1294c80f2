import type { WriterFs } from './fs.js';

/**
 * Test-only hook, inert unless the environment variable is set: with
 * `CREATE_MCP_OAUTH_TEST_PAUSE_AFTER=<n>` the writer announces each file-system change on stderr
 * (`[test-pause] 3 mkdir <path>`) and, after the n-th, prints `[test-pause] paused` and waits until the
 * write is aborted (SIGINT/SIGTERM) or the process is killed. Kill tests use it to interrupt at an
 * exact point instead of racing a timer (test/unit/cli-interrupt.test.ts).
 */
export const TEST_PAUSE_ENV = 'CREATE_MCP_OAUTH_TEST_PAUSE_AFTER';

const READS: (keyof WriterFs)[] = ['lstat', 'readdir'];
const CHANGES: (keyof WriterFs)[] = ['mkdir', 'writeFile', 'chmod', 'rename', 'copyFile', 'unlink', 'rmdir', 'rm'];
/** Operations whose second argument is a path too (the rest get file contents or options there). */
const TWO_PATHS = new Set<keyof WriterFs>(['rename', 'copyFile']);

export function withTestPause(
  fs: WriterFs,
  env: NodeJS.ProcessEnv,
  signal: AbortSignal,
  announce: (line: string) => void,
): WriterFs {
  const pauseAfter = Number(env[TEST_PAUSE_ENV]);
  if (!env[TEST_PAUSE_ENV] || !Number.isInteger(pauseAfter) || pauseAfter < 1) return fs;
  let count = 0;
  const wrapped = {} as Record<keyof WriterFs, unknown>;
  for (const name of READS) wrapped[name] = fs[name].bind(fs);
  for (const name of CHANGES) {
    const original = (fs[name] as (...args: unknown[]) => Promise<unknown>).bind(fs);
    wrapped[name] = async (...args: unknown[]) => {
      const result = await original(...args);
      count += 1;
      announce(`[test-pause] ${count} ${name} ${args.slice(0, TWO_PATHS.has(name) ? 2 : 1).join(' ')}`);
      if (count === pauseAfter) {
        announce('[test-pause] paused');
        await untilAborted(signal);
      }
      return result;
    };
  }
  return wrapped as unknown as WriterFs;
}

function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  // Signal listeners do not keep Node alive; the timer does, so the process waits to be interrupted.
  const keepAlive = setInterval(() => {}, 60_000);
  return new Promise((resolve) =>
    signal.addEventListener(
      'abort',
      () => {
        clearInterval(keepAlive);
        resolve();
      },
      { once: true },
    ),
  );
}
