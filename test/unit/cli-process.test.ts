import { spawn, spawnSync } from 'node:child_process';
import { chmod, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BIN, ROOT, buildCli } from './helpers/build.js';
import { tempDir } from './helpers/temp-dir.js';

/** The built CLI as users run it: a child process with pipes (no TTY). */
interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function runBuilt(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<Run> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    // stdin stays open and silent: a CLI waiting for input would hang here, and the timeout would tell.
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd,
      env: options.env ?? baseEnv(),
      stdio: 'pipe',
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`timed out (hung?) after ${options.timeoutMs ?? 10_000} ms\nstdout: ${stdout}\nstderr: ${stderr}`),
      );
    }, options.timeoutMs ?? 10_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

function baseEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, CI: 'true', ...extra };
}

let dir: string;
let cleanup: () => Promise<void>;

beforeAll(() => buildCli());
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterEach(() => cleanup());

describe('built CLI without a terminal', () => {
  it('exits promptly with an error naming the missing flags (CI=true)', async () => {
    const run = await runBuilt([], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.ms).toBeLessThan(5_000);
    expect(run.stderr).toMatch(/missing \[dir\]/);
    expect(run.stderr).toMatch(/missing --scalekit-env-url: pass it, or --yes to use a placeholder/);
    expect(run.stderr).toMatch(/can't prompt: CI is set/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('treats CI=false as not CI, and still does not prompt on pipes', async () => {
    const run = await runBuilt(['demo'], { cwd: dir, env: baseEnv({ CI: 'false' }) });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/can't prompt: stdin\/stdout is not a terminal/);
  });

  it('scaffolds with --yes', async () => {
    const run = await runBuilt(['demo', '--yes', '--no-install', '--no-git'], { cwd: dir });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(await readFile(path.join(dir, 'demo', 'package.json'), 'utf8'))).toMatchObject({ name: 'demo' });
    expect(run.stdout).toMatch(/Next steps/);
    // eslint-disable-next-line no-control-regex -- an ANSI escape starts with ESC
    expect(run.stdout).not.toMatch(/\x1b\[/); // no colours on a pipe
  });

  it('names an unknown flag', async () => {
    const run = await runBuilt(['demo', '--yes', '--frobnicate'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/unknown option '--frobnicate'/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('prints the version', async () => {
    const run = await runBuilt(['--version'], { cwd: dir });
    const pkg = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(run).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
  });
});

describe('install', () => {
  /** A fake package manager on PATH, so no network is involved. */
  async function fakeNpm(script: string): Promise<NodeJS.ProcessEnv> {
    const bin = path.join(dir, 'fake-bin');
    await mkdir(bin);
    await writeFile(path.join(bin, 'npm'), `#!/bin/sh\n${script}\n`);
    await chmod(path.join(bin, 'npm'), 0o755);
    return baseEnv({ PATH: `${bin}${path.delimiter}${process.env.PATH}` });
  }

  it.skipIf(process.platform === 'win32')('runs the package manager in the project', async () => {
    const env = await fakeNpm('echo "$@" > installed.txt');
    const run = await runBuilt(['app', '--yes', '--no-git', '--package-manager', 'npm'], { cwd: dir, env });
    expect(run.code).toBe(0);
    expect(await readFile(path.join(dir, 'app', 'installed.txt'), 'utf8')).toBe('install\n');
    expect(run.stdout).toMatch(/Installed dependencies/);
    expect(run.stdout).not.toMatch(/npm install +# install dependencies/);
  });

  it.skipIf(process.platform === 'win32')(
    'on failure shows stderr, keeps the project, prints the retry command, exits 1',
    async () => {
      const env = await fakeNpm('echo "lots of noise"; echo "npm ERR! code ENETUNREACH" >&2; exit 7');
      const run = await runBuilt(['app', '--yes', '--no-git', '--package-manager', 'npm'], { cwd: dir, env });
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/npm install failed \(exit code 7\):\nnpm ERR! code ENETUNREACH/);
      expect(run.stderr).toContain(`To retry: cd ${path.join(dir, 'app')} && npm install`);
      expect((await readdir(path.join(dir, 'app'))).length).toBeGreaterThan(0);
    },
  );

  it('explains a package manager that is not installed', async () => {
    const run = await runBuilt(['app', '--yes', '--no-git', '--package-manager', 'bun'], {
      cwd: dir,
      env: baseEnv({ PATH: path.dirname(process.execPath) }),
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/bun is not installed or not on PATH/);
  });
});

const hasGit = spawnSync('git', ['--version']).status === 0;

describe.skipIf(!hasGit)('git', () => {
  const identity = {
    GIT_AUTHOR_NAME: 'Test',
    GIT_AUTHOR_EMAIL: 'test@example.com',
    GIT_COMMITTER_NAME: 'Test',
    GIT_COMMITTER_EMAIL: 'test@example.com',
  };
  // Isolate from the machine's git config; useConfigOnly stops git from guessing an identity.
  const isolated = (home: string) => ({
    HOME: home,
    XDG_CONFIG_HOME: home,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_COUNT: '1',
    GIT_CONFIG_KEY_0: 'user.useConfigOnly',
    GIT_CONFIG_VALUE_0: 'true',
  });
  const git = (cwd: string, ...args: string[]) =>
    spawnSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, ...identity } });

  it('creates a repository with the first commit', async () => {
    const run = await runBuilt(['app', '--yes', '--no-install'], {
      cwd: dir,
      env: baseEnv({ ...isolated(dir), ...identity }),
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/initial commit/);
    expect(git(path.join(dir, 'app'), 'log', '--format=%s').stdout.trim()).toBe('Initial commit from create-mcp-oauth');
    expect(git(path.join(dir, 'app'), 'status', '--porcelain').stdout).toBe('');
  });

  it('keeps the repository and explains when the commit fails for lack of an identity', async () => {
    const run = await runBuilt(['app', '--yes', '--no-install'], { cwd: dir, env: baseEnv(isolated(dir)) });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(
      /did not commit: git has no user name\/email configured.*git config --global user\.name/,
    );
    expect((await readdir(path.join(dir, 'app'))).includes('.git')).toBe(true);
  });

  it('does not create a nested repository inside an existing work tree', async () => {
    git(dir, 'init', '-q');
    const run = await runBuilt(['app', '--yes', '--no-install'], {
      cwd: dir,
      env: baseEnv({ ...isolated(dir), ...identity }),
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Skipped git init: the project is already inside a git repository/);
    expect((await readdir(path.join(dir, 'app'))).includes('.git')).toBe(false);
  });
});

describe('bundle', () => {
  it('the entry chunk statically imports no prompts, template engine or execa', async () => {
    const meta = JSON.parse(await readFile(path.join(ROOT, '.tmp', 'build-meta.json'), 'utf8')) as {
      outputs: Record<string, { imports: { path: string; kind: string }[]; inputs: Record<string, unknown> }>;
    };
    const entry = Object.keys(meta.outputs).find((output) => output.endsWith('dist/cli.cjs'))!;
    const reachable = new Set<string>();
    const visit = (output: string) => {
      if (reachable.has(output)) return;
      reachable.add(output);
      for (const imported of meta.outputs[output]?.imports ?? []) {
        if (imported.kind === 'import-statement' && meta.outputs[imported.path]) visit(imported.path);
      }
    };
    visit(entry);
    const inputs = [...reachable].flatMap((output) => Object.keys(meta.outputs[output]!.inputs));
    expect(inputs.some((input) => input.includes('node_modules/commander/'))).toBe(true);
    expect(inputs.filter((input) => /node_modules\/(@clack|handlebars|execa)\//.test(input))).toEqual([]);
    expect(inputs.filter((input) => /^src\/plan\//.test(input))).toEqual([]);
  });
});
