import { CancelledError } from '../../../src/core/errors.js';
import type { Prompter, TextQuestion } from '../../../src/core/prompter.js';

export type Answer =
  { text: string } | { select: string } | { multiselect: string[] } | { confirm: boolean } | 'cancel';

/**
 * A Prompter that replays answers in order, like a user typing them. Text answers run through the
 * question's validator (with the default applied to empty input, as the clack prompter does); a
 * rejected answer is recorded in `rejections` and the next answer is tried, as if the user retyped.
 */
export function scriptedPrompter(answers: Answer[]) {
  const queue = [...answers];
  const asked: string[] = [];
  const rejections: string[] = [];
  const notes: string[] = [];
  const next = (kind: string, message: string) => {
    asked.push(message);
    const answer = queue.shift();
    if (answer === undefined) throw new Error(`no scripted answer for ${kind} "${message}"`);
    if (answer === 'cancel') throw new CancelledError();
    if (!(kind in answer)) throw new Error(`expected a ${kind} answer for "${message}", got ${JSON.stringify(answer)}`);
    return answer;
  };

  const prompter: Prompter = {
    async text(question: TextQuestion) {
      for (;;) {
        const answer = next('text', question.message) as { text: string };
        const value = answer.text === '' ? (question.defaultValue ?? '') : answer.text;
        const problem = await question.validate?.(value);
        if (problem === undefined) return value;
        rejections.push(problem);
      }
    },
    async select(question) {
      const { select } = next('select', question.message) as { select: string };
      if (!question.options.some((option) => option.value === select))
        throw new Error(`no option ${select} in "${question.message}"`);
      return select as never;
    },
    async multiselect(question) {
      return (next('multiselect', question.message) as { multiselect: string[] }).multiselect as never;
    },
    async confirm(question) {
      return (next('confirm', question.message) as { confirm: boolean }).confirm;
    },
    note: (message) => notes.push(message),
  };
  return { prompter, asked, rejections, notes, remaining: () => queue.length };
}
