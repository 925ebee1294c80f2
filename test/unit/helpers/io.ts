import os from 'node:os';
import type { CliIo } from '../../../src/core/io.js';

/** A non-TTY io for running `main()` in-process, collecting what it prints. */
export function captureIo(overrides: Partial<CliIo> = {}) {
  let stdout = '';
  let stderr = '';
  const io: CliIo & { stdoutText(): string; stderrText(): string } = {
    cwd: os.tmpdir(),
    env: { PATH: process.env.PATH },
    stdin: { isTTY: false },
    stdout: { isTTY: false, write: (chunk: string) => (stdout += chunk) },
    stderr: { isTTY: false, write: (chunk: string) => (stderr += chunk) },
    ...overrides,
    stdoutText: () => stdout,
    stderrText: () => stderr,
  };
  return io;
}
