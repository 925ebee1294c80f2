import type { Prompter } from '../core/prompter.js';

/**
 * Everything the scaffold flow says to the user. Two implementations: `plain-ui.ts` (no TTY, CI,
 * `--yes` in pipes: plain lines, warnings on stderr) and `clack-ui.ts` (interactive: clack's frame,
 * spinner and prompts). The flow in `cli.ts` does not care which one it got.
 */
export interface Ui {
  /** `undefined` when we must not prompt. */
  prompter: Prompter | undefined;
  intro(title: string): void;
  info(message: string): void;
  warn(message: string): void;
  success(message: string): void;
  /** A titled block printed as is (dry-run listing, next steps). */
  section(title: string, lines: string[]): void;
  /** Feedback for a step that takes a while. */
  progress(message: string): Progress;
  outro(message: string): void;
  /** "Cancelled", and `detail` (what was kept or undone) when given. */
  cancelled(detail?: string): void;
}

export interface Progress {
  done(message: string): void;
  fail(message: string): void;
}
