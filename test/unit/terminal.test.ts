import { describe, expect, it } from 'vitest';
import { colorsFor, isCiSet, whyNotInteractive } from '../../src/ui/terminal.js';

describe('when to prompt', () => {
  it.each([
    [undefined, false],
    ['', false],
    ['0', false],
    ['false', false],
    ['FALSE', false],
    ['true', true],
    ['1', true],
    ['github-actions', true],
  ])('CI=%j counts as set: %s', (value, expected) => {
    expect(isCiSet(value === undefined ? {} : { CI: value })).toBe(expected);
  });

  it('prompts only with a TTY on both stdin and stdout and CI unset', () => {
    const tty = { isTTY: true };
    const pipe = { isTTY: false };
    expect(whyNotInteractive({ stdin: tty, stdout: tty }, {})).toBeUndefined();
    expect(whyNotInteractive({ stdin: tty, stdout: tty }, { CI: 'false' })).toBeUndefined();
    expect(whyNotInteractive({ stdin: tty, stdout: tty }, { CI: 'true' })).toBe('CI is set');
    expect(whyNotInteractive({ stdin: pipe, stdout: tty }, {})).toBe('stdin/stdout is not a terminal');
    expect(whyNotInteractive({ stdin: tty, stdout: {} }, {})).toBe('stdin/stdout is not a terminal');
  });

  it('does not touch stdin when stdout is not a terminal (Node creates process.stdin on first access)', () => {
    const untouchable = {
      get isTTY(): boolean {
        throw new Error('stdin was read');
      },
    };
    expect(whyNotInteractive({ stdin: untouchable, stdout: {} }, {})).toBe('stdin/stdout is not a terminal');
  });
});

describe('colours', () => {
  it('are on for a terminal, off for pipes, NO_COLOR and TERM=dumb; FORCE_COLOR forces them', () => {
    const colored = (stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv) => colorsFor(stream, env).red('x') !== 'x';
    expect(colored({ isTTY: true }, {})).toBe(true);
    expect(colored({ isTTY: false }, {})).toBe(false);
    expect(colored({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colored({ isTTY: true }, { TERM: 'dumb' })).toBe(false);
    expect(colored({ isTTY: false }, { FORCE_COLOR: '1' })).toBe(true);
    expect(colored({ isTTY: false }, { FORCE_COLOR: '1', NO_COLOR: '1' })).toBe(false);
  });
});
