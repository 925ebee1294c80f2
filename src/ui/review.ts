/**
 * Showing a change to an existing project and asking before it is written: shared by `add` and `upgrade`,
 * so both colour a diff and ask (or refuse to write without `--yes`) the same way.
 */
import { CliError } from '../core/errors.js';
import type { Colors } from './terminal.js';
import type { Ui } from './ui.js';

export function colorDiff(diff: string, colors: Colors): string {
  return diff
    .split('\n')
    .map((line) => colorDiffLine(line, colors))
    .join('\n');
}

function colorDiffLine(line: string, colors: Colors): string {
  if (line.startsWith('+++') || line.startsWith('---')) return colors.bold(line);
  if (line.startsWith('+')) return colors.green(line);
  if (line.startsWith('-')) return colors.red(line);
  if (line.startsWith('@@')) return colors.cyan(line);
  return line;
}

/**
 * Whether to write the change just shown: yes with `--yes`; otherwise ask, and without a terminal (or
 * with CI set) refuse, naming the flag, rather than wait for an answer that cannot come.
 */
export async function confirmChange(
  ui: Ui,
  options: { yes: boolean; message: string; nonInteractiveReason: string | undefined },
): Promise<boolean> {
  if (options.yes) return true;
  if (!ui.prompter)
    throw new CliError(
      `not writing without confirmation: review the diff above, then run again with --yes ` +
        `to apply it (can't prompt: ${options.nonInteractiveReason})`,
    );
  return ui.prompter.confirm({ message: options.message, initialValue: true });
}
