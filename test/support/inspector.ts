/**
 * MCP Inspector's CLI, a second MCP client written independently of our tests. It needs Node >= 22.19
 * while this repository supports Node 20, so both are installed at test time from the npm registry into
 * the test tool cache (./tool-cache.ts): the Inspector is installed (its install script runs) and run on Node 22.
 */
import { execa } from 'execa';
import { join } from 'node:path';
import { ensureCachedPackages, ensureNodeBinDir, NODE_22, withNode } from './tool-cache.js';

/** Pinned: the CLI's flags and output format are what the tests read. */
export const INSPECTOR_VERSION = '2.12.0';

export interface Inspector {
  /** The Node 22 binary. */
  node: string;
  /** The inspector's launcher script (`mcp-inspector`). */
  launcher: string;
  /** A private HOME, so runs never read or write the user's ~/.mcp-inspector. */
  home: string;
}

/** Installs (once per cache) and returns the Inspector, with the Node 22 it runs on. */
export async function ensureInspector(): Promise<Inspector> {
  const dir = await ensureCachedPackages(
    `inspector-${INSPECTOR_VERSION}-node${NODE_22}`,
    [`@modelcontextprotocol/inspector@${INSPECTOR_VERSION}`],
    { env: await withNode(NODE_22) },
  );
  return {
    node: join(await ensureNodeBinDir(NODE_22), 'node'),
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
