/**
 * The whole upgrade, computed in memory: a decision per file (src/upgrade/decide.ts), the dependency ranges
 * raised in package.json, and the new record. Pure: the caller reads the files and renders the templates;
 * nothing here touches the disk.
 */
import type { FilePatch } from '../write/patch-project.js';
import { blobId, CLI_VERSION, RECORD_FILE, recordFile, type ProjectRecord } from '../plan/record.js';
import { decide, decideMove, similarity, type ConflictLabels, type Decision } from './decide.js';
import { raiseDependencies, type DependencyUpdate } from './dependencies.js';
import { declaredMoves, declaredScripts } from './release-notes.js';
import { MANIFEST, recordedFiles, type Rendering } from './render.js';
import { byCodeUnits } from '../core/compare.js';

export interface UpgradeInput {
  record: ProjectRecord;
  /** The recorded answers rendered with the running version's templates. */
  next: Rendering;
  /** The same answers rendered with the recorded version's templates, when this CLI keeps them. */
  base: Rendering | undefined;
  /** Texts found by id elsewhere (the project's git objects), for bases the rendering could not reproduce. */
  knownTexts?: ReadonlyMap<string, string>;
  /** The project's files now, by path (absent files are missing). Must hold every path of `paths(…)`. */
  current: ReadonlyMap<string, string>;
  /** The running version (tests pass others). */
  version?: string;
}

export interface UpgradePlan {
  from: string;
  to: string;
  /** One per file the record or the new rendering names, sorted by path. */
  decisions: Decision[];
  conflicts: Extract<Decision, { kind: 'conflict' }>[];
  dependencies: DependencyUpdate | undefined;
  /** Every file to write, conflicts with their markers included; empty: the project is up to date. */
  changes: FilePatch[];
}

/** The paths `planUpgrade` needs the current text of. */
export function pathsToRead(record: ProjectRecord, next: Rendering): string[] {
  return [...new Set([...Object.keys(record.files), ...next.files.keys(), MANIFEST, RECORD_FILE])].sort();
}

export function planUpgrade(input: UpgradeInput): UpgradePlan {
  const { record, next, base, current } = input;
  const to = input.version ?? CLI_VERSION;
  const labels: ConflictLabels = { current: 'yours', next: `create-mcp-oauth ${to}` };
  const paths = [...new Set([...Object.keys(record.files), ...next.files.keys()])]
    .filter((path) => path !== MANIFEST && path !== RECORD_FILE)
    .sort();

  const baseOf = (path: string) => {
    const recorded = record.files[path];
    if (recorded === undefined) return undefined;
    const text = base?.files.get(path);
    // A base is used only when it is provably the file as we wrote it.
    if (text !== undefined && blobId(text) === recorded) return text;
    const known = input.knownTexts?.get(recorded);
    return known !== undefined && blobId(known) === recorded ? known : undefined;
  };
  const moves = findMoves(record, next, current, baseOf);
  const movedFrom = new Map([...moves].map(([to, from]) => [from, to]));

  const decisions = paths.map((path): Decision => {
    const from = moves.get(path);
    if (from !== undefined) {
      const fromBase = baseOf(from);
      const fromCurrent = current.get(from);
      return decideMove(
        path,
        {
          path: from,
          recorded: record.files[from]!,
          ...(fromBase === undefined ? {} : { base: fromBase }),
          ...(fromCurrent === undefined ? {} : { current: fromCurrent }),
        },
        next.files.get(path)!,
        labels,
      );
    }
    const to = movedFrom.get(path);
    if (to !== undefined) return { path, kind: 'moved-away', to };
    const recorded = record.files[path];
    const baseText = baseOf(path);
    return decide(
      {
        path,
        ...(recorded === undefined ? {} : { recorded }),
        ...(baseText === undefined ? {} : { base: baseText }),
        ...(current.has(path) ? { current: current.get(path)! } : {}),
        ...(next.files.has(path) ? { next: next.files.get(path)! } : {}),
      },
      labels,
    );
  });

  const changes: FilePatch[] = [];
  for (const decision of decisions) {
    if (decision.kind === 'replace' || decision.kind === 'merge' || decision.kind === 'conflict')
      changes.push({
        path: decision.path,
        ...(decision.before === undefined ? {} : { before: decision.before }),
        after: decision.after,
      });
    else if (decision.kind === 'add' || decision.kind === 'moved')
      changes.push({ path: decision.path, after: decision.after });
  }

  const manifest = current.get(MANIFEST);
  const newScripts = declaredScripts(record.version, to).flatMap((name) => {
    const command = next.scripts[name];
    return command === undefined ? [] : [{ name, command }];
  });
  const dependencies = manifest === undefined ? undefined : raiseDependencies(manifest, next.dependencies, newScripts);
  if (manifest !== undefined && dependencies && dependencies.text !== manifest)
    changes.push({ path: MANIFEST, before: manifest, after: dependencies.text });

  // The record names what this version generated (not the merged text): that is the base of the next upgrade.
  if (changes.length > 0 || record.version !== to) {
    const updated = recordFile(
      { kind: record.kind, answers: record.answers, version: to } as Parameters<typeof recordFile>[0],
      recordedFiles(next),
    );
    const existing = current.get(RECORD_FILE);
    if (updated.contents !== existing)
      changes.push({
        path: RECORD_FILE,
        ...(existing === undefined ? {} : { before: existing }),
        after: updated.contents,
      });
  }
  changes.sort((a, b) => byCodeUnits(a.path, b.path));

  return {
    from: record.version,
    to,
    decisions,
    conflicts: decisions.filter(
      (decision): decision is Extract<Decision, { kind: 'conflict' }> => decision.kind === 'conflict',
    ),
    dependencies,
    changes,
  };
}

