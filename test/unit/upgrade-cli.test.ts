/**
 * `create-mcp-oauth upgrade` on projects an earlier version wrote (test/fixtures/upgrade: kept exactly as
 * create-mcp-oauth 0.1.0 rendered them, with the record in the shape 0.1.0's would have), committed the way the
 * scaffold commits, then edited by their owner (the *.patch files: a tool, the scope map, an auth file).
 * The install and the project's own tests after an upgrade: test/integration/upgrade.test.ts.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { captureIo } from './helpers/io.js';
import { tempDir } from './helpers/temp-dir.js';
import { editedProject, git, gitStatus } from '../support/upgrade-fixtures.js';

const OUR_CHANGE = 'since its 2026 migration), both valid at once';
const YOUR_AUTH_EDIT = 'tenant: stringClaim(payload.org_name),';
const YOUR_TOOL_EDIT = "oldest first, each with its id for add_todo's follow-ups";
const YOUR_SCOPE_EDIT = "whoami: ['todo:read'],";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** The fixture as its owner has it: the scaffold's commit, then one commit per patch. */
async function project(fixture: string, patches: string[] = []): Promise<string> {
  const { dir, cleanup } = await tempDir('cmo-upgrade-');
  cleanups.push(cleanup);
  return editedProject(dir, fixture, patches);
}

async function upgrade(dir: string, ...args: string[]) {
  const io = captureIo({ cwd: path.dirname(dir) });
  const exitCode = await main(['upgrade', dir, ...args], io);
  return { exitCode, stdout: io.stdoutText(), stderr: io.stderrText(), all: io.stdoutText() + io.stderrText() };
}

const read = (dir: string, file: string) => readFile(path.join(dir, file), 'utf8');
const status = gitStatus;

