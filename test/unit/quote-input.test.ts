import { describe, expect, it } from 'vitest';
import { hasUnsafeCharacters, quoteInput } from '../../src/config/quote-input.js';

describe('quoteInput', () => {
  it('quotes plain input as typed, unicode included', () => {
    expect(quoteInput('naïve 日本語 "x" \\ y')).toBe('"naïve 日本語 "x" \\ y"');
    expect(hasUnsafeCharacters('naïve 日本語')).toBe(false);
  });

  it.each([
    ['line\nbreak', '"line\\nbreak"'],
    ['tab\there\r', '"tab\\there\\r"'],
    ['\u001b[2J\u001b[31mred', '"\\u001b[2J\\u001b[31mred"'],
    ['nul\u0000', '"nul\\u0000"'],
    ['c1\u009b', '"c1\\u009b"'],
    ['\u202egnp.exe', '"\\u202egnp.exe"'],
    ['zero\u200bwidth\ufeff', '"zero\\u200bwidth\\ufeff"'],
    ['sep\u2028arator', '"sep\\u2028arator"'],
  ])('escapes what could drive or disguise the terminal in %j', (input, shown) => {
    expect(quoteInput(input)).toBe(shown);
    expect(hasUnsafeCharacters(input)).toBe(true);
  });
});
