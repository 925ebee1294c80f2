/**
 * `upgrade` end to end with the built CLI: a project 0.1.0 scaffolded, edited by its owner (a tool, the scope
 * map, an auth file, and jose pinned below what the generated code is written against), upgraded with
 * install; then the project's own tests (the quick suite and the `test:stress` script 0.2.0 adds) and
 * type-check pass on the merged code.
 */
import { execa } from 'execa';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../support/cli.js';
import { editedProject, gitStatus } from '../support/upgrade-fixtures.js';
import { tempDir } from '../unit/helpers/temp-dir.js';
import { buildTypeScript, linkDependencies } from './add/support.js';

describe('upgrade of an edited 0.1.0 project, with install', () => {
  let dir: string;
  let run: CliResult;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    const temp = await tempDir('cmo-upgrade-install-');
    cleanup = temp.cleanup;
    dir = await editedProject(temp.dir, 'express-0.1.0', [
      'express-0.1.0.user-edits.patch',
      'express-0.1.0.pinned-jose.patch',
    ]);
    run = await runCli(['upgrade', dir, '--yes'], { timeout: 600_000 });
  }, 660_000);
  afterAll(async () => {
    if (!process.env.KEEP_FIXTURES) await cleanup?.();
  });

  it('raises the jose range, installs, and keeps every edit', async () => {
    expect(run.exitCode, run.all).toBe(0);
    expect(run.stdout).toContain('jose: ~6.0.13 → ^6.1.0');
    expect(run.all).toContain('Installed dependencies');
    const manifest = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8'));
    expect(manifest.dependencies.jose).toBe('^6.1.0');
    const installed = JSON.parse(await readFile(path.join(dir, 'node_modules/jose/package.json'), 'utf8'));
    expect(installed.version).toMatch(/^6\.([1-9]|\d{2,})\./);
    expect(await readFile(path.join(dir, 'src/mcp-oauth/auth/token-verifier.ts'), 'utf8')).toContain(
      'tenant: stringClaim(payload.org_name),',
    );
    expect(run.stdout).toMatch(/Run the project's tests: npm test|Run the project's tests: \(cd .+ && npm test\)/);
  });

  it("passes the project's own tests and type-check", async () => {
    const typecheck = await execa('npm', ['run', 'typecheck'], { cwd: dir, reject: false, all: true });
    expect(typecheck.exitCode, typecheck.all).toBe(0);
    const tests = await execa('npm', ['test'], {
      cwd: dir,
      reject: false,
      all: true,
      env: { CI: 'true' },
      timeout: 600_000,
    });
    expect(tests.exitCode, tests.all).toBe(0);
    // 0.2.0 moved the slow checks to test/stress/ and added the script that runs them.
    const manifest = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8'));
    expect(manifest.scripts['test:stress']).toBe('vitest run --config vitest.stress.config.ts');
    const stress = await execa('npm', ['run', 'test:stress'], {
      cwd: dir,
      reject: false,
      all: true,
      env: { CI: 'true' },
      timeout: 600_000,
    });
    expect(stress.exitCode, stress.all).toBe(0);
    expect(stress.all).toContain('test/stress/load.test.ts');
  }, 660_000);

  it('then says up to date and changes nothing', async () => {
    const before = await gitStatus(dir);
    const again = await runCli(['upgrade', dir, '--yes', '--no-git-check']);
    expect(again.exitCode, again.all).toBe(0);
    expect(again.stdout).toContain('Up to date');
    expect(await gitStatus(dir)).toBe(before);
  });
});

describe('upgrade of a project patched by add 0.1.0, whose own code imports the moved scope map', () => {
  it('still builds: the old path re-exports the module where 0.2.0 moved it', async () => {
    const temp = await tempDir('cmo-upgrade-add-');
    try {
      const dir = await editedProject(temp.dir, 'add-express-v2-0.1.0', ['add-express-v2-0.1.0.user-edits.patch']);
      const run = await runCli(['upgrade', dir, '--yes', '--no-install']);
      expect(run.exitCode, run.all).toBe(0);
      // src/tools.ts (the user's) imports scopeChallengeFor from ./mcp-oauth/mcp/tool-scopes.js, 0.1.0's path.
      expect(await readFile(path.join(dir, 'src/tools.ts'), 'utf8')).toContain('./mcp-oauth/mcp/tool-scopes.js');
      await linkDependencies(dir);
      const build = await buildTypeScript(dir);
      expect(build.exitCode, build.output).toBe(0);
    } finally {
      await temp.cleanup();
    }
  }, 300_000);
});