function projectShape(
  record: ProjectRecord,
): { kind: 'scaffold' } | { kind: 'add'; folder: string; extension: string } {
  if (record.kind === 'scaffold') return { kind: 'scaffold' };
  return { kind: 'add', folder: record.answers.folder, extension: record.answers.extension };
}

/** Below this line similarity a file that disappeared and one that appeared are unrelated (git's default). */
const MOVE_SIMILARITY = 0.5;

/**
 * Files this version moved: new path → old path. A path generated now but not recorded, absent from the
 * project, pairs with a recorded path no longer generated whose text as we wrote it is most like the new
 * rendering (at least half its lines; the same file name wins a tie). Each old path pairs at most once.
 */
function findMoves(
  record: ProjectRecord,
  next: Rendering,
  current: ReadonlyMap<string, string>,
  baseOf: (path: string) => string | undefined,
): Map<string, string> {
  const moves = new Map<string, string>();
  const gone = Object.keys(record.files).filter(
    (path) => !next.files.has(path) && path !== MANIFEST && baseOf(path) !== undefined,
  );
  const appeared = [...next.files.keys()].filter((path) => record.files[path] === undefined && !current.has(path));
  const name = (path: string) => path.slice(path.lastIndexOf('/') + 1);
  const pairs = appeared
    .flatMap((to) =>
      gone.map((from) => ({
        to,
        from,
        score: similarity(baseOf(from)!, next.files.get(to)!) + (name(from) === name(to) ? 0.01 : 0),
      })),
    )
    .filter((pair) => pair.score >= MOVE_SIMILARITY)
    .sort((a, b) => b.score - a.score || byCodeUnits(a.to, b.to));
  const taken = new Set<string>();
  for (const [from, to] of declaredMoves(record.version, CLI_VERSION, projectShape(record))) {
    if (!gone.includes(from) || !appeared.includes(to)) continue;
    moves.set(to, from);
    taken.add(from);
  }
  for (const pair of pairs) {
    if (moves.has(pair.to) || taken.has(pair.from)) continue;
    moves.set(pair.to, pair.from);
    taken.add(pair.from);
  }
  return moves;
}
