/**
 * The `upgrade` flow: read the record → (git check) → render the recorded answers with this version's
 * templates and with the recorded version's → decide per file → diff → confirm → write everything or nothing
 * → install → what changed and why, and the project's own tests as the next step. Returns the exit code.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import lt from 'semver/functions/lt.js';
import type { UpgradeFlags } from '../args/upgrade-options.js';
import type { PackageManager } from '../core/types.js';
import { DetectionError, packageManagerOf, parseManifest, type PackageManifest } from '../add/detect.js';
import { unifiedDiff } from '../add/diff.js';
import { validatePackageManager } from '../config/identifiers.js';
import { refuseDirtyTree } from '../add/git-check.js';
import { formatCommand, installCommand, runScriptCommand } from '../core/package-manager.js';
import { loadTemplates, type TemplateSource } from '../plan/index.js';
import { blobId, CLI_VERSION, parseRecord, RECORD_FILE, RecordError, type ProjectRecord } from '../plan/record.js';
import { CancelledError, CliError, EXIT_CANCELLED, EXIT_OK } from '../core/errors.js';
import type { CliIo } from '../core/io.js';
import { createPlainUi } from '../ui/plain-ui.js';
import { colorDiff, confirmChange } from '../ui/review.js';
import { shellQuote } from '../ui/shell-quote.js';
import { colorsFor, whyNotInteractive } from '../ui/terminal.js';
import type { Ui } from '../ui/ui.js';
import { writePatchInterruptibly } from '../write/patch-project.js';
import { WriteAbortedError, WriteError } from '../write/write-project.js';
import { markerLines, type Decision } from './decide.js';
import { foldersOfMissing, pathsToRead, planUpgrade, type UpgradePlan } from './plan.js';
import { notesBetween, type ProjectKind } from './release-notes.js';
import { byCodeUnits } from '../core/compare.js';
import { MANIFEST, renderRecord, type Rendering } from './render.js';
import { loadTemplateHistory, templatesOf } from './template-history.js';

export async function runUpgrade(flags: UpgradeFlags, io: CliIo): Promise<number> {
  const colors = colorsFor(io.stdout, io.env);
  const nonInteractiveReason = whyNotInteractive(io, io.env);
  const ui: Ui = nonInteractiveReason ? createPlainUi(io) : (await import('../ui/clack-ui.js')).createClackUi(colors);
  try {
    ui.intro('create-mcp-oauth upgrade');
    const packageManagerFlag = validPackageManager(flags.packageManager);
    const dir = path.resolve(io.cwd, flags.dir ?? '.');
    const record = await readRecord(dir);
    if (lt(CLI_VERSION, record.version)) {
      throw new CliError(
        `${RECORD_FILE} was written by create-mcp-oauth ${record.version}, newer than this one ` +
          `(${CLI_VERSION}): run npx create-mcp-oauth@latest upgrade`,
      );
    }
    if (!flags.dryRun && flags.gitCheck) await refuseDirtyTree(dir, 'upgrade', ui);

    const templates = await loadTemplates();
    const next = render(record, templates, dir);
    const base = await baseRendering(record, templates, next, dir, ui);
    const current = await readCurrent(dir, pathsToRead(record, next));
    const folders = foldersOfMissing(record, next, new Set(current.keys()));
    for (const [file, text] of await readNeighbours(dir, folders, current)) current.set(file, text);
    const manifest = current.get(MANIFEST);
    if (manifest !== undefined) {
      try {
        parseManifest(manifest);
      } catch (error) {
        if (error instanceof DetectionError) throw new CliError(`${error.message}; nothing was changed`);
        throw error;
      }
    }
    const knownTexts = await gitObjects(dir, missingBases(record, base));
    const plan = planUpgrade({ record, next, base, current, knownTexts });

    const unresolved = unresolvedConflicts(current);
    if (plan.changes.length === 0) {
      ui.success(`Up to date: ${dir} has what create-mcp-oauth ${CLI_VERSION} generates; nothing to change.`);
      reportKeptAndRemoved(plan, ui);
      for (const line of unresolved) ui.warn(line);
      ui.outro('Nothing was written.');
      return EXIT_OK;
    }

    if (plan.conflicts.length > 0 && !flags.allowConflicts) {
      ui.section('Conflicts', describeConflicts(plan));
      throw new CliError(
        `${plan.conflicts.length} file${plan.conflicts.length === 1 ? '' : 's'} changed by you ` +
          `and by create-mcp-oauth ${plan.to} ` +
          `in the same lines (listed above); nothing was changed. ` +
          'Run again with --allow-conflicts to write them with conflict markers (<<<<<<< yours … >>>>>>>) ' +
          'to resolve by hand, or undo your edit of those lines first',
      );
    }

    io.stdout.write(
      `\n${colorDiff(
        plan.changes.map((change) => unifiedDiff(change.path, change.before, change.after)).join(''),
        colors,
      )}\n`,
    );
    ui.section(`What changed in create-mcp-oauth since ${plan.from}`, releaseNotes(plan, record.kind));
    ui.section('Files', describeDecisions(plan));
    if (plan.conflicts.length > 0) ui.section('Conflicts (written with markers)', describeConflicts(plan));
    const dependencyLines = describeDependencies(plan);
    if (dependencyLines.length > 0) ui.section(MANIFEST, dependencyLines);
    for (const line of unresolved) ui.warn(line);

    if (flags.dryRun) {
      ui.outro('Dry run: nothing was written.');
      return EXIT_OK;
    }
    const apply = await confirmChange(ui, {
      yes: flags.yes,
      message: `Apply these changes to ${plan.changes.length} files?`,
      nonInteractiveReason,
    });
    if (!apply) {
      ui.outro('Nothing was written.');
      return EXIT_OK;
    }

    try {
      await writePatchInterruptibly({ fs, targetDir: dir, changes: plan.changes, command: 'upgrade' });
    } catch (error) {
      if (error instanceof WriteError) throw new CliError(error.message);
      throw error;
    }
    ui.success(`Wrote ${plan.changes.length} files in ${dir}`);

    const packageManager = packageManagerFlag ?? (await packageManagerOfProject(record, current, dir));
    const dependenciesChanged =
      (plan.dependencies?.raised.length ?? 0) > 0 || (plan.dependencies?.added.length ?? 0) > 0;
    if (dependenciesChanged && flags.install) await install(packageManager, dir, ui);

    ui.section('Next steps', nextSteps(plan, packageManager, dir, io.cwd, dependenciesChanged && !flags.install));
    ui.outro(colors.green('Done.'));
    return EXIT_OK;
  } catch (error) {
    if (error instanceof CancelledError || error instanceof WriteAbortedError) {
      ui.cancelled('Nothing was written.');
      return EXIT_CANCELLED;
    }
    throw error;
  }
}

async function readRecord(dir: string): Promise<ProjectRecord> {
  let text: string;
  try {
    text = await fs.readFile(path.join(dir, RECORD_FILE), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      const exists = await fs.stat(dir).then(
        (stats) => stats.isDirectory(),
        () => false,
      );
      if (!exists) throw new CliError(`[dir]: ${dir} is not a directory; pass the directory of a project`);
      const project = await recordAbove(dir);
      if (project !== undefined) {
        throw new CliError(
          `${dir} has no ${RECORD_FILE}, but ${project} does: it is the project's root. ` +
            `Run npx create-mcp-oauth upgrade ${shellQuote(project)}`,
        );
      }
      throw new CliError(
        `${dir} has no ${RECORD_FILE}, so there is no record of what create-mcp-oauth generated there ` +
          `(it was made by hand, or by a version before 0.2.0). ` +
          `upgrade cannot tell your edits from ours without it. ` +
          `Run npx create-mcp-oauth add ${shellQuote(dir)} instead: ` +
          `it adds (or brings) the auth modules and writes the record, ` +
          `and later versions can upgrade from it`,
      );
    }
    throw error;
  }
  try {
    return parseRecord(text);
  } catch (error) {
    if (error instanceof RecordError) throw new CliError(error.message);
    throw error;
  }
}

/** The nearest directory above `dir` with a record: `upgrade` was run inside a project, not at its root. */
async function recordAbove(dir: string): Promise<string | undefined> {
  for (let parent = path.dirname(dir); parent !== dir; dir = parent, parent = path.dirname(parent)) {
    const found = await fs.stat(path.join(parent, RECORD_FILE)).then(
      (stats) => stats.isFile(),
      () => false,
    );
    if (found) return parent;
  }
  return undefined;
}

