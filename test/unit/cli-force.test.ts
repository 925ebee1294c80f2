/**
 * `--force` with the BUILT CLI, into a directory full of the user's things: files with the names the
 * generator produces are overwritten with exactly the generated contents; `.env` (the user's secrets)
 * is kept as it is; every other file, directory, symlink and mode is untouched; nothing is deleted.
 */
import { chmod, lstat, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { buildCli } from './helpers/build.js';
import { snapshotTree } from './helpers/tree-snapshot.js';

const SCAFFOLD = ['app', '--yes', '--no-install', '--no-git'];

let root: string;
/** A plain scaffold of `app`: the generated files and their snapshot lines. */
let generated: Map<string, string>;

beforeAll(async () => {
  await buildCli();
  root = await mkdtemp(path.join(os.tmpdir(), 'cmo-force-'));
  const reference = path.join(root, 'reference');
  await mkdir(reference);
  const run = await runCli(SCAFFOLD, { cwd: reference });
  if (run.exitCode !== 0) throw new Error(run.all);
  generated = new Map(
    (await snapshotTree(path.join(reference, 'app')))
      .filter((line) => line.includes(' file '))
      .map((line) => [line.split(' ')[0]!, line] as const),
  );
}, 60_000);
afterAll(() => rm(root, { recursive: true, force: true }));

async function put(dir: string, file: string, contents: string, mode = 0o644): Promise<void> {
  await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
  await writeFile(path.join(dir, file), contents);
  await chmod(path.join(dir, file), mode);
}

/** A sandbox with `app/` holding generated names (in the way), user files, secrets, git and odd entries. */
async function userProject(name: string) {
  const work = path.join(root, name);
  const target = path.join(work, 'app');
  const inTheWay = ['package.json', 'README.md', '.gitignore', '.env.example', 'tsconfig.json', 'src/index.ts'];
  for (const file of inTheWay) {
    expect(generated.has(file), `${file} should be a generated file`).toBe(true);
    await put(target, file, `the user's own ${file}\n`, 0o600);
  }
  const userOnly = {
    'notes.txt': 'not generated\n',
    'src/mine.ts': 'export const mine = 1;\n',
    'src/mcp/tools/my-tool.ts': 'export {};\n',
    'docs/deep/nested.md': '# deep\n',
    '.git/HEAD': 'ref: refs/heads/main\n',
  };
  for (const [file, contents] of Object.entries(userOnly)) await put(target, file, contents);
  await put(target, '.env', 'SCALEKIT_ENVIRONMENT_URL=https://acme.scalekit.com\nSECRET=keep-me\n', 0o600);
  await put(target, 'bin/run.sh', '#!/bin/sh\necho mine\n', 0o750);
  await mkdir(path.join(target, 'empty-dir'));
  await symlink('notes.txt', path.join(target, 'notes-link'));
  return { work, target, inTheWay, userOnly: [...Object.keys(userOnly), 'bin/run.sh', 'empty-dir', 'notes-link'] };
}

const byPath = (lines: string[]) => new Map(lines.map((line) => [line.split(' ')[0]!, line] as const));

describe('--force into a directory with the user’s files', () => {
  it('overwrites only generated names, keeps .env and everything else, deletes nothing', async () => {
    const { work, target, inTheWay, userOnly } = await userProject('overwrite');
    const before = byPath(await snapshotTree(target));

    const run = await runCli([...SCAFFOLD, '--force'], { cwd: work });
    expect(run.exitCode, run.all).toBe(0);
    expect(run.stdout).toContain(`Wrote ${generated.size - 1} files in ${target} (overwrote ${inTheWay.length})`);
    expect(run.stdout).toContain(
      'Kept your existing .env: it is never overwritten; compare it with .env.example for new settings',
    );

    const after = byPath(await snapshotTree(target));
    // Nothing the user had is gone.
    expect([...before.keys()].filter((entry) => !after.has(entry))).toEqual([]);
    // Generated names hold exactly the generated file (contents and mode)…
    for (const [file, line] of generated) {
      if (file === '.env') continue;
      expect(after.get(file), file).toBe(line);
    }
    // …and the user's own files, the secrets, git, the script's mode, the empty dir and the symlink are untouched.
    for (const entry of [...userOnly, '.env', '.git']) expect(after.get(entry), entry).toBe(before.get(entry));
    expect(await readFile(path.join(target, '.env'), 'utf8')).toBe(
      'SCALEKIT_ENVIRONMENT_URL=https://acme.scalekit.com\nSECRET=keep-me\n',
    );
    expect((await lstat(path.join(target, 'bin/run.sh'))).mode & 0o777).toBe(0o750);
    // Only generated files were added.
    for (const entry of after.keys()) {
      if (!before.has(entry) && !after.get(entry)!.includes(' dir ')) expect(generated.has(entry), entry).toBe(true);
    }
    expect((await readdir(work)).sort()).toEqual(['app']);
  });

  it('writes .env when the user has none', async () => {
    const { work, target } = await userProject('no-env');
    await rm(path.join(target, '.env'));
    const run = await runCli([...SCAFFOLD, '--force'], { cwd: work });
    expect(run.exitCode, run.all).toBe(0);
    expect(run.stdout).not.toMatch(/Kept your existing/);
    expect(byPath(await snapshotTree(target)).get('.env')).toBe(generated.get('.env'));
  });

  it('--dry-run shows what would be overwritten and kept, and changes nothing', async () => {
    const { work, target } = await userProject('dry-run');
    const before = await snapshotTree(work, { mtimes: true });
    const run = await runCli([...SCAFFOLD, '--force', '--dry-run'], { cwd: work });
    expect(run.exitCode, run.all).toBe(0);
    expect(run.stdout).toMatch(/^ {2}package\.json +\S+ \S+ +\(overwrites existing file\)$/m);
    expect(run.stdout).toMatch(/^ {2}\.env +\S+ \S+ +\(exists: kept, not overwritten\)$/m);
    expect(run.stdout).toContain(`into existing ${target}`);
    expect(await snapshotTree(work, { mtimes: true })).toEqual(before);
  });

  it('refuses, changing nothing, when a generated name is a directory or the way runs through a symlink', async () => {
    const { work, target } = await userProject('in-the-way');
    await mkdir(path.join(target, 'vitest.config.ts'));
    const before = await snapshotTree(root, { mtimes: true });
    const dirInTheWay = await runCli([...SCAFFOLD, '--force'], { cwd: work });
    expect(dirInTheWay.exitCode).toBe(1);
    expect(dirInTheWay.stderr).toMatch(
      /^error: \[dir\]: vitest\.config\.ts exists in .*app as a directory; move it away/m,
    );
    expect(await snapshotTree(root, { mtimes: true })).toEqual(before);

    await rm(path.join(target, 'vitest.config.ts'), { recursive: true });
    const outside = path.join(root, 'outside');
    await mkdir(outside, { recursive: true });
    await rm(path.join(target, 'docs'), { recursive: true });
    await rm(path.join(target, 'test'), { recursive: true, force: true });
    await symlink(outside, path.join(target, 'test'));
    const beforeLink = await snapshotTree(root, { mtimes: true });
    const throughLink = await runCli([...SCAFFOLD, '--force'], { cwd: work });
    expect(throughLink.exitCode).toBe(1);
    expect(throughLink.stderr).toMatch(/^error: \[dir\]: test is a symbolic link; refusing to write through it/m);
    expect(await snapshotTree(root, { mtimes: true })).toEqual(beforeLink);
    expect(await readdir(outside)).toEqual([]);
  });
});
