/**
 * A project whose MCP route `add` cannot recognise (routes mounted from a table): it must refuse, name the
 * file, print the snippet to add by hand, and change nothing — with and without --dry-run. With --files-only
 * it writes the OAuth module only (the user's code untouched) and prints the lines to paste, and where.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFixture, runAdd, scalekitArgs, treeHashes } from './support.js';

describe('add on a project whose entry it cannot recognise', () => {
  let project: { dir: string; cleanup: () => Promise<void> };
  let before: Record<string, string>;

  beforeAll(async () => {
    project = await copyFixture('unrecognised-entry');
    before = await treeHashes(project.dir);
  });
  afterAll(() => project?.cleanup());

  it.each([['--yes'], ['--dry-run']])(
    'with %s: exits 1, names the file, prints the snippet, writes nothing',
    async (flag) => {
      const result = await runAdd(project.dir, [...scalekitArgs(), flag]);
      expect(result.exitCode, result.all).toBe(1);
      expect(result.stderr).toContain(
        'src/main.ts creates the Express app, but does not mount the MCP endpoint in a way I recognise',
      );
      expect(result.stderr).toContain('Nothing was changed');
      expect(result.stdout).toContain('What add would insert in src/main.ts, before the MCP route');
      expect(result.stdout).toContain("import { mcpOAuth } from './mcp-oauth/express.js';");
      expect(result.stdout).toContain("app.use(mcpOAuth({ mcpPath: '/mcp' }));");
      // The path was not found: the snippet must not pass a guess off as the endpoint's path.
      expect(result.stdout).toContain('/mcp is a placeholder: put the public path hosts use for your MCP endpoint');
      expect(result.stderr).toContain('--files-only');
      expect(await treeHashes(project.dir)).toEqual(before);
    },
  );

  it('with --files-only: writes only the module, dependencies and .env.example, says what to paste where', async () => {
    const fresh = await copyFixture('unrecognised-entry');
    try {
      const original = await treeHashes(fresh.dir);
      const result = await runAdd(fresh.dir, [...scalekitArgs(), '--files-only', '--yes']);
      expect(result.exitCode, result.all).toBe(0);
      const after = await treeHashes(fresh.dir);
      const changed = Object.keys(after).filter((file) => after[file] !== original[file]);
      // The user's code is untouched: only new module files, package.json and .env.example.
      for (const file of changed)
        expect(file, file).toMatch(/^src\/mcp-oauth\/|^package\.json$|^\.env\.example$|^\.create-mcp-oauth\.json$/);
      expect(await readdir(path.join(fresh.dir, 'src/mcp-oauth'))).toEqual(
        expect.arrayContaining(['index.ts', 'express.ts', 'tool-scopes.ts', 'sdk.ts']),
      );
      expect(result.stdout).toContain('Paste into src/main.ts');
      expect(result.stdout).toContain("import { mcpOAuth } from './mcp-oauth/express.js';");
      expect(result.stdout).toContain("app.use(mcpOAuth({ mcpPath: '/mcp' }));");
      expect(result.stdout).toContain('/mcp is a placeholder');
      const again = await runAdd(fresh.dir, [...scalekitArgs(), '--files-only', '--yes']);
      expect(again.exitCode, again.all).toBe(0);
      expect(again.stdout).toContain('Already set up');
      expect(await treeHashes(fresh.dir)).toEqual(after);
    } finally {
      await fresh.cleanup();
    }
  });
  it('with --files-only and --mcp-path: the lines to paste guard that path, with no placeholder', async () => {
    const fresh = await copyFixture('unrecognised-entry');
    try {
      const result = await runAdd(fresh.dir, [...scalekitArgs(), '--files-only', '--mcp-path', '/api/mcp', '--yes']);
      expect(result.exitCode, result.all).toBe(0);
      expect(result.stdout).toContain("app.use(mcpOAuth({ mcpPath: '/api/mcp' }));");
      expect(result.stdout).not.toContain('is a placeholder: put the public path');
    } finally {
      await fresh.cleanup();
    }
  });
});
