import * as clack from '@clack/prompts';
import { CancelledError } from '../core/errors.js';
import type { Prompter } from '../core/prompter.js';
import type { Colors } from './terminal.js';
import type { Ui } from './ui.js';

/**
 * The interactive UI. Imported only when we may prompt, so `--help`, pipes and CI never load clack.
 */
export function createClackUi(colors: Colors): Ui {
  return {
    prompter: clackPrompter,
    intro: (title) => clack.intro(colors.inverse(` ${title} `)),
    info: (message) => clack.log.info(message),
    warn: (message) => clack.log.warn(message),
    success: (message) => clack.log.success(message),
    section: (title, lines) => clack.note(lines.join('\n'), title),
    progress(message) {
      const spin = clack.spinner();
      spin.start(message);
      return { done: (doneMessage) => spin.stop(doneMessage), fail: (failMessage) => spin.error(failMessage) };
    },
    outro: (message) => clack.outro(message),
    cancelled: (detail) => clack.cancel(detail ? `Cancelled. ${detail}` : 'Cancelled'),
  };
}

/** clack answers a cancelled prompt (Ctrl-C, Escape) with a symbol; turn it into the error the CLI handles. */
function answered<T>(value: T): Exclude<T, symbol> {
  if (clack.isCancel(value)) throw new CancelledError();
  return value as Exclude<T, symbol>;
}

const clackPrompter: Prompter = {
  async text(question) {
    const { validate, defaultValue } = question;
    return answered(
      await clack.text({
        message: question.message,
        ...(question.placeholder !== undefined ? { placeholder: question.placeholder } : {}),
        ...(defaultValue !== undefined ? { defaultValue } : {}),
        // clack validates the raw input, before an empty answer becomes the default: validate what will be used.
        ...(validate
          ? { validate: (value: string | undefined) => validate(value ? value : (defaultValue ?? '')) }
          : {}),
      }),
    );
  },
  async select(question) {
    return answered(
      await clack.select({
        message: question.message,
        options: question.options as clack.Option<(typeof question.options)[number]['value']>[],
        ...(question.initialValue !== undefined ? { initialValue: question.initialValue } : {}),
      }),
    );
  },
  async multiselect(question) {
    return answered(
      await clack.multiselect({
        message: question.message,
        options: question.options as clack.Option<(typeof question.options)[number]['value']>[],
        initialValues: question.initialValues ?? [],
        required: false,
      }),
    );
  },
  async confirm(question) {
    return answered(
      await clack.confirm({
        message: question.message,
        ...(question.initialValue !== undefined ? { initialValue: question.initialValue } : {}),
      }),
    );
  },
  note: (message) => clack.log.message(message),
};
