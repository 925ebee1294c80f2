/**
 * Control characters (C0, DEL, C1) and invisible formatting characters: zero-width spaces and joiners,
 * bidirectional overrides and isolates, line/paragraph separators, the byte-order mark.
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what this must find
const UNSAFE_TO_SHOW = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

const SHORT_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * User input as it appears in an error message: in double quotes, with control and invisible
 * characters written as escapes, so a hostile value can neither recolour or clear the terminal
 * (ESC sequences) nor disguise itself (bidi overrides, zero-width characters, line breaks).
 */
export function quoteInput(text: string): string {
  const shown = text.replace(
    UNSAFE_TO_SHOW,
    (char) => SHORT_ESCAPES[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return `"${shown}"`;
}

/** True when `text` holds a character `quoteInput` would have to escape. */
export function hasUnsafeCharacters(text: string): boolean {
  return new RegExp(UNSAFE_TO_SHOW.source).test(text);
}
