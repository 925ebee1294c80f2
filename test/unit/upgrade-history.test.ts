/**
 * The templates kept for earlier versions (templates/history) must reproduce, byte for byte, what those
 * versions wrote: otherwise `upgrade` has no base to merge from. The fixtures were written by the real
 * create-mcp-oauth 0.1.0 (commit 33343e4); when a template changes, run scripts/template-history.mjs again.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import packageJson from '../../package.json' with { type: 'json' };
import { loadTemplates } from '../../src/plan/index.js';
import { blobId, parseRecord } from '../../src/plan/record.js';
import { notesBetween, RELEASE_NOTES } from '../../src/upgrade/release-notes.js';
import { recordedFiles, renderRecord } from '../../src/upgrade/render.js';
import { loadTemplateHistory, templatesOf } from '../../src/upgrade/template-history.js';

const TEMPLATES_DIR = fileURLToPath(new URL('../../templates/', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../fixtures/upgrade/', import.meta.url));

describe('templates/history', () => {
  // Only the scaffold: add's module set is planned by code that 0.2.0 rewrote (one module with the scaffold), so
  // its 0.1.0 base comes from the project's git objects instead (test/unit/upgrade-cli.test.ts).
  it.each(['express-0.1.0'])(
    'renders %s exactly as 0.1.0 wrote it, matching every id in its record (package.json aside)',
    async (fixture) => {
      const dir = path.join(FIXTURES, fixture);
      const record = parseRecord(await readFile(path.join(dir, '.create-mcp-oauth.json'), 'utf8'));
      const history = await loadTemplateHistory(record.version, TEMPLATES_DIR);
      expect(history, `templates/history/${record.version}.json`).toBeDefined();
      const rendering = renderRecord(record, templatesOf(await loadTemplates(TEMPLATES_DIR), history!), dir);
      const files = recordedFiles(rendering);
      expect(files.map((file) => file.path).sort()).toEqual(Object.keys(record.files).sort());
      // package.json is built by code, not templates, and is never merged as text (its ranges are raised).
      for (const file of files.filter((candidate) => candidate.path !== 'package.json')) {
        expect(blobId(file.contents), file.path).toBe(record.files[file.path]);
        expect(await readFile(path.join(dir, file.path), 'utf8'), file.path).toBe(file.contents);
      }
    },
  );

  it('has release notes for the running version, in order', () => {
    expect(RELEASE_NOTES.at(-1)!.version).toBe(packageJson.version);
    expect(notesBetween('0.1.0', packageJson.version).map((entry) => entry.version)).toContain(packageJson.version);
    expect(notesBetween(packageJson.version, packageJson.version)).toEqual([]);
  });
});
