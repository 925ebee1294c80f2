import type { CliIo } from '../core/io.js';
import { colorsFor } from './terminal.js';
import type { Ui } from './ui.js';

/** Line-based output for logs and pipes: no cursor movement, no prompts, warnings on stderr. */
export function createPlainUi({ stdout, stderr, env }: Pick<CliIo, 'stdout' | 'stderr' | 'env'>): Ui {
  const colors = colorsFor(stdout, env);
  const errColors = colorsFor(stderr, env);
  const out = (line = '') => stdout.write(`${line}\n`);
  const err = (line: string) => stderr.write(`${line}\n`);
  return {
    prompter: undefined,
    // Logs get no banner: the first line should be the first thing that happened.
    intro: () => {},
    info: (message) => out(message),
    warn: (message) => err(`${errColors.yellow('warning:')} ${message}`),
    success: (message) => out(`${colors.green('✔')} ${message}`),
    section(title, lines) {
      out();
      out(colors.bold(title));
      for (const line of lines) out(line === '' ? '' : `  ${line}`);
    },
    progress(message) {
      out(`${message}…`);
      return {
        done: (doneMessage) => out(`${colors.green('✔')} ${doneMessage}`),
        fail: (failMessage) => err(`${errColors.red('✖')} ${failMessage}`),
      };
    },
    outro: (message) => {
      out();
      out(message);
    },
    cancelled: (detail) => {
      err(errColors.red('Cancelled'));
      if (detail) err(detail);
    },
  };
}
