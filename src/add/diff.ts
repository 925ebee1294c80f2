/**
 * Unified diffs (`diff -u` / `git diff` format) of the files `add` changes, so the user sees every line
 * before anything is written. Line-based longest common subsequence after trimming the common head and
 * tail, which keeps the table small for the edits `add` makes (a few lines in files of a few hundred).
 */

const CONTEXT_LINES = 3;

type Edit = { kind: ' ' | '-' | '+'; line: string };

/** A unified diff of one file; `before` undefined means a new file. Empty string when nothing changed. */
export function unifiedDiff(path: string, before: string | undefined, after: string): string {
  if (before === after) return '';
  const oldLines = splitLines(before ?? '');
  const newLines = splitLines(after);
  const edits = diffLines(oldLines, newLines);
  const header = [`--- ${before === undefined ? '/dev/null' : `a/${path}`}`, `+++ b/${path}`];
  return [...header, ...hunks(edits, before === undefined), ''].join('\n');
}

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

function diffLines(oldLines: string[], newLines: string[]): Edit[] {
  let head = 0;
  while (head < oldLines.length && head < newLines.length && oldLines[head] === newLines[head]) head += 1;
  let tail = 0;
  while (
    tail < oldLines.length - head &&
    tail < newLines.length - head &&
    oldLines[oldLines.length - 1 - tail] === newLines[newLines.length - 1 - tail]
  )
    tail += 1;

  const a = oldLines.slice(head, oldLines.length - tail);
  const b = newLines.slice(head, newLines.length - tail);
  // lcs[i][j]: length of the longest common subsequence of a[i..] and b[j..].
  const width = b.length + 1;
  const lcs = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i -= 1) {
    for (let j = b.length - 1; j >= 0; j -= 1) {
      lcs[i * width + j] =
        a[i] === b[j]
          ? lcs[(i + 1) * width + j + 1]! + 1
          : Math.max(lcs[(i + 1) * width + j]!, lcs[i * width + j + 1]!);
    }
  }
  const middle: Edit[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      middle.push({ kind: ' ', line: a[i]! });
      i += 1;
      j += 1;
    } else if (lcs[(i + 1) * width + j]! >= lcs[i * width + j + 1]!) {
      middle.push({ kind: '-', line: a[i]! });
      i += 1;
    } else {
      middle.push({ kind: '+', line: b[j]! });
      j += 1;
    }
  }
  while (i < a.length) middle.push({ kind: '-', line: a[i++]! });
  while (j < b.length) middle.push({ kind: '+', line: b[j++]! });

  return [
    ...oldLines.slice(0, head).map((line): Edit => ({ kind: ' ', line })),
    ...middle,
    ...oldLines.slice(oldLines.length - tail).map((line): Edit => ({ kind: ' ', line })),
  ];
}

function hunks(edits: Edit[], newFile: boolean): string[] {
  const changed = edits.map((edit, index) => (edit.kind === ' ' ? -1 : index)).filter((index) => index >= 0);
  const output: string[] = [];
  let cursor = 0;
  while (cursor < changed.length) {
    const start = Math.max(0, changed[cursor]! - CONTEXT_LINES);
    let end = Math.min(edits.length, changed[cursor]! + CONTEXT_LINES + 1);
    // Merge changes whose context overlaps into one hunk.
    while (cursor + 1 < changed.length && changed[cursor + 1]! - CONTEXT_LINES <= end) {
      cursor += 1;
      end = Math.min(edits.length, changed[cursor]! + CONTEXT_LINES + 1);
    }
    cursor += 1;
    const oldStart = edits.slice(0, start).filter((edit) => edit.kind !== '+').length;
    const newStart = edits.slice(0, start).filter((edit) => edit.kind !== '-').length;
    const slice = edits.slice(start, end);
    const oldCount = slice.filter((edit) => edit.kind !== '+').length;
    const newCount = slice.filter((edit) => edit.kind !== '-').length;
    const oldRange = newFile ? '0,0' : `${oldCount === 0 ? oldStart : oldStart + 1},${oldCount}`;
    output.push(`@@ -${oldRange} +${newCount === 0 ? newStart : newStart + 1},${newCount} @@`);
    for (const edit of slice) output.push(`${edit.kind}${edit.line}`);
  }
  return output;
}
