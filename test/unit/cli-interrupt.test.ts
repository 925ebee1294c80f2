/**
 * Kill tests: the BUILT CLI is interrupted at exact points of the write, chosen by running it with a file
 * system that pauses (helpers/paused-cli.mjs, PAUSE_AFTER=<n>: announce every file-system change, pause
 * after the n-th), and in the middle of installing dependencies.
 *
 * - SIGINT (Ctrl-C) before the last file is in place: the target is exactly as before (absent, or
 *   byte for byte what the user had), exit 130, no staging directory left. After that point (only the
 *   staging directory was left to remove): the project is complete, nothing else runs, exit 130.
 * - SIGKILL (no chance to clean up), new directory: the target is absent or complete, never partial;
 *   the staging directory stays behind, and the next run for the same target removes it.
 * - SIGKILL, existing directory with --force: files move in one by one, so the target can be partly
 *   written, but no user file is ever lost: each one is in place, unchanged, or its original is in the
 *   staging directory's backup/, which the next run keeps and points out.
 */
import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI_BIN, runCli } from '../support/cli.js';
import { buildCli } from './helpers/build.js';
import { snapshotTree } from './helpers/tree-snapshot.js';

/** The built CLI's `main()` with a file system that announces each change and pauses after PAUSE_AFTER of them. */
const PAUSED_CLI = fileURLToPath(new URL('./helpers/paused-cli.mjs', import.meta.url));

const SCAFFOLD = ['app', '--yes', '--no-install', '--no-git'];
const FORCE_SCAFFOLD = [...SCAFFOLD, '--force'];
const STAGING = /^\.app\.create-mcp-oauth-\d+-[0-9a-f]{8}$/;

/** What a user had in the directory before a --force run: planned names, user-only files, secrets, git. */
const USER_FILES: Record<string, string> = {
  'package.json': '{ "name": "mine" }\n',
  'README.md': '# my notes\n',
  '.env': 'SCALEKIT_CLIENT_SECRET=keep-me\n',
  'notes.txt': 'not generated\n',
  'src/keep.ts': 'export const mine = 1;\n',
  '.git/HEAD': 'ref: refs/heads/main\n',
};

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  paused: boolean;
}

function baseEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, CI: 'true', NO_COLOR: '1', ...extra };
}

/**
 * Run the CLI; when the writer announces its pause (or `readyWhen` says so), send `signals` one after
 * the other. `group` sends them to the whole process group, as a terminal's Ctrl-C does.
 */
