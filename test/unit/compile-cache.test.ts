/**
 * The bundle's compile cache (src/startup/compile-cache.ts), which the bin turns on where Node has none of its own
 * (Node 20; the node-release smoke suite checks that Node ≥ 22 uses Node's instead). Each case runs a private copy
 * of the built package with TMPDIR pointing at a fresh directory, and looks at what is kept there and at what the
 * CLI prints: a kept entry that is taken again is not rewritten (V8 accepted it), one V8 refuses is replaced, and
 * no entry ever makes the CLI run other code than the chunk on disk.
 */
import { spawnSync } from 'node:child_process';
import { cp, mkdir, readdir, readFile, stat, symlink, writeFile, chmod } from 'node:fs/promises';
import * as nodeModule from 'node:module';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, buildCli } from './helpers/build.js';
import { tempDir } from './helpers/temp-dir.js';

const cacheName = `create-mcp-oauth-compile-cache${process.getuid ? `-${process.getuid()}` : ''}`;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  await buildCli();
}, 60_000);

afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

/** A copy of bin/ and dist/ as installed, and an empty directory to be the run's TMPDIR. */
async function installedCopy(): Promise<{ packageDir: string; tmp: string; cache: string; run: Run }> {
  const { dir, cleanup } = await tempDir('cmo-compile-cache-');
  cleanups.push(cleanup);
  const packageDir = path.join(dir, 'package');
  await cp(path.join(ROOT, 'bin'), path.join(packageDir, 'bin'), { recursive: true });
  await cp(path.join(ROOT, 'dist'), path.join(packageDir, 'dist'), { recursive: true });
  const tmp = path.join(dir, 'tmp');
  await mkdir(tmp);
  const run: Run = (args, env = {}) => {
    const result = spawnSync(process.execPath, [path.join(packageDir, 'bin', 'create-mcp-oauth.cjs'), ...args], {
      cwd: dir,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, CI: 'true', NO_COLOR: '1', TMPDIR: tmp, ...env },
      encoding: 'utf8',
      timeout: 20_000,
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  };
  return { packageDir, tmp, cache: path.join(tmp, cacheName), run };
}

type Run = (args: string[], env?: Record<string, string>) => { status: number | null; stdout: string; stderr: string };

/** Each kept entry's chunk name, with its inode (a rewrite renames a new file into place). */
async function entries(cache: string): Promise<Map<string, number>> {
  const names = (await readdir(cache)).filter((name) => name.endsWith('.bin'));
  const kept = new Map<string, number>();
  for (const name of names) kept.set(name, (await stat(path.join(cache, name))).ino);
  return kept;
}

const chunkOf = (entry: string) => entry.replace(/\.cjs\..*$/, '.cjs').replace(/-[\w-]{8}\.cjs$/, '.cjs');

describe.skipIf('enableCompileCache' in nodeModule)('on a Node without a compile cache of its own', () => {
  it('keeps the compiled code of each chunk a run loads, privately, and takes it again on the next run', async () => {
    const { run, cache, tmp } = await installedCopy();
    const help = run(['--help']);
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/Usage: create-mcp-oauth/);
    const afterHelp = await entries(cache);
    expect([...afterHelp.keys()].map(chunkOf).sort()).toEqual(['cli.cjs', 'core.cjs']);
    expect((await stat(cache)).mode & 0o777).toBe(0o700);
    for (const name of afterHelp.keys()) expect((await stat(path.join(cache, name))).mode & 0o777).toBe(0o600);
    expect((await readdir(cache)).filter((name) => name.endsWith('.tmp'))).toEqual([]);

    const scaffold = run([path.join(tmp, 'app'), '--yes', '--no-install', '--no-git']);
    expect(scaffold.status, scaffold.stderr).toBe(0);
    expect(scaffold.stdout).toMatch(/Done\./);
    const afterScaffold = await entries(cache);
    expect([...afterScaffold.keys()].map(chunkOf).sort()).toEqual(['cli.cjs', 'core.cjs', 'scaffold.cjs']);
    // Taken, not rewritten: V8 accepted what the first run kept.
    for (const [name, inode] of afterHelp) expect(afterScaffold.get(name)).toBe(inode);
  });

  it('replaces an entry V8 refuses, and the CLI runs as usual', async () => {
    const { run, cache } = await installedCopy();
    expect(run(['--version']).status).toBe(0);
    const [core] = [...(await entries(cache)).keys()].filter((name) => chunkOf(name) === 'core.cjs');
    expect(core).toBeDefined();
    const garbage = Buffer.alloc(4096, 0x5a);
    await writeFile(path.join(cache, core!), garbage);

    const help = run(['--help']);
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/Usage: create-mcp-oauth/);
    expect((await readFile(path.join(cache, core!))).equals(garbage)).toBe(false);
  });

  it('never runs a kept entry for a chunk rebuilt to the same length with other text', async () => {
    const { run, packageDir } = await installedCopy();
    const before = run(['--help']);
    expect(before.stdout).toMatch(/add Scalekit OAuth to an existing/);

    // V8 checks only the source's length: the entry's name must tell the two texts apart.
    const [coreFile] = (await readdir(path.join(packageDir, 'dist'))).filter((name) => name.startsWith('core-'));
    const corePath = path.join(packageDir, 'dist', coreFile!);
    const text = await readFile(corePath, 'utf8');
    const changed = text.replace('add Scalekit OAuth to an existing', 'ADD SCALEKIT OAUTH TO AN EXISTING');
    expect(changed.length).toBe(text.length);
    expect(changed).not.toBe(text);
    await writeFile(corePath, changed);

    const after = run(['--help']);
    expect(after.status, after.stderr).toBe(0);
    expect(after.stdout).toMatch(/ADD SCALEKIT OAUTH TO AN EXISTING/);
  });

  it('uses no cache directory that others could write to, or that is not a directory', async () => {
    const shared = await installedCopy();
    await mkdir(shared.cache);
    await chmod(shared.cache, 0o777);
    expect(shared.run(['--help']).status).toBe(0);
    expect(await readdir(shared.cache)).toEqual([]);

    const linked = await installedCopy();
    const elsewhere = path.join(linked.tmp, 'elsewhere');
    await mkdir(elsewhere, { mode: 0o700 });
    await symlink(elsewhere, linked.cache);
    expect(linked.run(['--help']).status).toBe(0);
    expect(await readdir(elsewhere)).toEqual([]);
  });

  it('costs only speed when there is nowhere to keep it; NODE_DISABLE_COMPILE_CACHE=1 turns it off', async () => {
    const nowhere = await installedCopy();
    const notADirectory = path.join(nowhere.tmp, 'file');
    await writeFile(notADirectory, '');
    const help = nowhere.run(['--help'], { TMPDIR: notADirectory });
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/Usage: create-mcp-oauth/);

    const off = await installedCopy();
    expect(off.run(['--help'], { NODE_DISABLE_COMPILE_CACHE: '1' }).status).toBe(0);
    expect(await readdir(off.tmp)).toEqual([]);
  });
});