function render(record: ProjectRecord, templates: TemplateSource, dir: string): Rendering {
  try {
    return renderRecord(record, templates, dir);
  } catch (error) {
    if (error instanceof RecordError) throw new CliError(error.message);
    throw error;
  }
}

/** The files as the recorded version wrote them: the same rendering when it is this version. */
async function baseRendering(
  record: ProjectRecord,
  templates: TemplateSource,
  next: Rendering,
  dir: string,
  ui: Ui,
): Promise<Rendering | undefined> {
  if (record.version === CLI_VERSION) return next;
  const history = await loadTemplateHistory(record.version);
  if (history === undefined) {
    ui.warn(
      `this version does not carry the templates of ${record.version}: files you and we both changed ` +
        `cannot be merged and are reported as conflicts`,
    );
    return undefined;
  }
  try {
    return renderRecord(record, templatesOf(templates, history), dir);
  } catch {
    // An old template the current planner cannot render: no base, so such files become conflicts.
    return undefined;
  }
}

/** Recorded ids the re-rendered base does not reproduce (the planner changed since, or no templates kept). */
function missingBases(record: ProjectRecord, base: Rendering | undefined): string[] {
  return Object.entries(record.files)
    .filter(([path, id]) => {
      const text = base?.files.get(path);
      return path !== MANIFEST && (text === undefined || blobId(text) !== id);
    })
    .map(([, id]) => id);
}

