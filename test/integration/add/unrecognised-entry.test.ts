/**
 * A project whose MCP route `add` cannot recognise (routes mounted from a table): it must refuse, name the
 * file, print the snippet to add by hand, and change nothing — with and without --dry-run.
 */
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
      expect(await treeHashes(project.dir)).toEqual(before);
    },
  );
});
