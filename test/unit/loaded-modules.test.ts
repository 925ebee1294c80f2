/**
 * What each command loads, observed rather than inferred: a preloaded script records every file the built CLI
 * actually loads. `doctor --help` and `upgrade --help` stay as light as the root `--help` (commander and the option
 * definitions, not the template engine, the prompts or the process runner, nor the command's own work), and a
 * scaffold loads its two startup chunks and nothing of the other commands.
 */
import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import * as nodeModule from 'node:module';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, buildCli } from './helpers/build.js';
import { tempDir } from './helpers/temp-dir.js';

interface BuildMeta {
  outputs: Record<string, { inputs: Record<string, unknown> }>;
}

/**
 * Runs the built CLI (CommonJS chunks) with a preloaded script that writes, as the process exits, every file in
 * Node's module cache; returns the dist/ inputs loaded.
 */
async function inputsLoadedBy(
  args: string[],
): Promise<{ status: number | null; stdout: string; inputs: string[]; files: string[] }> {
  const { dir, cleanup } = await tempDir();
  try {
    const log = path.join(dir, 'loaded.txt');
    const recorder = path.join(dir, 'record-loaded.cjs');
    await writeFile(log, '');
    await writeFile(
      recorder,
      `const { writeFileSync } = require('node:fs');
process.on('exit', () => writeFileSync(${JSON.stringify(log)}, Object.keys(require.cache).join('\\n')));\n`,
    );
    const run = spawnSync(process.execPath, ['--require', recorder, BIN, ...args], {
      cwd: dir,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, CI: 'true' },
      encoding: 'utf8',
      timeout: 10_000,
    });
    const files = (await readFile(log, 'utf8'))
      .split('\n')
      .filter((file) => path.isAbsolute(file))
      .map((file) => path.relative(ROOT, file).split(path.sep).join('/'))
      .filter((file) => file.startsWith('dist/'));
    const meta = JSON.parse(await readFile(path.join(ROOT, '.tmp', 'build-meta.json'), 'utf8')) as BuildMeta;
    const inputs = files.flatMap((file) => Object.keys(meta.outputs[file]?.inputs ?? {}));
    return { status: run.status, stdout: run.stdout, inputs, files };
  } finally {
    await cleanup();
  }
}

beforeAll(async () => {
  await buildCli();
}, 60_000);

describe('doctor --help', () => {
  it('loads the doctor command module but no template engine, prompts, execa or doctor checks', async () => {
    const run = await inputsLoadedBy(['doctor', '--help']);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/Usage: create-mcp-oauth doctor \[options\] <url>/);
    expect(run.stdout).toMatch(/--token-env <NAME>/);
    // The hook saw the command module itself, so an empty list below means "not loaded", not "not observed".
    expect(run.inputs).toContain('src/doctor/command.ts');
    expect(run.inputs.filter((input) => /node_modules\/(@clack|handlebars|execa|jose)\//.test(input))).toEqual([]);
    expect(run.inputs.filter((input) => /^src\/plan\//.test(input) || input === 'src/doctor/run.ts')).toEqual([]);
  });

  it('a real run does load the checks (so the assertion above can tell the difference)', async () => {
    const run = await inputsLoadedBy(['doctor', 'http://127.0.0.1:1/mcp', '--timeout', '500', '--json']);
    expect(run.status).toBe(1);
    expect(run.inputs).toContain('src/doctor/run.ts');
    expect(run.inputs.filter((input) => /node_modules\/(@clack|handlebars|execa)\//.test(input))).toEqual([]);
  });
});

describe('upgrade --help', () => {
  it('loads the upgrade flags, but not the merge, semver, templates, syntax trees or writer', async () => {
    const run = await inputsLoadedBy(['upgrade', '--help']);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/Usage: create-mcp-oauth upgrade \[options\] \[dir\]/);
    expect(run.stdout).toMatch(/--allow-conflicts/);
    expect(run.inputs).toContain('src/args/upgrade-options.ts');
    expect(
      run.inputs.filter((input) => /node_modules\/(node-diff3|semver|handlebars|execa|recast|@babel)\//.test(input)),
    ).toEqual([]);
    expect(
      run.inputs.filter((input) =>
        /^src\/(plan|add)\/|^src\/write\/(write|patch)-project\.ts|^src\/upgrade\/(?!command\.ts)/.test(input),
      ),
    ).toEqual([]);
  });

  it('a real run does load them: the merge library is in the upgrade chunk', async () => {
    const run = await inputsLoadedBy(['upgrade', '.']);
    expect(run.status).toBe(1);
    expect(run.inputs).toContain('src/upgrade/run.ts');
    expect(run.inputs.some((input) => input.includes('node_modules/node-diff3/'))).toBe(true);
  });
});

describe('a scaffold without install or git', () => {
  it('loads the two startup chunks and nothing of prompts, execa, add, upgrade or doctor', async () => {
    const run = await inputsLoadedBy(['app', '--yes', '--no-install', '--no-git']);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/Done\./);
    // Observed: the planner, the template engine and the writer did load.
    expect(run.inputs).toEqual(
      expect.arrayContaining(['src/plan/index.ts', 'src/write/write-project.ts', 'src/cli.ts']),
    );
    expect(run.inputs.some((input) => input.includes('node_modules/handlebars/'))).toBe(true);
    // Each step of Node's module loading costs a start-up: the entry, the bundler's runtime, then one chunk for
    // what every command needs and one for what a scaffold adds (scripts/build.mjs, startupChunks).
    // On Node 20, which has no compile cache of its own, the bin loads the bundle's first (compile-cache.ts).
    expect(run.files.map((file) => file.replace(/-[\w-]{8}\.cjs$/, '.cjs')).sort()).toEqual([
      'dist/cli.cjs',
      ...('enableCompileCache' in nodeModule ? [] : ['dist/compile-cache.cjs']),
      'dist/core.cjs',
      'dist/rolldown-runtime.cjs',
      'dist/scaffold.cjs',
    ]);
    expect(
      run.inputs.filter((input) =>
        /node_modules\/(@clack|execa|recast|@babel|semver|node-diff3|jose)\/|^src\/(add|upgrade|doctor)\//.test(input),
      ),
    ).toEqual([]);
  });
});