/**
 * The second source of bases: the project's own git objects. The record's ids are git blob ids, and the scaffold
 * commits what it wrote (so does a user after `add`), so `git cat-file` finds the file as we wrote it whenever it
 * was committed, even when this version can no longer render it. Outside git, or not found: no base.
 */
async function gitObjects(dir: string, ids: string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  if (ids.length === 0) return found;
  const { execa } = await import('execa');
  for (const id of ids) {
    const result = await execa('git', ['cat-file', 'blob', id], {
      cwd: dir,
      reject: false,
      stdin: 'ignore',
      stripFinalNewline: false,
    });
    if (result.exitCode === 0 && typeof result.stdout === 'string' && blobId(result.stdout) === id)
      found.set(id, result.stdout);
  }
  return found;
}

async function readCurrent(dir: string, paths: string[]): Promise<Map<string, string>> {
  const current = new Map<string, string>();
  await Promise.all(
    paths.map(async (file) => {
      const absolute = path.join(dir, ...file.split('/'));
      const stats = await fs.lstat(absolute).catch(() => undefined);
      if (stats === undefined) return;
      if (!stats.isFile())
        throw new CliError(
          `${file} is not a regular file (a symbolic link or a directory): upgrade writes only regular files; ` +
            `replace it with a file or remove it from ${RECORD_FILE}`,
        );
      current.set(file, await fs.readFile(absolute, 'utf8'));
    }),
  );
  return current;
}

/**
 * Conflict markers an earlier `upgrade --allow-conflicts` wrote and nobody resolved yet (`<<<<<<< yours` … `>>>>>>>
 * create-mcp-oauth <version>`): the project does not build with them, whatever this run finds to change.
 */
