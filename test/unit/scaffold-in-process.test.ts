import { readdir, readFile, stat, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { captureIo } from './helpers/io.js';
import { tempDir } from './helpers/temp-dir.js';

/**
 * Runs `main()` in-process against a real temporary directory. Before each test the module registry
 * is reset and the heavy modules are re-mocked with factories that record their import, so each
 * test can check the lazy-loading promises on its own.
 */
const loaded = new Set<string>();
const HEAVY_MODULES = ['@clack/prompts', 'execa', 'handlebars', 'handlebars/dist/cjs/handlebars.js'];

let dir: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  vi.resetModules();
  loaded.clear();
  for (const name of HEAVY_MODULES) {
    vi.doMock(name, async (importOriginal) => {
      loaded.add(name);
      return importOriginal();
    });
  }
});
afterEach(() => cleanup());

async function runCli(argv: string[]) {
  const { main } = await import('../../src/cli.js');
  const io = captureIo({ cwd: dir });
  const code = await main(argv, io);
  return { code, out: io.stdoutText(), err: io.stderrText() };
}

describe('lazy loading', () => {
  it('--help loads neither prompts, the template engine nor execa', async () => {
    const { code } = await runCli(['--help']);
    expect(code).toBe(0);
    expect([...loaded]).toEqual([]);
    // …whereas a run that plans does load the template engine, so the check above can see it.
    await runCli(['demo', '--yes', '--dry-run']);
    expect([...loaded].some((name) => name.startsWith('handlebars'))).toBe(true);
  });

  it('a non-interactive --dry-run loads neither prompts nor execa', async () => {
    const { code } = await runCli(['demo', '--yes', '--dry-run']);
    expect(code).toBe(0);
    expect(loaded.has('@clack/prompts')).toBe(false);
    expect(loaded.has('execa')).toBe(false);
  });
});

describe('--dry-run', () => {
  it('lists files with sizes and the commands, and writes nothing', async () => {
    const { code, out } = await runCli(['demo', '--yes', '--dry-run', '--package-manager', 'pnpm']);
    expect(code).toBe(0);
    expect(out).toMatch(/Dry run: would write \d+ files to new directory .*demo/);
    expect(out).toMatch(/package\.json +\d+ B/);
    expect(out).toMatch(/pnpm install/);
    expect(out).toMatch(/git init && git add -A && git commit -m "Initial commit from create-mcp-oauth"/);
    expect(out).toMatch(/nothing was written or run/);
    expect(await readdir(dir)).toEqual([]);
  });

  it(
    'marks files that would be overwritten in an existing ' + 'directory, and runs nothing with --no-install --no-git',
    async () => {
      await mkdir(path.join(dir, 'demo'));
      await writeFile(path.join(dir, 'demo', 'package.json'), 'mine');
      const { code, out } = await runCli(['demo', '--yes', '--dry-run', '--force', '--no-install', '--no-git']);
      expect(code).toBe(0);
      expect(out).toMatch(/into existing/);
      expect(out).toMatch(/package\.json .*overwrites existing file/);
      expect(out).toMatch(/none \(--no-install, --no-git\)/);
      expect(await readFile(path.join(dir, 'demo', 'package.json'), 'utf8')).toBe('mine');
    },
  );

  it('refuses a non-empty directory without --force, like the real run', async () => {
    await mkdir(path.join(dir, 'demo'));
    await writeFile(path.join(dir, 'demo', '.gitignore'), 'mine'); // user content, not a harmless file
    const run = await runCli(['demo', '--yes', '--dry-run']);
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/not empty \(\.gitignore\).*--force/);
  });
});

describe('scaffolding with --yes', () => {
  it('writes the planned files and prints next steps', async () => {
    const { code, out, err } = await runCli([
      'My Server',
      '--yes',
      '--no-install',
      '--no-git',
      '--package-manager',
      'yarn',
    ]);
    expect(err).toBe('');
    expect(code).toBe(0);
    const pkg = JSON.parse(await readFile(path.join(dir, 'My Server', 'package.json'), 'utf8')) as { name: string };
    expect(pkg.name).toBe('my-server');
    expect(out).toMatch(/Created \d+ files/);
    expect(out).toContain(`cd 'My Server'`);
    expect(out).toMatch(/^ {2}yarn dev +# start the server$/m);
    expect(out).toMatch(/SCALEKIT_ENVIRONMENT_URL and SCALEKIT_RESOURCE_ID/);
    expect(loaded.has('execa')).toBe(false);
  });

  it('refuses a non-empty directory without --force and leaves it alone', async () => {
    await mkdir(path.join(dir, 'demo'));
    await writeFile(path.join(dir, 'demo', 'notes.md'), 'mine');
    const { code, err } = await runCli(['demo', '--yes', '--no-install', '--no-git']);
    expect(code).toBe(1);
    expect(err).toMatch(/^error: \[dir\]: .*not empty \(notes\.md\).*--force/);
    expect(await readdir(path.join(dir, 'demo'))).toEqual(['notes.md']);
  });

  it('with --force writes next to existing files', async () => {
    await mkdir(path.join(dir, 'demo'));
    await writeFile(path.join(dir, 'demo', 'notes.md'), 'mine');
    const { code } = await runCli(['demo', '--yes', '--no-install', '--no-git', '--force']);
    expect(code).toBe(0);
    expect(await readFile(path.join(dir, 'demo', 'notes.md'), 'utf8')).toBe('mine');
    expect((await stat(path.join(dir, 'demo', 'package.json'))).isFile()).toBe(true);
  });

  it('reports a path that is a file', async () => {
    await writeFile(path.join(dir, 'demo'), 'a file');
    const { code, err } = await runCli(['demo', '--yes', '--no-install', '--no-git']);
    expect(code).toBe(1);
    expect(err).toMatch(/exists and is not a directory/);
  });

  it('passes the validated config to the planner', async () => {
    const plan = await import('../../src/plan/index.js');
    const spy = vi.spyOn(plan, 'planProject');
    const { code } = await runCli([
      'svc',
      '--yes',
      '--dry-run',
      '--framework',
      'hono',
      '--base-url',
      'https://example.com/api/',
      '--mcp-path',
      'mcp',
      '--scope',
      'notes:read=Read notes',
      '--tool',
      'list_notes=notes:read',
    ]);
    expect(code).toBe(0);
    expect(spy).toHaveBeenCalledOnce();
    expect(spy.mock.calls[0]?.[0]).toMatchObject({
      targetDir: path.join(dir, 'svc'),
      packageName: 'svc',
      framework: 'hono',
      mcpServerUrl: 'https://example.com/api/mcp',
      scopes: [{ name: 'notes:read', description: 'Read notes' }],
      tools: [{ name: 'list_notes', scopes: ['notes:read'] }],
    });
  });
});
