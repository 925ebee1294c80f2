/**
 * The whole upgrade, computed in memory: a decision per file (src/upgrade/decide.ts), the dependency ranges
 * raised in package.json, and the new record. Pure: the caller reads the files and renders the templates;
 * nothing here touches the disk.
 */
import { posix } from 'node:path';
import { importExtension } from '../add/added-files.js';
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
  /** Generated files you renamed (your path → the generated one): decided, and written, at your path. */
  renamedByYou: Map<string, string>;
}

/** The paths `planUpgrade` needs the current text of. */
export function pathsToRead(record: ProjectRecord, next: Rendering): string[] {
  return [...new Set([...Object.keys(record.files), ...next.files.keys(), MANIFEST, RECORD_FILE])].sort();
}

/**
 * The folders of generated files missing from the project: a file of yours there that nothing generated may be one
 * you renamed (`planUpgrade` tells by its text), so the caller reads those folders' other files too.
 */
export function foldersOfMissing(record: ProjectRecord, next: Rendering, present: ReadonlySet<string>): string[] {
  const missing = Object.keys(record.files).filter((path) => next.files.has(path) && !present.has(path));
  return [...new Set(missing.map((path) => posix.dirname(path)))].sort();
}

export function planUpgrade(input: UpgradeInput): UpgradePlan {
  const { record, next, base } = input;
  const to = input.version ?? CLI_VERSION;
  // A Windows checkout (git's core.autocrlf) has CRLF where we wrote LF, and the record holds the ids git computes
  // on LF: decide and merge on LF, and write those files back with CRLF.
  const crlf = new Set([...input.current].filter(([, text]) => text.includes('\r\n')).map(([path]) => path));
  const current = new Map(
    [...input.current].map(([path, text]) => [path, crlf.has(path) ? text.replaceAll('\r\n', '\n') : text]),
  );
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
  const renames = findRenamesByYou(record, next, current, baseOf);

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
    const renamed = renames.get(path);
    if (renamed !== undefined) {
      // Decided on your file, at your path: our change merged into it, as git merges across a rename.
      const baseText = baseOf(path);
      return decide(
        {
          path: renamed,
          recorded: record.files[path]!,
          ...(baseText === undefined ? {} : { base: baseText }),
          current: current.get(renamed)!,
          next: next.files.get(path)!,
        },
        labels,
      );
    }
    const movedTo = movedFrom.get(path);
    if (movedTo !== undefined) {
      const old = current.get(path);
      const shim = old === undefined ? undefined : reExport(path, movedTo, record, to);
      return shim === undefined || shim === old
        ? { path, kind: 'moved-away', to: movedTo }
        : { path, kind: 'moved-away', to: movedTo, before: old, after: shim };
    }
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
    else if (decision.kind === 'moved-away' && decision.before !== undefined && decision.after !== undefined)
      changes.push({ path: decision.path, before: decision.before, after: decision.after });
  }

  const manifest = current.get(MANIFEST);
  const newScripts = declaredScripts(record.version, to).flatMap((name) => {
    const command = next.scripts[name];
    return command === undefined ? [] : [{ name, command }];
  });
  const dependencies =
    manifest === undefined
      ? undefined
      : raiseDependencies(manifest, next.dependencies, newScripts, base?.dependencies ?? []);
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
  for (const [index, change] of changes.entries()) {
    if (!crlf.has(change.path)) continue;
    changes[index] = {
      path: change.path,
      ...(change.before === undefined ? {} : { before: input.current.get(change.path)! }),
      after: change.after.replaceAll('\r\n', '\n').replaceAll('\n', '\r\n'),
    };
  }

  return {
    from: record.version,
    to,
    decisions,
    conflicts: decisions.filter(
      (decision): decision is Extract<Decision, { kind: 'conflict' }> => decision.kind === 'conflict',
    ),
    dependencies,
    changes,
    renamedByYou: new Map([...renames].map(([generated, yours]) => [yours, generated])),
  };
}

