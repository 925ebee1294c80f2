// Generated projects for the server benchmark, kept under .tmp/bench/<framework> between runs.
//
// Every run scaffolds afresh with the built CLI (well under a second) and compares what it wrote with the
// cached project: unchanged sources keep the cached build, an unchanged package.json keeps node_modules.
// So a second run costs nothing but the benchmark itself, and a template change is always picked up.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

export const BENCH_RESOURCE_ID = 'res_bench';

/**
 * @typedef {{ root: string, framework: 'express' | 'hono' | 'workers', log: (line: string) => void }} ProjectOptions
 * @param {ProjectOptions & { env?: NodeJS.ProcessEnv }} options
 *   `workers`: Hono on Cloudflare Workers (`--deploy workers`), installed with `env` (Node 22 first on PATH).
 * @returns {Promise<string>} the project directory, installed and built (a Worker is bundled by wrangler at start)
 */
export async function prepareProject({ root, framework, log, env = process.env }) {
  const workers = framework === 'workers';
  const benchDir = path.join(root, '.tmp', 'bench');
  const projectDir = path.join(benchDir, framework);
  const freshDir = path.join(benchDir, `${framework}.fresh`);
  const statePath = path.join(benchDir, `${framework}.state.json`);
  await mkdir(benchDir, { recursive: true });
  await rm(freshDir, { recursive: true, force: true });

  run(
    process.execPath,
    [
      path.join(root, 'bin', 'create-mcp-oauth.cjs'),
      freshDir,
      ...(workers ? ['--framework', 'hono', '--deploy', 'workers'] : ['--framework', framework]),
      '--base-url',
      'http://localhost:3000',
      // The runner passes its own configuration (local key set, its port); these only fill .env.
      '--scalekit-env-url',
      'http://127.0.0.1:9',
      '--resource-id',
      BENCH_RESOURCE_ID,
      '--tool',
      'whoami=',
      '--tool',
      'list_todos=todo:read',
      '--tool',
      'add_todo=todo:write',
      '--package-manager',
      'npm',
      '--no-install',
      '--no-git',
    ],
    { cwd: root, env: { ...process.env, CI: '1' } },
  );

  const fresh = await fingerprint(freshDir);
  const state = existsSync(statePath) ? JSON.parse(await readFile(statePath, 'utf8')) : {};
  const installed = existsSync(path.join(projectDir, 'node_modules'));
  const built = workers || existsSync(path.join(projectDir, 'dist', 'server.js'));

  if (state.sources === fresh.sources && installed && built) {
    log(`${framework}: reusing ${path.relative(root, projectDir)} (templates unchanged)`);
    await rm(freshDir, { recursive: true, force: true });
    return projectDir;
  }

  // Replace everything but node_modules (and the lock file while package.json is unchanged).
  const keepInstall = installed && state.packageJson === fresh.packageJson;
  await mkdir(projectDir, { recursive: true });
  for (const entry of await readdir(projectDir)) {
    if (entry === 'node_modules' && keepInstall) continue;
    if (entry === 'package-lock.json' && keepInstall) continue;
    await rm(path.join(projectDir, entry), { recursive: true, force: true });
  }
  await cp(freshDir, projectDir, { recursive: true });
  await rm(freshDir, { recursive: true, force: true });

  if (!keepInstall) {
    log(`${framework}: npm install (package.json changed or first run)…`);
    run(NPM, ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: projectDir, env });
  }
  if (!workers) {
    log(`${framework}: npm run build…`);
    run(NPM, ['run', 'build', '--silent'], { cwd: projectDir });
  }
  await writeFile(statePath, JSON.stringify({ sources: fresh.sources, packageJson: fresh.packageJson }));
  return projectDir;
}

/**
 * Dependency footprint of a prepared project: package counts from `npm ls --parseable` (the project's own
 * line excluded) and node_modules sizes, for the full install and for `npm ci --omit=dev` in a copy.
 */
export async function projectFootprint({ root, framework, projectDir, log, env = process.env }) {
  const countPackages = (args) =>
    run(NPM, ['ls', '--all', '--parseable', ...args], { cwd: projectDir, capture: true, env })
      .split('\n')
      .filter((line) => line.trim() && path.resolve(line.trim()) !== path.resolve(projectDir)).length;

  const prodDir = path.join(root, '.tmp', 'bench', `${framework}.prod`);
  const lock = await readFile(path.join(projectDir, 'package-lock.json'), 'utf8');
  const manifest = await readFile(path.join(projectDir, 'package.json'), 'utf8');
  const prodState = path.join(prodDir, '.bench-lock-hash');
  const lockHash = sha256(manifest + lock);
  if (!existsSync(prodState) || (await readFile(prodState, 'utf8')) !== lockHash) {
    log(`${framework}: npm ci --omit=dev in a copy…`);
    await rm(prodDir, { recursive: true, force: true });
    await mkdir(prodDir, { recursive: true });
    await writeFile(path.join(prodDir, 'package.json'), manifest);
    await writeFile(path.join(prodDir, 'package-lock.json'), lock);
    run(NPM, ['ci', '--omit=dev', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: prodDir, env });
    await writeFile(prodState, lockHash);
  }
  return {
    productionPackages: countPackages(['--omit=dev']),
    allPackages: countPackages([]),
    productionBytes: diskUsage(path.join(prodDir, 'node_modules')),
    fullBytes: diskUsage(path.join(projectDir, 'node_modules')),
  };
}

/** Size on disk as `du` counts it (what a container layer or a CI cache pays), in bytes. */
function diskUsage(dir) {
  return Number(run('du', ['-sk', dir], { capture: true }).split(/\s+/)[0]) * 1024;
}

/** A hash of every generated file, and one of package.json alone (which decides whether to reinstall). */
async function fingerprint(dir) {
  const files = (await readdir(dir, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile());
  const hash = createHash('sha256');
  const paths = files.map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name))).sort();
  for (const relative of paths)
    hash
      .update(`${relative}\0`)
      .update(await readFile(path.join(dir, relative)))
      .update('\0');
  return { sources: hash.digest('hex'), packageJson: sha256(await readFile(path.join(dir, 'package.json'), 'utf8')) };
}

function sha256(text) {
  return createHash('sha256').update(text).digest('hex');
}

function run(command, args, { cwd, env = process.env, capture = false }) {
  const result = spawnSync(command, args, {
    cwd,
    env,
    encoding: 'utf8',
    stdio: ['ignore', capture ? 'pipe' : 'ignore', 'pipe'],
  });
  // `npm ls` exits 1 for extraneous or invalid packages while still listing them; anything else is fatal.
  const listing = command === NPM && args[0] === 'ls';
  if (result.error || (result.status !== 0 && !(listing && result.stdout))) {
    throw new Error(
      `${command} ${args.join(' ')} failed in ${cwd} ` +
        `(${result.error?.message ?? `exit ${result.status}`}):\n${result.stderr}`,
    );
  }
  return result.stdout ?? '';
}
