import type { PackageManager } from '../core/types.js';
import { formatCommand, installCommand } from '../core/package-manager.js';

/** How many lines of the package manager's stderr to show when it fails. */
const STDERR_TAIL_LINES = 15;

export type InstallOutcome = { ok: true } | { ok: false; reason: string; retry: string };

/**
 * Run the package manager's install in the generated project. Output is captured, not streamed,
 * so the spinner (or the plain progress line) stays readable; on failure the tail of stderr says why.
 * execa is imported here, lazily, so `--help` and `--dry-run` never load it.
 */
export async function installDependencies(pm: PackageManager, cwd: string): Promise<InstallOutcome> {
  const { execa } = await import('execa');
  const command = installCommand(pm);
  const retry = formatCommand(command);
  const result = await execa(command.command, command.args, {
    cwd,
    reject: false,
    stdin: 'ignore',
  });
  if (!result.failed) return { ok: true };
  if (result.code === 'ENOENT') {
    return {
      ok: false,
      reason: `${pm} is not installed or not on PATH (install it, or pass --package-manager npm)`,
      retry,
    };
  }
  const tail = String(result.stderr ?? '')
    .trim()
    .split('\n')
    .slice(-STDERR_TAIL_LINES)
    .join('\n');
  const status = result.exitCode === undefined ? result.shortMessage : `exit code ${result.exitCode}`;
  return { ok: false, reason: `${retry} failed (${status})${tail ? `:\n${tail}` : ''}`, retry };
}