function unresolvedConflicts(current: ReadonlyMap<string, string>): string[] {
  const found: string[] = [];
  for (const [file, text] of current) {
    const lines = markerLines(text);
    if (lines.length > 0 && /^>>>>>>> create-mcp-oauth /m.test(text)) {
      found.push(
        `${file} still has conflict markers from an earlier upgrade (line${lines.length === 1 ? '' : 's'} ` +
          `${lines.join(', ')}): resolve them, then commit`,
      );
    }
  }
  return found.sort(byCodeUnits);
}

/** The regular files directly in `folders` not read yet (files of the user's that may be renamed generated ones). */
async function readNeighbours(
  dir: string,
  folders: string[],
  read: ReadonlyMap<string, string>,
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const folder of folders) {
    const entries = await fs.readdir(path.join(dir, ...folder.split('/')), { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (!entry.isFile()) continue;
      const file = folder === '.' ? entry.name : `${folder}/${entry.name}`;
      if (read.has(file)) continue;
      const absolute = path.join(dir, ...file.split('/'));
      // Generated files are small text; anything larger is not one of them renamed.
      if ((await fs.stat(absolute)).size <= 256 * 1024) found.set(file, await fs.readFile(absolute, 'utf8'));
    }
  }
  return found;
}

const DECISION_WORDS: Record<Decision['kind'], string> = {
  unchanged: '',
  replace: 'updated (you had not changed it)',
  keep: 'kept as you changed it (this version does not change it)',
  same: 'kept: you already made this change',
  merge: 'merged: your edits and this version’s changes',
  conflict: 'CONFLICT: you and this version changed the same lines',
  add: 'added (new in this version)',
  moved: 'moved here by this version',
  'moved-away': 'moved by this version',
  removed: 'no longer generated: kept, delete it if nothing of yours uses it',
  'deleted-by-you': 'you deleted it: not brought back',
};

function describeDecisions(plan: UpgradePlan): string[] {
  const lines = plan.decisions
    .filter((decision) => decision.kind !== 'unchanged')
    .map((decision) => {
      const renamed = plan.renamedByYou.get(decision.path);
      const from = renamed === undefined ? '' : ` (you renamed ${renamed} to this)`;
      return `${decision.path.padEnd(44)} ${describeDecision(decision)}${from}`;
    });
  return lines.length > 0 ? lines : ['no generated file changes'];
}

function describeDecision(decision: Decision): string {
  if (decision.kind === 'moved')
    return `moved here from ${decision.from} by this version${decision.carried ? ', with your edits (merged)' : ''}`;
  if (decision.kind === 'moved-away')
    return decision.after === undefined
      ? `moved to ${decision.to} by this version: kept as it is, delete it once nothing of yours uses it`
      : `moved to ${decision.to} by this version: now re-exports it, so your imports keep working ` +
          '(point them there, then delete this file)';
  return DECISION_WORDS[decision.kind];
}

function reportKeptAndRemoved(plan: UpgradePlan, ui: Ui): void {
  for (const decision of plan.decisions) {
    if (decision.kind === 'removed' || decision.kind === 'deleted-by-you')
      ui.info(`${decision.path}: ${DECISION_WORDS[decision.kind]}`);
  }
}

function describeConflicts(plan: UpgradePlan): string[] {
  return plan.conflicts.map((conflict) => {
    switch (conflict.reason) {
      case 'overlap':
        return (
          `${conflict.path}: your edits and create-mcp-oauth ${plan.to}'s overlap ` +
          `(conflict at line${conflict.lines.length === 1 ? '' : 's'} ${conflict.lines.join(', ')} once marked)`
        );
      case 'no-base':
        return (
          `${conflict.path}: changed by you and by create-mcp-oauth ${plan.to}, ` +
          `and the file as ${plan.from} wrote it is not available to merge from`
        );
      case 'exists':
        return (
          `${conflict.path}: create-mcp-oauth ${plan.to} adds this file, ` +
          `and you already have a different one there`
        );
    }
  });
}