/**
 * Generated files you renamed: generated path → your path. A generated file still generated but missing, whose text
 * as we wrote it is like a file of yours in the same folder that nothing generated (half its lines or more, as for
 * moves), was renamed rather than deleted. Each file of yours pairs once, with the most similar.
 */
function findRenamesByYou(
  record: ProjectRecord,
  next: Rendering,
  current: ReadonlyMap<string, string>,
  baseOf: (path: string) => string | undefined,
): Map<string, string> {
  const missing = Object.keys(record.files).filter(
    (path) => next.files.has(path) && !current.has(path) && baseOf(path) !== undefined,
  );
  const yours = [...current.keys()].filter(
    (path) => record.files[path] === undefined && !next.files.has(path) && path !== MANIFEST && path !== RECORD_FILE,
  );
  const candidates = missing.flatMap((generated) =>
    yours
      .filter((path) => posix.dirname(path) === posix.dirname(generated))
      .map((path) => ({ key: generated, value: path, score: similarity(baseOf(generated)!, current.get(path)!) })),
  );
  return pairMostSimilar(candidates, new Map());
}

/**
 * Greedy pairing, most similar first (at least MOVE_SIMILARITY), each key and each value used once; `paired` may
 * already hold pairs (declared ones), which win. Ties go to the value first in code-unit order.
 */
function pairMostSimilar(
  candidates: { key: string; value: string; score: number }[],
  paired: Map<string, string>,
): Map<string, string> {
  const taken = new Set(paired.values());
  const ranked = candidates
    .filter((candidate) => candidate.score >= MOVE_SIMILARITY)
    .sort((a, b) => b.score - a.score || byCodeUnits(a.key, b.key) || byCodeUnits(a.value, b.value));
  for (const { key, value } of ranked) {
    if (paired.has(key) || taken.has(value)) continue;
    paired.set(key, value);
    taken.add(value);
  }
  return paired;
}

/**
 * What the old path of a moved module becomes: a re-export of the module at its new path. The user's own code may
 * still import the old path, and the old file, left as it was, would import what the new version no longer exports
 * and break the build. Tests and other files are not modules to re-export (a test re-exported would run twice).
 */
function reExport(from: string, to: string, record: ProjectRecord, version: string): string | undefined {
  if (!/\.[cm]?[jt]s$/.test(from) || /(^|\/)test\/|\.test\.[cm]?[jt]s$/.test(from)) return undefined;
  const extension = record.kind === 'add' ? importExtension(record.answers.extension) : '.js';
  const relative = posix.relative(posix.dirname(from), to.replace(/\.[cm]?[jt]s$/, extension));
  const specifier = relative.startsWith('.') ? relative : `./${relative}`;
  const why =
    `// create-mcp-oauth ${version} moved this module to ${posix.basename(to)} (${to}). It re-exports it so ` +
    `that imports\n// of this path keep working: import from there instead, then delete this file.\n`;
  return record.kind === 'add' && record.answers.syntax === 'cjs'
    ? `${why}module.exports = require('${specifier}');\n`
    : `${why}export * from '${specifier}';\n`;
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
  const gone = Object.keys(record.files).filter(
    (path) => !next.files.has(path) && path !== MANIFEST && baseOf(path) !== undefined,
  );
  const appeared = [...next.files.keys()].filter((path) => record.files[path] === undefined && !current.has(path));
  const name = (path: string) => path.slice(path.lastIndexOf('/') + 1);
  const candidates = appeared.flatMap((to) =>
    gone.map((from) => ({
      key: to,
      value: from,
      score: similarity(baseOf(from)!, next.files.get(to)!) + (name(from) === name(to) ? 0.01 : 0),
    })),
  );
  const declared = new Map<string, string>();
  for (const [from, to] of declaredMoves(record.version, CLI_VERSION, projectShape(record))) {
    if (gone.includes(from) && appeared.includes(to)) declared.set(to, from);
  }
  return pairMostSimilar(candidates, declared);
}