describe('upgrade of a project scaffolded by 0.1.0 and edited since', () => {
  it('lands our change, keeps every edit, merges the shared auth file, and a second run changes nothing', async () => {
    const dir = await project('express-0.1.0', ['express-0.1.0.user-edits.patch']);
    const run = await upgrade(dir, '--yes', '--no-install');
    expect(run.exitCode, run.all).toBe(0);

    // 0.2.0 moved the auth files into src/mcp-oauth/ (one module with add): the edits move with them.
    const verifier = await read(dir, 'src/mcp-oauth/auth/token-verifier.ts');
    expect(verifier).toContain(OUR_CHANGE);
    expect(verifier).toContain(YOUR_AUTH_EDIT);
    expect(verifier).not.toMatch(/^(<<<<<<<|=======|>>>>>>>)/m);
    expect(await read(dir, 'src/mcp/tools/list-todos.ts')).toContain(YOUR_TOOL_EDIT);
    expect(await read(dir, 'src/mcp-oauth/tool-scopes.ts')).toContain(YOUR_SCOPE_EDIT);
    expect(await read(dir, 'README.md')).toContain('## Keeping up to date');
    expect(JSON.parse(await read(dir, '.create-mcp-oauth.json'))).toMatchObject({ version: '0.2.0' });
    // Nothing is deleted: an old path re-exports the module where it moved, so code of yours importing it works.
    expect(await read(dir, 'src/auth/token-verifier.ts')).toContain(
      "export * from '../mcp-oauth/auth/token-verifier.js';",
    );
    expect(run.stdout).toMatch(
      /src\/auth\/token-verifier\.ts\s+moved to src\/mcp-oauth\/auth\/token-verifier\.ts by this version: now re-exports it/,
    );
    expect(await status(dir)).not.toMatch(/^ ?D /m);

    // What changed and why, per file and from the release notes; the project's tests as the next step.
    expect(run.stdout).toMatch(
      /src\/mcp-oauth\/auth\/token-verifier\.ts\s+moved here from src\/auth\/token-verifier\.ts by this version, with your edits \(merged\)/,
    );
    expect(run.stdout).toMatch(/src\/auth\/token-verifier\.ts\s+moved to src\/mcp-oauth\/auth\/token-verifier\.ts/);
    expect(run.stdout).toMatch(/src\/mcp\/tools\/list-todos\.ts\s+merged/);
    expect(run.stdout).toContain('What changed in create-mcp-oauth since 0.1.0');
    expect(run.stdout).toContain('both must pass, or every token of the other form is refused');
    expect(run.stdout).toContain('The slow checks moved to test/stress/');
    expect(run.stdout).not.toContain('The scope map moved from mcp/tool-scopes');
    expect(run.stdout).toMatch(/Run the project's tests: \(cd server && npm test\)/);

    await git(dir, 'add', '-A');
    await git(dir, 'commit', '-qm', 'Upgrade create-mcp-oauth');
    const again = await upgrade(dir, '--yes', '--no-install');
    expect(again.exitCode, again.all).toBe(0);
    expect(again.stdout).toContain('Up to date');
    expect(await status(dir)).toBe('');
  });

  it('brings the change of a generated file you renamed into it, at your name', async () => {
    const dir = await project('express-0.1.0');
    const tools = path.join(dir, 'src/mcp/tools');
    const before = await read(dir, 'src/mcp/tools/list-todos.ts');
    await git(dir, 'mv', 'src/mcp/tools/list-todos.ts', 'src/mcp/tools/list-my-todos.ts');
    await writeFile(
      path.join(tools, 'index.ts'),
      (await read(dir, 'src/mcp/tools/index.ts')).replace("'./list-todos.js'", "'./list-my-todos.js'"),
    );
    await git(dir, 'commit', '-qam', 'A clearer name');
    const run = await upgrade(dir, '--yes', '--no-install');
    expect(run.exitCode, run.all).toBe(0);
    expect(run.stdout).toMatch(
      /src\/mcp\/tools\/list-my-todos\.ts\s+.*\(you renamed src\/mcp\/tools\/list-todos\.ts to this\)/,
    );
    expect(await read(dir, 'src/mcp/tools/list-my-todos.ts')).not.toBe(before);
    await expect(read(dir, 'src/mcp/tools/list-todos.ts')).rejects.toThrow();
    expect(run.stdout).not.toContain('you deleted it');
  });

  it('reports an overlapping edit as a conflict and writes nothing; --allow-conflicts writes markers', async () => {
    const dir = await project('express-0.1.0', ['express-0.1.0.overlapping-edit.patch']);
    const refused = await upgrade(dir, '--yes', '--no-install');
    expect(refused.exitCode).toBe(1);
    expect(refused.all).toMatch(
      /src\/mcp-oauth\/auth\/token-verifier\.ts: your edits and create-mcp-oauth 0\.2\.0's overlap/,
    );
    expect(refused.stderr).toContain('--allow-conflicts');
    expect(await status(dir)).toBe('');

    const marked = await upgrade(dir, '--yes', '--no-install', '--allow-conflicts');
    expect(marked.exitCode, marked.all).toBe(0);
    const verifier = await read(dir, 'src/mcp-oauth/auth/token-verifier.ts');
    expect(verifier).toContain(
      '<<<<<<< yours\n  /** Accepted `iss` values: our environment URL ' +
        'and its resource issuer (see config.ts). */\n=======\n',
    );
    expect(verifier).toMatch(/\n>>>>>>> create-mcp-oauth 0\.2\.0\n/);
    expect(marked.stdout).toMatch(
      /Resolve the conflict markers in src\/mcp-oauth\/auth\/token-verifier\.ts \(line \d+\)/,
    );
    expect(await read(dir, 'README.md')).toContain('## Keeping up to date');

    // Committed with the markers, a later run is up to date but says they are still there.
    await git(dir, 'add', '-A');
    await git(dir, 'commit', '-qm', 'Upgrade, conflicts to resolve');
    const again = await upgrade(dir, '--yes', '--no-install');
    expect(again.exitCode, again.all).toBe(0);
    expect(again.all).toMatch(
      /src\/mcp-oauth\/auth\/token-verifier\.ts still has conflict markers from an earlier upgrade \(line \d+\): resolve them/,
    );
  });

  it('refuses a dirty work tree unless --no-git-check, and --dry-run changes nothing', async () => {
    const dir = await project('express-0.1.0', ['express-0.1.0.user-edits.patch']);
    await writeFile(path.join(dir, 'src/mcp/tools/whoami.ts'), '// work in progress\n', { flag: 'a' });
    const refused = await upgrade(dir, '--yes', '--no-install');
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(/uncommitted changes \(src\/mcp\/tools\/whoami\.ts\).*--no-git-check/);
    expect(await status(dir)).toBe(' M src/mcp/tools/whoami.ts');

    const dryRun = await upgrade(dir, '--dry-run');
    expect(dryRun.exitCode, dryRun.all).toBe(0);
    expect(dryRun.stdout).toContain('+++ b/src/mcp-oauth/auth/token-verifier.ts');
    expect(dryRun.stdout).toContain('Dry run: nothing was written.');
    expect(await status(dir)).toBe(' M src/mcp/tools/whoami.ts');

    const forced = await upgrade(dir, '--yes', '--no-install', '--no-git-check');
    expect(forced.exitCode, forced.all).toBe(0);
    expect(await read(dir, 'src/mcp/tools/whoami.ts')).toContain('// work in progress');
    expect(await read(dir, 'src/mcp-oauth/auth/token-verifier.ts')).toContain(OUR_CHANGE);
  });

  it('asks before writing, and without a terminal refuses to write unless --yes', async () => {
    const dir = await project('express-0.1.0');
    const run = await upgrade(dir, '--no-install');
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/run again with --yes/);
    expect(run.stdout).toContain('+++ b/README.md');
    expect(await status(dir)).toBe('');
  });

  it('sends a project without a record to add, and names the flag of a bad value', async () => {
    const dir = await project('express-0.1.0');
    await rm(path.join(dir, '.create-mcp-oauth.json'));
    const run = await upgrade(dir, '--yes');
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/has no \.create-mcp-oauth\.json.*Run npx create-mcp-oauth add/s);

    // Inside a project that has one, the message names its root instead.
    const recorded = await project('express-0.1.0');
    const inside = await upgrade(path.join(recorded, 'src'), '--yes');
    expect(inside.exitCode).toBe(1);
    expect(inside.stderr).toContain(`but ${recorded} does: it is the project's root`);
    expect(inside.stderr).toContain(`upgrade ${recorded}`);
    expect(await status(recorded)).toBe('');

    const broken = await project('express-0.1.0');
    await writeFile(path.join(broken, 'package.json'), '{ "name": "x", }\n');
    await git(broken, 'commit', '-qam', 'broken manifest');
    const unreadable = await upgrade(broken, '--yes', '--no-install');
    expect(unreadable.exitCode).toBe(1);
    expect(unreadable.stderr).toMatch(/package\.json is not valid JSON .*fix it first; nothing was changed/);
    expect(unreadable.stderr).not.toContain('unexpected failure');

    const badFlag = await upgrade(dir, '--package-manager', 'pip');
    expect(badFlag.exitCode).toBe(1);
    expect(badFlag.stderr).toContain('--package-manager');
  });
});

