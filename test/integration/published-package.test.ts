/**
 * The package as npm publishes it (`npm pack`, unpacked away from this checkout) works on its own. Templates
 * travel inside the bundle, not as a templates/ folder, so this is where a template left out of the build would
 * show: a scaffold must write exactly what the source planner renders from templates/, `upgrade` must find an
 * earlier version's templates, and `add` must find the auth module.
 */
import { execa } from 'execa';
import { cp, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { captureIo } from '../unit/helpers/io.js';
import { runCli } from '../support/cli.js';
import { editedProject, gitStatus } from '../support/upgrade-fixtures.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
let scratch: string;
let packedBin: string;
let packedFiles: string[];

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'cmo-published-'));
  const pack = await execa('npm', ['pack', '--json', '--pack-destination', scratch], { cwd: ROOT });
  const [{ filename, files }] = JSON.parse(pack.stdout) as [{ filename: string; files: { path: string }[] }];
  packedFiles = files.map((file) => file.path);
  await execa('tar', ['xzf', path.join(scratch, filename), '-C', scratch]);
  packedBin = path.join(scratch, 'package', 'bin', 'create-mcp-oauth.cjs');
}, 120_000);
afterAll(() => rm(scratch, { recursive: true, force: true }));

/** Every file under `dir`, by relative path. */
async function tree(dir: string): Promise<Map<string, string>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
  return new Map(
    await Promise.all(files.map(async (file) => [path.relative(dir, file), await readFile(file, 'utf8')] as const)),
  );
}

describe('the published package', () => {
  it('holds the CLI and its bundle, and no templates folder to read at run time', () => {
    expect(packedFiles).toContain('bin/create-mcp-oauth.cjs');
    expect(packedFiles).toContain('dist/cli.cjs');
    expect(packedFiles.filter((file) => file.startsWith('templates/'))).toEqual([]);
  });

  it.each([
    ['express', ['--framework', 'express', '--deploy', 'docker']],
    ['hono', ['--framework', 'hono', '--scope', 'notes:read=Read "your" `notes`', '--tool', 'list_notes=notes:read']],
    ['workers', ['--framework', 'hono', '--deploy', 'workers']],
  ])('scaffolds %s exactly as the planner renders templates/', async (name, flags) => {
    const args = ['--yes', '--no-install', '--no-git', ...flags];
    const fromPackage = path.join(scratch, `packed-${name}`);
    const fromSource = path.join(scratch, `source-${name}`);
    await mkdir(fromPackage);
    await mkdir(fromSource);
    const packed = await runCli(['mcp-server', ...args], { cwd: fromPackage, script: packedBin });
    expect(packed.exitCode, packed.all).toBe(0);
    const io = captureIo({ cwd: fromSource });
    expect(await main(['mcp-server', ...args], io), io.stderrText()).toBe(0);

    const written = await tree(path.join(fromPackage, 'mcp-server'));
    const expected = await tree(path.join(fromSource, 'mcp-server'));
    expect([...written.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [file, contents] of expected) expect(written.get(file), file).toBe(contents);
  });

  it("upgrades a 0.1.0 project with 0.1.0's templates as the merge base", async () => {
    const parent = await mkdtemp(path.join(scratch, 'upgrade-'));
    const dir = await editedProject(parent, 'express-0.1.0', ['express-0.1.0.user-edits.patch']);
    const before = await gitStatus(dir);
    const run = await runCli(['upgrade', dir, '--dry-run'], { script: packedBin });
    expect(run.exitCode, run.all).toBe(0);
    expect(run.all).not.toContain('does not carry the templates');
    expect(run.stdout).toMatch(/list-todos\.ts +merged: your edits and this version/);
    expect(await gitStatus(dir)).toBe(before);
  });

  it('patches an existing server with `add`', async () => {
    const dir = path.join(scratch, 'add-target');
    await cp(path.join(ROOT, 'test/fixtures/add/express-v2-ts'), dir, { recursive: true });
    const run = await runCli(['add', dir, '--yes', '--no-install'], { script: packedBin });
    expect(run.exitCode, run.all).toBe(0);
    expect(await readFile(path.join(dir, 'src/mcp-oauth/index.ts'), 'utf8')).toContain('export function');
    expect(await readFile(path.join(dir, 'src/index.ts'), 'utf8')).toContain('app.use(mcpOAuth(');
  });
});
