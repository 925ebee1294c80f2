/**
 * Reads the parts of a project `add` looks at: package.json, lockfile names, `.env.example`, tsconfig.json, whether
 * Wrangler is configured, the record of an earlier run and the source files (not dependencies, build output or
 * tests). Read-only.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { RECORD_FILE } from '../plan/record.js';
import type { ProjectSnapshot } from './detect.js';
import { byCodeUnits } from '../core/compare.js';

const SOURCE_FILE = /\.(?:[cm]?[jt]s|tsx|jsx)$/;
const SKIPPED_DIRS = new Set([
  'node_modules',
  'dist',
  'build',
  'out',
  'coverage',
  'test',
  'tests',
  '__tests__',
  'fixtures',
  'vendor',
]);
const SKIPPED_FILE =
  /\.d\.[cm]?ts$|\.(?:test|spec)\.[cm]?[jt]sx?$|^(?:vitest|vite|jest|eslint|prettier|tsup|rollup|webpack)\.config\./;
/** Wrangler's configuration files: a project with one at its root is a Cloudflare Worker. */
const WRANGLER_CONFIGS = ['wrangler.jsonc', 'wrangler.json', 'wrangler.toml'];
const LOCKFILES = ['package-lock.json', 'npm-shrinkwrap.json', 'pnpm-lock.yaml', 'yarn.lock', 'bun.lock', 'bun.lockb'];
/** Generated or vendored code is not worth parsing; a project this large is not a small MCP server anyway. */
const MAX_FILE_BYTES = 512 * 1024;
const MAX_FILES = 3000;

export class ProjectReadError extends Error {
  override name = 'ProjectReadError';
}

export async function readProject(dir: string): Promise<ProjectSnapshot> {
  let packageJson: string;
  try {
    packageJson = await readFile(path.join(dir, 'package.json'), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new ProjectReadError(
        `${dir} has no package.json: run \`add\` in (or pass) the directory of an existing MCP server project`,
      );
    }
    throw error;
  }
  const entries = await readdir(dir);
  const files = new Map<string, string>();
  await collectSources(dir, '', files);
  const envExample = entries.includes('.env.example')
    ? await readFile(path.join(dir, '.env.example'), 'utf8')
    : undefined;
  const record = entries.includes(RECORD_FILE) ? await readFile(path.join(dir, RECORD_FILE), 'utf8') : undefined;
  const wranglerConfig = WRANGLER_CONFIGS.find((name) => entries.includes(name));
  const tsconfig = entries.includes('tsconfig.json')
    ? await readFile(path.join(dir, 'tsconfig.json'), 'utf8')
    : undefined;
  return {
    packageJson,
    files,
    lockfiles: LOCKFILES.filter((name) => entries.includes(name)),
    ...(envExample === undefined ? {} : { envExample }),
    ...(record === undefined ? {} : { record }),
    ...(tsconfig === undefined ? {} : { tsconfig }),
    ...(wranglerConfig === undefined ? {} : { wranglerConfig }),
    ...(entries.includes('vercel.json') ? { vercelConfig: true } : {}),
  };
}

async function collectSources(root: string, relativeDir: string, files: Map<string, string>): Promise<void> {
  const entries = await readdir(path.join(root, relativeDir), { withFileTypes: true });
  entries.sort((a, b) => byCodeUnits(a.name, b.name));
  for (const entry of entries) {
    if (files.size >= MAX_FILES) return;
    if (entry.name.startsWith('.')) continue;
    const relative = relativeDir === '' ? entry.name : `${relativeDir}/${entry.name}`;
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) await collectSources(root, relative, files);
    } else if (entry.isFile() && SOURCE_FILE.test(entry.name) && !SKIPPED_FILE.test(entry.name)) {
      const absolute = path.join(root, relative);
      if ((await stat(absolute)).size <= MAX_FILE_BYTES) files.set(relative, await readFile(absolute, 'utf8'));
    }
  }
}