describe('upgrade of a project patched by add 0.1.0', () => {
  it('merges the auth module the same way and keeps the edited tool scopes', async () => {
    const dir = await project('add-express-v2-0.1.0', ['add-express-v2-0.1.0.user-edits.patch']);
    const run = await upgrade(dir, '--yes', '--no-install');
    expect(run.exitCode, run.all).toBe(0);
    const verifier = await read(dir, 'src/mcp-oauth/auth/token-verifier.ts');
    expect(verifier).toContain(OUR_CHANGE);
    expect(verifier).toContain('organizationName: stringClaim(payload.org_name),');
    // The scope map moved to mcp-oauth/tool-scopes.ts with the edit; the user's tools still import the old path,
    // which now re-exports it (left as it was, it would import what step-up.ts no longer exports).
    expect(await read(dir, 'src/mcp-oauth/tool-scopes.ts')).toContain("server_time: ['notes:read'],");
    expect(await read(dir, 'src/mcp-oauth/mcp/tool-scopes.ts')).toContain("export * from '../tool-scopes.js';");
    // The release notes speak of this project's files: the module's move, not the scaffold's tests.
    expect(run.stdout).toContain('The scope map moved from mcp/tool-scopes to tool-scopes');
    expect(run.stdout).not.toContain('test/stress/');
    // Only the generated module and the record change: the user's own files are not touched.
    const changed = (await status(dir)).split('\n').map((line) => line.slice(3));
    expect(changed).toContain('src/mcp-oauth/auth/token-verifier.ts');
    expect(changed.filter((file) => file !== '.create-mcp-oauth.json' && !file.startsWith('src/mcp-oauth/'))).toEqual(
      [],
    );
    await git(dir, 'add', '-A');
    await git(dir, 'commit', '-qm', 'Upgrade');
    const again = await upgrade(dir, '--yes', '--no-install');
    expect(again.stdout).toContain('Up to date');
    expect(await status(dir)).toBe('');
  });
});
