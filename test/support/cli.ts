/** Runs the built CLI the way CI and scripts do: no terminal, CI=true, nothing on stdin. */
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';

export const CLI_BIN = fileURLToPath(new URL('../../bin/create-mcp-oauth.cjs', import.meta.url));

export interface CliResult {
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved, for assertion messages. */
  all: string;
}

export async function runCli(
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; timeout?: number; script?: string } = {},
): Promise<CliResult> {
  const result = await execa(process.execPath, [options.script ?? CLI_BIN, ...args], {
    cwd: options.cwd,
    env: { CI: 'true', NO_COLOR: '1', ...options.env },
    stdin: 'ignore',
    reject: false,
    timeout: options.timeout ?? 120_000,
    all: true,
  });
  return {
    exitCode: result.exitCode,
    stdout: String(result.stdout),
    stderr: String(result.stderr),
    all: String(result.all),
  };
}
