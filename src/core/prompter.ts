/**
 * The questions the CLI can ask, independent of how they are drawn. `src/config/resolve.ts` asks
 * through this interface; `clack-ui.ts` implements it with @clack/prompts; tests script it.
 * Every method throws `CancelledError` when the user cancels.
 */
export interface Choice<T extends string> {
  value: T;
  label: string;
  hint?: string;
}

export interface TextQuestion {
  message: string;
  /** Shown dimmed while the input is empty. */
  placeholder?: string;
  /** Returned when the user submits an empty input; validation sees this value. */
  defaultValue?: string;
  /** A message when the value is not acceptable; may be async (e.g. to look at the disk). */
  validate?: (value: string) => string | undefined | Promise<string | undefined>;
}

export interface Prompter {
  text(question: TextQuestion): Promise<string>;
  select<T extends string>(question: { message: string; options: Choice<T>[]; initialValue?: T }): Promise<T>;
  multiselect<T extends string>(question: { message: string; options: Choice<T>[]; initialValues?: T[] }): Promise<T[]>;
  confirm(question: { message: string; initialValue?: boolean }): Promise<boolean>;
  /** A remark between questions (e.g. why an answer was not taken). */
  note(message: string): void;
}
