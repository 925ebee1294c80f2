/**
 * Markdown tables laid out the way Prettier lays them out (every column padded to its widest cell), so a
 * generated README is Prettier-clean whatever the names and descriptions in it: a user's format-on-save
 * never rewrites it. Templates wrap a table in `{{#table}}…{{/table}}`; the rows inside may be as ragged as
 * the template makes them.
 */
import { eastAsianWidth } from 'get-east-asian-width';

// Prettier counts an emoji as two columns (one for the few that render narrow), a combining mark or control
// character as none, and East Asian wide and full-width characters as two.
// Every emoji sequence holds a pictograph, a regional indicator (flags) or a keycap mark. The full emoji
// pattern costs ~40 ms to build and first run, so it is built only for text that may hold one.
const MAY_HOLD_EMOJI = /[\p{Extended_Pictographic}\p{Regional_Indicator}\u20e3]/u;
let emoji: RegExp | undefined;
// (A constructor, not a literal: the `v` flag is newer than the TypeScript target; Node 20 has it.)
const emojiPattern = () => (emoji ??= new RegExp('\\p{RGI_Emoji}', 'gv'));
// The emoji that render one column wide (the list Prettier takes from the `narrow-emojis` package).
// prettier-ignore
const NARROW_EMOJI = /^(?:[\xA9\xAE\u203C\u2049\u2122\u2139\u2194-\u2199\u21A9\u21AA\u2328\u23CF\u23ED-\u23EF\u23F1\u23F2\u23F8-\u23FA\u24C2\u25AA\u25AB\u25B6\u25C0\u25FB\u25FC\u2600-\u2604\u260E\u2611\u2618\u2620\u2622\u2623\u2626\u262A\u262E\u262F\u2638-\u263A\u2640\u2642\u265F\u2660\u2663\u2665\u2666\u2668\u267B\u267E\u2692\u2694-\u2697\u2699\u269B\u269C\u26A0\u26A7\u26B0\u26B1\u26C8\u26CF\u26D1\u26D3\u26E9\u26F0\u26F1\u26F4\u26F7\u26F8\u2702\u2708\u2709\u270F\u2712\u2714\u2716\u271D\u2721\u2733\u2734\u2744\u2747\u2763\u2764\u27A1\u2934\u2935\u2B05-\u2B07]|\uD83C[\uDD70\uDD71\uDD7E\uDD7F\uDF21\uDF24-\uDF2C\uDF36\uDF7D\uDF96\uDF97\uDF99-\uDF9B\uDF9E\uDF9F\uDFCD\uDFCE\uDFD4-\uDFDF\uDFF3\uDFF5\uDFF7]|\uD83D[\uDC3F\uDC41\uDCFD\uDD49\uDD4A\uDD6F\uDD70\uDD73\uDD76-\uDD79\uDD87\uDD8A-\uDD8D\uDDA5\uDDA8\uDDB1\uDDB2\uDDBC\uDDC2-\uDDC4\uDDD1-\uDDD3\uDDDC-\uDDDE\uDDE1\uDDE3\uDDE8\uDDEF\uDDF3\uDDFA\uDECB\uDECD-\uDECF\uDEE0-\uDEE5\uDEE9\uDEF0\uDEF3])$/;
const ZERO_WIDTH = /^[\p{Nonspacing_Mark}\p{Enclosing_Mark}]$/u;

/** Columns `text` takes in a monospace editor, as Prettier measures it. */
export function displayWidth(text: string): number {
  if (!/[^\x20-\x7f]/.test(text)) return text.length;
  let width = 0;
  const rest = !MAY_HOLD_EMOJI.test(text)
    ? text
    : text.replace(emojiPattern(), (sequence) => {
        width += NARROW_EMOJI.test(sequence) ? 1 : 2;
        return '';
      });
  for (const character of rest) {
    const codePoint = character.codePointAt(0)!;
    if (codePoint <= 0x1f || (codePoint >= 0x7f && codePoint <= 0x9f) || ZERO_WIDTH.test(character)) continue;
    width += eastAsianWidth(codePoint);
  }
  return width;
}

/** Cells of one `| a | b |` row; `\|` (an escaped pipe, as the Markdown encoders write it) stays in its cell. */
function cellsOf(row: string): string[] {
  const inner = row.trim().replace(/^\|/, '').replace(/\|$/, '');
  return inner.split(/(?<!\\)\|/).map((cell) => cell.trim());
}

const isDelimiterRow = (cells: string[]) => cells.every((cell) => /^:?-+:?$/.test(cell));

/** Re-lays out every table in `markdown`: one header row, a delimiter row (left-aligned columns), body rows. */
export function alignMarkdownTables(markdown: string): string {
  const lines = markdown.split('\n');
  const out: string[] = [];
  for (let index = 0; index < lines.length;) {
    if (!lines[index]!.startsWith('|')) {
      out.push(lines[index]!);
      index += 1;
      continue;
    }
    const rows: string[][] = [];
    while (index < lines.length && lines[index]!.startsWith('|')) rows.push(cellsOf(lines[index++]!));
    out.push(...alignRows(rows));
  }
  return out.join('\n');
}

function alignRows(rows: string[][]): string[] {
  const columns = Math.max(...rows.map((row) => row.length));
  const widths = Array.from({ length: columns }, (_, column) =>
    Math.max(3, ...rows.filter((row) => !isDelimiterRow(row)).map((row) => displayWidth(row[column] ?? ''))),
  );
  return rows.map((row) => {
    const cells = widths.map((width, column) =>
      isDelimiterRow(row) ? '-'.repeat(width) : padEnd(row[column] ?? '', width),
    );
    return `| ${cells.join(' | ')} |`;
  });
}

const padEnd = (text: string, width: number) => text + ' '.repeat(Math.max(0, width - displayWidth(text)));