/** The notes of the versions since the project's, those about the other kind of project left out. */
function releaseNotes(plan: UpgradePlan, kind: ProjectKind): string[] {
  const notes = notesBetween(plan.from, plan.to);
  if (notes.length === 0) return ['(no template changes: the record is brought up to date)'];
  return notes.flatMap((entry) => [
    `${entry.version}:`,
    ...entry.notes.flatMap((note) => {
      if (typeof note === 'string') return [`  - ${note}`];
      return note.only === kind ? [`  - ${note.text}`] : [];
    }),
  ]);
}

function describeDependencies(plan: UpgradePlan): string[] {
  const update = plan.dependencies;
  if (update === undefined) return [`no ${MANIFEST}: the dependency ranges the code needs could not be checked`];
  return [
    ...update.raised.map((entry) => `${entry.name}: ${entry.from} → ${entry.to} (the generated code needs it)`),
    ...update.added.map((entry) => `${entry.name}@${entry.range}${entry.dev ? ' (dev)' : ''}: added`),
    ...update.scripts.map((script) => `script "${script.name}": added (${script.command})`),
    ...update.unknown.map((entry) => `${entry}: kept (not a version range; make sure it satisfies what is needed)`),
    ...update.removedByYou.map((name) => `${name}: you removed it, so it is not added back`),
  ];
}

function validPackageManager(flag: string | undefined): PackageManager | undefined {
  if (flag === undefined) return undefined;
  const result = validatePackageManager(flag);
  if (!result.ok) throw new CliError(`--package-manager: ${result.error}`);
  return result.value;
}

/** From the lockfile (or package.json's packageManager field), else what the scaffold was told, else npm. */
async function packageManagerOfProject(
  record: ProjectRecord,
  current: ReadonlyMap<string, string>,
  dir: string,
): Promise<PackageManager> {
  const entries = await fs.readdir(dir);
  let manifest: PackageManifest = {};
  try {
    manifest = JSON.parse(current.get(MANIFEST) ?? '{}') as PackageManifest;
  } catch {
    // An unreadable package.json was reported by the dependency step already.
  }
  return (
    packageManagerOf(entries, manifest).packageManager?.name ??
    (record.kind === 'scaffold' ? record.answers.packageManager : 'npm')
  );
}

async function install(packageManager: PackageManager, dir: string, ui: Ui): Promise<void> {
  const command = formatCommand(installCommand(packageManager));
  const progress = ui.progress(`Installing the raised dependencies (${command})`);
  const { installDependencies } = await import('../install/install.js');
  const outcome = await installDependencies(packageManager, dir);
  if (outcome.ok) {
    progress.done('Installed dependencies');
    return;
  }
  progress.fail('Installing dependencies failed');
  throw new CliError(
    `${outcome.reason}\nThe upgrade was written. To install: cd ${shellQuote(dir)} && ${outcome.retry}`,
  );
}

function nextSteps(
  plan: UpgradePlan,
  packageManager: PackageManager,
  dir: string,
  cwd: string,
  installLeft: boolean,
): string[] {
  const relative = path.relative(cwd, dir);
  const inDir = (command: string) => (relative ? `(cd ${shellQuote(relative)} && ${command})` : command);
  const steps: string[] = [];
  for (const conflict of plan.conflicts)
    steps.push(
      `Resolve the conflict markers in ${conflict.path} ` +
        `(line${conflict.lines.length === 1 ? '' : 's'} ${conflict.lines.join(', ')}): ` +
        `keep what you need of both sides, ` +
        `remove the markers.`,
    );
  if (installLeft)
    steps.push(`Install the raised dependencies: ${inDir(formatCommand(installCommand(packageManager)))}`);
  steps.push('Review the change: git diff');
  steps.push(`Run the project's tests: ${inDir(formatCommand(runScriptCommand(packageManager, 'test')))}`);
  steps.push(`Commit, with ${RECORD_FILE}: it is the base of the next upgrade.`);
  return steps;
}
