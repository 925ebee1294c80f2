/**
 * User strings reach generated files only through these encoders. Handlebars escapes for HTML, which is
 * wrong for every file we write, so templates are rendered with escaping off and every value goes through
 * the encoder for its destination: a TypeScript string literal, Markdown text, an .env value.
 */

/**
 * A TypeScript string literal that evaluates to exactly `value`: single-quoted, unless the value holds more
 * single than double quotes (then double-quoted), which is the literal Prettier would write.
 */
export function tsString(value: string): string {
  // Start from JSON's escaping (backslashes, control characters, line breaks), then pick the quote style.
  const escaped = JSON.stringify(value)
    .slice(1, -1)
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
  const singles = value.split("'").length - 1;
  const doubles = value.split('"').length - 1;
  if (singles > doubles) return `"${escaped}"`;
  return `'${escaped.replace(/\\"/g, '"').replace(/'/g, "\\'")}'`;
}

/** An object key: bare when it is a plain identifier, a string literal otherwise. */
export function tsKey(value: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(value) ? value : tsString(value);
}

/** Text for a Markdown table cell or paragraph: no HTML, no table breaks, no line breaks. */
export function markdownText(value: string): string {
  return (
    value
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/([\\`*_[\]#])/g, '\\$1')
      // After the backslashes are escaped: `\|` keeps the pipe inside its table cell.
      .replace(/\|/g, '\\|')
      .replace(/\r?\n/g, '<br>')
  );
}

/** An inline Markdown code span holding exactly `value`, whatever backticks it contains. */
export function markdownCode(value: string): string {
  const longestRun = Math.max(0, ...[...value.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = '`'.repeat(longestRun + 1);
  const pad = value.startsWith('`') || value.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${value.replace(/\|/g, '\\|')}${pad}${fence}`;
}

/** A value for a .env line. Only plain values are written; anything else is a bug upstream. */
export function envValue(value: string | number | boolean): string {
  const text = String(value);
  if (!/^[A-Za-z0-9_.:/@%+\-[\]]*$/.test(text))
    throw new Error(`Refusing to write an unquoted .env value: ${JSON.stringify(text)}`);
  return text;
}

/** A shell word for printed commands: quoted only when needed. */
export function shellWord(value: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * A YAML double-quoted scalar holding exactly `value`. JSON's escaping is valid YAML; everything outside
 * printable ASCII is escaped too, since YAML forbids some of it raw (C1 controls) and reads U+2028/9 as breaks.
 */
export function yamlString(value: string): string {
  const escaped = [...JSON.stringify(value)].map((char) => {
    const code = char.codePointAt(0)!;
    if (code >= 0x20 && code <= 0x7e) return char;
    return code > 0xffff ? `\\U${code.toString(16).padStart(8, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
  return escaped.join('');
}
