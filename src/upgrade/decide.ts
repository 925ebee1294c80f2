/**
 * What `upgrade` does with one file, from four texts: the file as the recorded version wrote it (its id in the
 * record, and its text when the base could be re-rendered), the file as it is now, and the file as the
 * running version renders it. Pure.
 *
 *   not touched by you, changed by us    → replace
 *   changed by you, not by us            → keep yours
 *   changed by both                      → three-way merge (node-diff3), base = the file as we wrote it;
 *                                          overlapping edits are conflicts
 *   new in this version                  → add (a file of yours already at that path is a conflict)
 *   moved by this version                → the decision above, written at the new path; the old module
 *                                          re-exports the new one (plan.ts), other old files are kept
 *   no longer generated                  → report; never deleted
 *   deleted by you                       → stays deleted
 */
import { diff3Merge, diffComm } from 'node-diff3';
import { blobId } from '../plan/record.js';

export type Decision =
  | { path: string; kind: 'unchanged' }
  | { path: string; kind: 'replace'; before: string; after: string }
  | { path: string; kind: 'keep' }
  /** You already made the change this version makes. */
  | { path: string; kind: 'same' }
  | { path: string; kind: 'merge'; before: string; after: string }
  | {
      path: string;
      kind: 'conflict';
      /**
       * overlap: both changed the same lines; no-base: the file as we wrote it cannot be re-rendered;
       * exists: a file of yours is where a new one goes.
       */
      reason: 'overlap' | 'no-base' | 'exists';
      /** Undefined for a new path (a moved file whose merge conflicts). */
      before?: string;
      /** The file with standard conflict markers (written only with --allow-conflicts). */
      after: string;
      /** 1-based line numbers of each `<<<<<<<` in `after`. */
      lines: number[];
    }
  | { path: string; kind: 'add'; after: string }
  /** A file this version generates at a new path: `from`'s content, with your edits carried over when you made any. */
  | { path: string; kind: 'moved'; from: string; after: string; carried: boolean }
  /**
   * The old path of a moved file: a module becomes a re-export of the new one (`before`/`after`), so imports of
   * the old path keep working and compile; anything else is kept as it is.
   */
  | { path: string; kind: 'moved-away'; to: string; before?: string; after?: string }
  | { path: string; kind: 'removed' }
  | { path: string; kind: 'deleted-by-you' };

export interface FileState {
  path: string;
  /** The id the record holds (undefined: the recorded version did not generate it). */
  recorded?: string;
  /** The file as the recorded version wrote it, when known (its id matches `recorded`). */
  base?: string;
  /** The file on disk now (undefined: absent). */
  current?: string;
  /** The file as the running version renders it (undefined: no longer generated). */
  next?: string;
}

export interface ConflictLabels {
  /** e.g. `yours`. */
  current: string;
  /** e.g. `create-mcp-oauth 0.2.0`. */
  next: string;
}

export function decide(file: FileState, labels: ConflictLabels): Decision {
  const { path, recorded, current, next, base } = file;
  if (next === undefined) return { path, kind: recorded === undefined ? 'unchanged' : 'removed' };
  if (recorded === undefined) {
    if (current === undefined) return { path, kind: 'add', after: next };
    if (current === next) return { path, kind: 'unchanged' };
    return conflict(path, 'exists', current, mergeLines(undefined, current, next, labels).text);
  }
  if (current === undefined) return { path, kind: 'deleted-by-you' };
  if (current === next) return { path, kind: blobId(current) === recorded ? 'unchanged' : 'same' };
  if (blobId(current) === recorded) return { path, kind: 'replace', before: current, after: next };
  if (blobId(next) === recorded) return { path, kind: 'keep' };
  if (base === undefined) return conflict(path, 'no-base', current, mergeLines(undefined, current, next, labels).text);
  const merged = mergeLines(base, current, next, labels);
  if (merged.conflicts) return conflict(path, 'overlap', current, merged.text);
  return { path, kind: 'merge', before: current, after: merged.text };
}

function conflict(
  path: string,
  reason: 'overlap' | 'no-base' | 'exists',
  before: string | undefined,
  after: string,
): Extract<Decision, { kind: 'conflict' }> {
  return {
    path,
    kind: 'conflict',
    reason,
    ...(before === undefined ? {} : { before }),
    after,
    lines: markerLines(after),
  };
}

/** 1-based line numbers of each `<<<<<<<` conflict marker in `text`. */
export function markerLines(text: string): number[] {
  return text.split('\n').flatMap((line, index) => (line.startsWith('<<<<<<< ') ? [index + 1] : []));
}

/**
 * A file this version moved from `from.path` to `path`: the same decision as for a file that stayed, taken on
 * the old file's record, base and current text, and written to the new path (the old file is kept as it is).
 * So an edit to the old file is carried to the new one, merged with what this version changed, as git merges
 * across a rename.
 */
export function decideMove(
  path: string,
  from: Required<Pick<FileState, 'path' | 'recorded'>> & Pick<FileState, 'base' | 'current'>,
  next: string,
  labels: ConflictLabels,
): Decision {
  if (from.current === undefined) return { path, kind: 'add', after: next };
  const decision = decide({ ...from, next }, labels);
  switch (decision.kind) {
    case 'merge':
      return { path, kind: 'moved', from: from.path, after: decision.after, carried: true };
    case 'keep':
    case 'same':
      return { path, kind: 'moved', from: from.path, after: from.current, carried: true };
    case 'conflict':
      return conflict(path, decision.reason, undefined, decision.after);
    default:
      return { path, kind: 'moved', from: from.path, after: next, carried: false };
  }
}

/** How alike two texts are, by lines (0..1): twice the common lines over all lines, as git's rename score. */
export function similarity(a: string, b: string): number {
  const left = lines(a);
  const right = lines(b);
  if (left.length + right.length === 0) return 1;
  const common = diffComm(left, right).reduce((sum, chunk) => sum + (chunk.common?.length ?? 0), 0);
  return (2 * common) / (left.length + right.length);
}

/**
 * A line-based three-way merge of `current` (yours) and `next` (ours) from `base` (an empty base when there is
 * none: then any difference is one conflict). Conflicts are written the way git writes them.
 */
export function mergeLines(
  base: string | undefined,
  current: string,
  next: string,
  labels: ConflictLabels,
): { text: string; conflicts: number } {
  const regions = diff3Merge(lines(current), lines(base ?? ''), lines(next), { excludeFalseConflicts: true });
  const output: string[] = [];
  let conflicts = 0;
  for (const region of regions) {
    if (region.ok) output.push(...region.ok);
    else if (region.conflict) {
      conflicts += 1;
      output.push(
        `<<<<<<< ${labels.current}\n`,
        ...terminated(region.conflict.a),
        '=======\n',
        ...terminated(region.conflict.b),
        `>>>>>>> ${labels.next}\n`,
      );
    }
  }
  return { text: output.join(''), conflicts };
}

/** Lines with their terminators, so a merge keeps line endings and a missing final newline as they were. */
function lines(text: string): string[] {
  return text === '' ? [] : text.split(/(?<=\n)/);
}

function terminated(chunk: string[]): string[] {
  return chunk.map((line) => (line.endsWith('\n') ? line : `${line}\n`));
}
