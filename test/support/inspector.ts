/**
 * MCP Inspector's CLI, a second MCP client written independently of our tests. It needs Node >= 22.19
 * while this repository supports Node 20, so both are installed at test time from the npm registry
 * (the `node` package ships a Node binary) into a cache under the OS temp directory, reused by later
 * runs. They are never dependencies of this repository: a `node` package there would shadow the
 * system Node in npm scripts.
 */
import { execa } from 'execa';
import { access, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Pinned: the CLI's flags and output format are what the tests read. */
export const INSPECTOR_VERSION = '2.12.0';
export const NODE_MAJOR = '22';

export interface Inspector {
  /** The Node 22 binary. */
  node: string;
  /** The inspector's launcher script (`mcp-inspector`). */
  launcher: string;
  /** A private HOME, so runs never read or write the user's ~/.mcp-inspector. */
  home: string;
}

let installing: Promise<Inspector> | undefined;

/** Installs (once per cache) and returns the Inspector; concurrent runs never see a half-installed cache. */
export function ensureInspector(): Promise<Inspector> {
  installing ??= install().catch((error: unknown) => {
    installing = undefined;
    throw error;
  });
  return installing;
}

async function install(): Promise<Inspector> {
  const cacheRoot = join(tmpdir(), 'create-mcp-oauth-test-tools');
  const dir = join(cacheRoot, `inspector-${INSPECTOR_VERSION}-node${NODE_MAJOR}`);
  const inspector: Inspector = {
    node: join(dir, 'node_modules', 'node', 'bin', 'node'),
    launcher: join(
      dir,
      'node_modules',
      '@modelcontextprotocol',
      'inspector',
      'clients',
      'launcher',
      'build',
      'index.js',
    ),
    home: join(dir, 'home'),
  };
  if (await exists(join(dir, '.complete'))) return inspector;

  await mkdir(cacheRoot, { recursive: true });
  const staging = await mkdtemp(join(cacheRoot, 'staging-'));
  try {
    await writeFile(join(staging, 'package.json'), '{ "private": true }\n');
    await execa(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--no-package-lock',
        `node@${NODE_MAJOR}`,
        `@modelcontextprotocol/inspector@${INSPECTOR_VERSION}`,
      ],
      { cwd: staging, timeout: 280_000 },
    );
    await mkdir(join(staging, 'home'));
    await writeFile(join(staging, '.complete'), `${new Date().toISOString()}\n`);
    await rm(dir, { recursive: true, force: true });
    await rename(staging, dir);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    // Another run finished the same install first: use it.
    if (await exists(join(dir, '.complete'))) return inspector;
    throw error;
  }
  return inspector;
}

export interface InspectorRun {
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
  /** stdout parsed (`--format json` prints one JSON object), or undefined. */
  json: Record<string, unknown> | undefined;
}

/** `mcp-inspector --cli <url> --format json --stored-auth-only <args>`: never interactive. */
export async function runInspectorCli(inspector: Inspector, url: string, args: string[]): Promise<InspectorRun> {
  const result = await execa(
    inspector.node,
    [inspector.launcher, '--cli', url, '--format', 'json', '--stored-auth-only', ...args],
    {
      env: { HOME: inspector.home, XDG_CONFIG_HOME: join(inspector.home, '.config'), CI: 'true', NO_COLOR: '1' },
      stdin: 'ignore',
      reject: false,
      timeout: 30_000,
    },
  );
  const stdout = String(result.stdout);
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(stdout) as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  return { exitCode: result.exitCode, stdout, stderr: String(result.stderr), json };
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