function runAndInterrupt(
  args: string[],
  options: {
    cwd: string;
    env: NodeJS.ProcessEnv;
    signals: NodeJS.Signals[];
    group?: boolean;
    readyWhen?: () => Promise<boolean>;
  },
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [options.env.PAUSE_AFTER ? PAUSED_CLI : CLI_BIN, ...args], {
      cwd: options.cwd,
      env: options.env,
      stdio: 'pipe',
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    let paused = false;
    const send = async () => {
      for (const signal of options.signals) {
        if (options.group) process.kill(-child.pid!, signal);
        else child.kill(signal);
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (!paused && stderr.includes('[test-pause] paused')) {
        paused = true;
        void send();
      }
    });
    const poll = options.readyWhen
      ? setInterval(async () => {
          if (!paused && (await options.readyWhen!())) {
            paused = true;
            void send();
          }
        }, 50)
      : undefined;
    const timer = setTimeout(() => {
      process.kill(-child.pid!, 'SIGKILL');
      reject(new Error(`hung after ${args.join(' ')}\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, 20_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (poll) clearInterval(poll);
      // Nothing the CLI started may outlive it (a package manager it ran, say).
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // the group is already gone
      }
      resolve({ code, signal, stdout, stderr, paused });
    });
  });
}

/** The file operations a run announced, in order (1-based: operations[0] is #1). */
const announced = (stderr: string) => [...stderr.matchAll(/^\[test-pause\] \d+ (.*)$/gm)].map((match) => match[1]!);

/**
 * Whether the run paused at its final clean-up (removing the staging directory, after the last file was
 * in place), read from the run's own log so the test does not depend on how many files the plan has.
 */
const pausedAtCleanup = (run: Run, n: number) =>
  /^(?:rmdir|rm) \S+\/\.app\.create-mcp-oauth-\d+-[0-9a-f]{8}$/.test(announced(run.stderr)[n - 1] ?? '');

const pauseEnv = (n: number, extra: NodeJS.ProcessEnv = {}) => baseEnv({ PAUSE_AFTER: String(n), ...extra });

async function sandbox(): Promise<{ root: string; work: string; target: string }> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'cmo-interrupt-'));
  const work = path.join(root, 'work');
  await mkdir(work);
  return { root, work, target: path.join(work, 'app') };
}

async function writeUserFiles(target: string): Promise<void> {
  for (const [file, contents] of Object.entries(USER_FILES)) {
    await mkdir(path.dirname(path.join(target, file)), { recursive: true });
    await writeFile(path.join(target, file), contents);
  }
}

const stagingDirsIn = async (dir: string) => (await readdir(dir)).filter((entry) => STAGING.test(entry));

/** The writer's file-system changes in order, from a run that never pauses. */
async function recordOperations(args: string[], prepare: (target: string) => Promise<void>): Promise<string[]> {
  const { root, work, target } = await sandbox();
  try {
    await prepare(target);
    const run = await runCli(args, { cwd: work, env: { PAUSE_AFTER: '1000000' }, script: PAUSED_CLI });
    if (run.exitCode !== 0) throw new Error(run.all);
    return announced(run.stderr);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

/** 1-based index of the last operation that puts something into the target: after it, the write is done. */
function commitPoint(operations: string[], target: string): number {
  const intoTarget = (operation: string) =>
    operation.startsWith('rename ') && operation.split(' ')[2]!.startsWith(target);
  return operations.findLastIndex(intoTarget) + 1;
}

/** A spread of pause points: the first few, evenly spaced ones, and every point around the commit. */
function pausePoints(total: number, commit: number): number[] {
  const points = new Set<number>([
    1,
    2,
    3,
    commit - 1,
    commit,
    ...Array.from({ length: total - commit }, (_, i) => commit + 1 + i),
  ]);
  for (let i = 1; i <= 6; i++) points.add(Math.round((commit * i) / 7));
  return [...points].filter((n) => n >= 1 && n <= total).sort((a, b) => a - b);
}

// Collected before the tests are declared, so each pause point becomes its own test.
await buildCli();
const reference = await (async () => {
  const { root, work, target } = await sandbox();
  const run = await runCli(SCAFFOLD, { cwd: work });
  if (run.exitCode !== 0) throw new Error(run.all);
  const tree = await snapshotTree(target);
  const files = Object.fromEntries(
    await Promise.all(
      tree
        .filter((line) => line.includes(' file '))
        .map(async (line) => {
          const file = line.split(' ')[0]!;
          return [file, await readFile(path.join(target, file), 'utf8')] as const;
        }),
    ),
  );
  await rm(root, { recursive: true, force: true });
  return { tree, files };
})();
/** Operations recorded with the sandbox target path; only their kinds and order matter across sandboxes. */
const newDirOperations = await recordOperations(SCAFFOLD, async () => {});
const forceOperations = await recordOperations(FORCE_SCAFFOLD, writeUserFiles);
const targetOf = (operations: string[]) => path.join(path.dirname(operations[0]!.split(' ')[1]!), 'app');
const newDirCommit = commitPoint(newDirOperations, targetOf(newDirOperations));
const forceCommit = commitPoint(forceOperations, targetOf(forceOperations));

const tally = { sigintPoints: 0, sigkillPoints: 0, partialNewTargets: 0, partialForcedTargets: 0, lostUserFiles: 0 };
afterAll(() => {
  console.log(
    `interrupts: SIGINT at ${tally.sigintPoints} points, SIGKILL at ${tally.sigkillPoints} points ` +
      `(new directory: ${newDirOperations.length} file operations, commit at #${newDirCommit}; ` +
      `--force: ${forceOperations.length}, last move at ` +
      `#${forceCommit}); partial new targets: ${tally.partialNewTargets}, ` +
      `partly written --force targets after SIGKILL: ` +
      `${tally.partialForcedTargets}, user files lost: ${tally.lostUserFiles}`,
  );
});

describe('the recorded writes', () => {
  it('commit a new directory with one rename, and a --force run with moves after staging everything', () => {
    expect(newDirOperations[newDirCommit - 1]).toMatch(/^rename \S+\/project \S+\/app$/);
    // The staging directory is empty once its project is renamed away: one rmdir removes it.
    expect(newDirOperations.slice(newDirCommit)).toEqual([
      expect.stringMatching(/^rmdir \S+create-mcp-oauth-\d+-[0-9a-f]{8}$/),
    ]);
    // Everything is staged before the first change to the target; the moves come last.
    const firstTouch = forceOperations.findIndex((operation) => operation.includes('/work/app/'));
    expect(
      forceOperations.slice(0, firstTouch).every((operation) => operation.includes('/work/.app.create-mcp-oauth-')),
    ).toBe(true);
    expect(
      forceOperations.slice(0, firstTouch).filter((operation) => operation.startsWith('writeFile ')).length,
    ).toBeGreaterThan(30);
    expect(forceCommit).toBeGreaterThan(firstTouch);
    expect(forceOperations.slice(forceCommit)).toEqual([
      expect.stringMatching(/^rm \S+create-mcp-oauth-\d+-[0-9a-f]{8}$/),
    ]);
  });
});

describe.concurrent('SIGINT while writing a new directory', () => {
  it.each(pausePoints(newDirOperations.length, newDirCommit))('after file operation %i', async (n) => {
    const { root, work, target } = await sandbox();
    try {
      const before = await snapshotTree(root);
      const run = await runAndInterrupt(SCAFFOLD, { cwd: work, env: pauseEnv(n), signals: ['SIGINT'] });
      tally.sigintPoints += 1;
      expect(run.paused, run.stderr).toBe(true);
      expect(run.code, run.stderr).toBe(130);
      expect(run.stderr).toMatch(/^Cancelled$/m);
      if (!pausedAtCleanup(run, n)) {
        expect(run.stderr).toMatch(/rolled back: the target directory is as it was/);
        expect(await snapshotTree(root)).toEqual(before);
      } else {
        expect(run.stderr).toMatch(
          /the project is complete in .*app; dependencies were not installed and git was not run/,
        );
        expect(await snapshotTree(target)).toEqual(reference.tree);
        expect(await stagingDirsIn(work)).toEqual([]);
      }
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe.concurrent('SIGKILL while writing a new directory', () => {
  it.each(pausePoints(newDirOperations.length, newDirCommit))('after file operation %i', async (n) => {
    const { root, work, target } = await sandbox();
    try {
      const run = await runAndInterrupt(SCAFFOLD, { cwd: work, env: pauseEnv(n), signals: ['SIGKILL'] });
      tally.sigkillPoints += 1;
      expect(run.signal).toBe('SIGKILL');
      const entries = await readdir(work);
      const leftovers = entries.filter((entry) => STAGING.test(entry));
      const committed = announced(run.stderr)
        .slice(0, n)
        .some((operation) => /^rename \S+\/project \S+\/work\/app$/.test(operation));
      if (!committed) {
        expect(entries).not.toContain('app');
      } else {
        const complete = JSON.stringify(await snapshotTree(target)) === JSON.stringify(reference.tree);
        if (!complete) tally.partialNewTargets += 1;
        expect(complete).toBe(true);
      }
      // Killed before its clean-up, the run leaves its staging directory (nothing else) next to the target.
      expect(leftovers).toHaveLength(pausedAtCleanup(run, n) ? 0 : 1);
      expect(entries.filter((entry) => entry !== 'app' && !STAGING.test(entry))).toEqual([]);

      if (!committed) {
        // The next run for the same target removes the leftover (its process is gone) and succeeds.
        const again = await runCli(SCAFFOLD, { cwd: work });
        expect(again.exitCode, again.all).toBe(0);
        expect(again.stdout).toContain(`Removed ${path.join(work, leftovers[0]!)}, left behind by an interrupted run`);
        expect(await readdir(work)).toEqual(['app']);
        expect(await snapshotTree(target)).toEqual(reference.tree);
      }
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe.concurrent('SIGINT while writing into an existing directory with --force', () => {
  it.each(pausePoints(forceOperations.length, forceCommit))('after file operation %i', async (n) => {
    const { root, work, target } = await sandbox();
    try {
      await writeUserFiles(target);
      const before = await snapshotTree(root);
      const run = await runAndInterrupt(FORCE_SCAFFOLD, { cwd: work, env: pauseEnv(n), signals: ['SIGINT'] });
      tally.sigintPoints += 1;
      expect(run.paused, run.stderr).toBe(true);
      expect(run.code, run.stderr).toBe(130);
      if (!pausedAtCleanup(run, n)) {
        expect(run.stderr).toMatch(/rolled back/);
        expect(await snapshotTree(root)).toEqual(before);
      } else {
        expect(run.stderr).toMatch(/the project is complete/);
        expect(await readFile(path.join(target, 'package.json'), 'utf8')).toBe(reference.files['package.json']);
        expect(await readFile(path.join(target, '.env'), 'utf8')).toBe(USER_FILES['.env']);
        expect(await readFile(path.join(target, 'notes.txt'), 'utf8')).toBe(USER_FILES['notes.txt']);
        expect(await stagingDirsIn(work)).toEqual([]);
      }
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe.concurrent('SIGKILL while writing into an existing directory with --force', () => {
  it.each(pausePoints(forceOperations.length, forceCommit))(
    'after file operation %i: no user file is lost',
    async (n) => {
      const { root, work, target } = await sandbox();
      try {
        await writeUserFiles(target);
        const run = await runAndInterrupt(FORCE_SCAFFOLD, { cwd: work, env: pauseEnv(n), signals: ['SIGKILL'] });
        tally.sigkillPoints += 1;
        expect(run.signal).toBe('SIGKILL');
        const [leftover] = await stagingDirsIn(work);
        let partial = false;
        for (const [file, original] of Object.entries(USER_FILES)) {
          const now = await readFile(path.join(target, file), 'utf8').catch(() => undefined);
          const backup = leftover
            ? await readFile(path.join(work, leftover, 'backup', file), 'utf8').catch(() => undefined)
            : undefined;
          // Once the last move is done, overwriting a generated name is what --force asked for; before, the original is
          // in backup/.
          const overwrittenAsAsked = pausedAtCleanup(run, n) && file !== '.env' && now === reference.files[file];
          const kept = now === original || backup === original || overwrittenAsAsked;
          if (!kept) tally.lostUserFiles += 1;
          expect(kept, `${file} after SIGKILL at operation ${n}`).toBe(true);
          if (now !== original && now !== reference.files[file]) partial = true;
        }
        const generated = Object.keys(reference.files).filter((file) => !(file in USER_FILES));
        const present = await Promise.all(
          generated.map((file) =>
            readFile(path.join(target, file), 'utf8').then(
              () => true,
              () => false,
            ),
          ),
        );
        if (present.some(Boolean) && !present.every(Boolean)) partial = true;
        if (partial) tally.partialForcedTargets += 1;
      } finally {
        await rm(root, { recursive: true, force: true });
      }
    },
  );

  it('the next run keeps a leftover holding backups and says where the originals are', async () => {
    const { root, work } = await sandbox();
    try {
      await writeUserFiles(path.join(work, 'app'));
      // A point in the move phase after package.json (a file the user had) was moved to backup/.
      const backedUp =
        forceOperations.findIndex((operation) =>
          /^rename \S+\/app\/package\.json \S+\/backup\/package\.json$/.test(operation),
        ) + 1;
      expect(backedUp).toBeGreaterThan(0);
      await runAndInterrupt(FORCE_SCAFFOLD, { cwd: work, env: pauseEnv(backedUp), signals: ['SIGKILL'] });
      const [leftover] = await stagingDirsIn(work);
      expect(await readFile(path.join(work, leftover!, 'backup', 'package.json'), 'utf8')).toBe(
        USER_FILES['package.json'],
      );

      const again = await runCli(FORCE_SCAFFOLD, { cwd: work });
      expect(again.exitCode, again.all).toBe(0);
      expect(again.stderr).toContain(
        `${path.join(work, leftover!)} was left behind by an interrupted run and holds the originals`,
      );
      expect(await readFile(path.join(work, leftover!, 'backup', 'package.json'), 'utf8')).toBe(
        USER_FILES['package.json'],
      );
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('SIGINT while installing dependencies', () => {
  /**
   * A package manager that takes its time, so no network is involved. The waiting process itself writes
   * the "started" marker: a shell that ran `touch` first could receive the Ctrl-C while waiting for it,
   * see it exit normally, and carry on (how shells treat SIGINT in a child), which no real npm does.
   */
  async function slowNpm(root: string): Promise<{ env: NodeJS.ProcessEnv; started: string }> {
    const bin = path.join(root, 'bin');
    const started = path.join(root, 'install-started');
    await mkdir(bin);
    const waiting = `require('fs').writeFileSync(${JSON.stringify(started)}, ''); setTimeout(() => {}, 30000)`;
    await writeFile(
      path.join(bin, 'npm'),
      `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} -e ${JSON.stringify(waiting)}\n`,
    );
    await chmod(path.join(bin, 'npm'), 0o755);
    return { env: baseEnv({ PATH: `${bin}${path.delimiter}${process.env.PATH}` }), started };
  }
  const installArgs = ['app', '--yes', '--no-git', '--package-manager', 'npm'];
  const isStarted = (file: string) => () =>
    readFile(file).then(
      () => true,
      () => false,
    );

  it.skipIf(process.platform === 'win32')(
    'Ctrl-C keeps the complete project, says how to finish, and exits 130',
    async () => {
      const { root, work, target } = await sandbox();
      try {
        const { env, started } = await slowNpm(root);
        const run = await runAndInterrupt(installArgs, {
          cwd: work,
          env,
          signals: ['SIGINT'],
          group: true,
          readyWhen: isStarted(started),
        });
        expect(run.code, run.stderr).toBe(130);
        expect(run.stdout).toMatch(/Created \d+ files in .*app/);
        expect(run.stderr).toMatch(/Installing dependencies was interrupted/);
        expect(run.stderr).toContain(
          `Cancelled\nthe project was kept in ${target}. To finish: cd ${target} && npm install\n`,
        );
        expect(run.stdout).not.toMatch(/Next steps/);
        expect(await snapshotTree(target)).toEqual(reference.tree);
      } finally {
        await rm(root, { recursive: true, force: true });
      }
    },
  );

  it.skipIf(process.platform === 'win32')(
    'a second SIGINT exits at once even if the package manager ignores the first',
    async () => {
      const { root, work, target } = await sandbox();
      try {
        const { env, started } = await slowNpm(root);
        const began = Date.now();
        // Sent to the CLI only: the package manager never sees it and would sleep on for 30 s.
        const run = await runAndInterrupt(installArgs, {
          cwd: work,
          env,
          signals: ['SIGINT', 'SIGINT'],
          readyWhen: isStarted(started),
        });
        expect(Date.now() - began).toBeLessThan(10_000);
        expect(run.code, run.stderr).toBe(130);
        expect(run.stderr).toContain(
          `Cancelled: the project was kept in ${target}. To finish: cd ${target} && npm install`,
        );
        expect(await snapshotTree(target)).toEqual(reference.tree);
      } finally {
        await rm(root, { recursive: true, force: true });
      }
    },
  );
});
