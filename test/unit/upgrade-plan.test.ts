/**
 * `upgrade`'s pure parts: the record the scaffold writes, the per-file decision, the three-way merge, the
 * dependency ranges it raises, and whole upgrades of in-memory projects written through the writer into memfs.
 */
import { execa } from 'execa';
import { createFsFromVolume, Volume } from 'memfs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTemplates, planProject, type TemplateSource } from '../../src/plan/index.js';
import { blobId, parseRecord, RECORD_FILE, type ProjectRecord } from '../../src/plan/record.js';
import { decide, mergeLines } from '../../src/upgrade/decide.js';
import { compareRanges, raiseDependencies } from '../../src/upgrade/dependencies.js';
import { planUpgrade } from '../../src/upgrade/plan.js';
import type { Rendering } from '../../src/upgrade/render.js';
import { writePatch, type PatchFs } from '../../src/write/patch-project.js';
import { projectConfig } from '../support/project-config.js';

const TEMPLATES_DIR = fileURLToPath(new URL('../../templates/', import.meta.url));
const labels = { current: 'yours', next: 'create-mcp-oauth 9.9.9' };

/** A 12-line file, so edits at the top and at the bottom are far enough apart to merge cleanly. */
const base = Array.from({ length: 12 }, (_, index) => `line ${index + 1}\n`).join('');
const ours = base.replace('line 11\n', 'line 11, improved by the generator\n');
const yours = base.replace('line 2\n', 'line 2, edited by you\n');

describe('the record the scaffold writes', () => {
  let templates: TemplateSource;
  beforeAll(async () => {
    templates = await loadTemplates(TEMPLATES_DIR);
  });

  it('names each generated file by its blob id, never .env, and only the answers driving the templates', async () => {
    const plan = planProject(projectConfig({ framework: 'hono' }), templates, { packageManager: 'pnpm' });
    const recordText = plan.files.find((file) => file.path === RECORD_FILE)!.contents;
    const record = parseRecord(recordText);
    expect(record.kind).toBe('scaffold');
    expect(record.version).toMatch(/^\d+\.\d+\.\d+$/);
    const generated = plan.files.filter((file) => file.path !== RECORD_FILE && file.path !== '.env');
    expect(Object.keys(record.files).sort()).toEqual(generated.map((file) => file.path).sort());
    expect(plan.files.some((file) => file.path === '.env')).toBe(true);
    expect(recordText).not.toContain('.env"');
    // The same id git computes, so a user can check a file against the record with `git hash-object`.
    const readme = plan.files.find((file) => file.path === 'README.md')!;
    const hashed = await execa('git', ['hash-object', '--stdin'], { input: readme.contents });
    expect(record.files['README.md']).toBe(hashed.stdout.trim());
    expect(Object.keys(record.answers).sort()).toEqual(
      [
        'baseUrl',
        'deploy',
        'filterLists',
        'prompts',
        'resources',
        'framework',
        'mcpPath',
        'packageManager',
        'packageName',
        'registration',
        'resourceId',
        'scalekitEnvUrl',
        'scopes',
        'serverUrlInAudience',
        'tools',
      ].sort(),
    );
    expect(record.answers).toMatchObject({ framework: 'hono', packageManager: 'pnpm' });
    // The generated README tells the user what the file is.
    expect(readme.contents).toContain('.create-mcp-oauth.json');
  });

  it('refuses a record it cannot trust, saying how to recover', () => {
    expect(() => parseRecord('{')).toThrow(/not valid JSON/);
    expect(() => parseRecord(JSON.stringify({ format: 7 }))).toThrow(/format 7/);
    const valid = { format: 1, version: '0.1.0', kind: 'scaffold', answers: {}, files: {} };
    expect(() => parseRecord(JSON.stringify({ ...valid, files: { '../x': 'a'.repeat(40) } }))).toThrow(
      /outside the project/,
    );
    expect(() => parseRecord(JSON.stringify({ ...valid, files: { x: 'nope' } }))).toThrow(/git checkout/);
  });
});

describe('decide', () => {
  const recorded = blobId(base);
  it.each([
    ['unchanged: nobody touched it', { current: base, next: base }, 'unchanged'],
    ['replace: only we changed it', { current: base, next: ours }, 'replace'],
    ['keep: only you changed it', { current: yours, next: base }, 'keep'],
    ['same: you already made our change', { current: ours, next: ours }, 'same'],
    ['merge: both changed different lines', { current: yours, next: ours, base }, 'merge'],
    ['deleted-by-you: stays deleted', { next: ours }, 'deleted-by-you'],
    ['removed: no longer generated, never deleted', { current: yours }, 'removed'],
  ] as const)('%s', (_name, state, kind) => {
    expect(decide({ path: 'f.ts', recorded, ...state }, labels).kind).toBe(kind);
  });

  it('adds a new file, and calls a file of yours at its path a conflict', () => {
    expect(decide({ path: 'new.ts', next: ours }, labels)).toEqual({ path: 'new.ts', kind: 'add', after: ours });
    expect(decide({ path: 'new.ts', current: yours, next: ours }, labels)).toMatchObject({
      kind: 'conflict',
      reason: 'exists',
    });
  });

  it('merges both changes into one file', () => {
    const decision = decide({ path: 'f.ts', recorded, base, current: yours, next: ours }, labels);
    expect(decision).toMatchObject({ kind: 'merge', before: yours });
    const merged = (decision as { after: string }).after;
    expect(merged).toContain('line 2, edited by you\n');
    expect(merged).toContain('line 11, improved by the generator\n');
    expect(merged.split('\n')).toHaveLength(13);
  });

  it('reports overlapping edits as a conflict with standard markers, and needs the base to merge at all', () => {
    const clash = base.replace('line 11\n', 'line 11, your way\n');
    const decision = decide({ path: 'f.ts', recorded, base, current: clash, next: ours }, labels);
    expect(decision).toMatchObject({ kind: 'conflict', reason: 'overlap', lines: [11] });
    expect((decision as { after: string }).after).toContain(
      '<<<<<<< yours\nline 11, your way\n=======\nline 11, improved by the generator\n>>>>>>> create-mcp-oauth 9.9.9\n',
    );
    expect(decide({ path: 'f.ts', recorded, current: yours, next: ours }, labels)).toMatchObject({
      kind: 'conflict',
      reason: 'no-base',
    });
  });

  it('keeps CRLF line endings and a missing final newline through a merge', () => {
    const crlf = (text: string) => text.replaceAll('\n', '\r\n');
    const merged = mergeLines(crlf(base), crlf(yours), crlf(ours).slice(0, -2), labels);
    expect(merged.conflicts).toBe(0);
    expect(merged.text).toBe(crlf(yours.replace('line 11\n', 'line 11, improved by the generator\n')).slice(0, -2));
  });
});

describe('raiseDependencies', () => {
  const manifest = `{
    "name": "mine",
    "dependencies": {
        "express": "^5.1.0",
        "jose": "^5.9.0",
        "zod": "^4.3.0",
        "private-thing": "github:me/thing"
    },
    "devDependencies": {
        "vitest": "~4.0.1"
    }
}
`;
  it('raises lower ranges, never lowers one, keeps what it cannot compare, adds missing ones, keeps formatting', () => {
    const update = raiseDependencies(manifest, [
      { name: 'jose', range: '^6.1.0', dev: false },
      { name: 'zod', range: '^4.2.0', dev: false },
      { name: 'private-thing', range: '^1.0.0', dev: false },
      { name: 'vitest', range: '^4.1.0', dev: true },
      { name: 'cors', range: '^2.8.5', dev: false },
    ]);
    expect(update.raised).toEqual([
      { name: 'jose', from: '^5.9.0', to: '^6.1.0' },
      { name: 'vitest', from: '~4.0.1', to: '^4.1.0' },
    ]);
    expect(update.added.map((dependency) => dependency.name)).toEqual(['cors']);
    expect(update.unknown).toEqual(['private-thing@github:me/thing']);
    expect(update.text).toBe(
      manifest
        // The section is not sorted, so the new entry goes last.
        .replace('"private-thing": "github:me/thing"', '"private-thing": "github:me/thing",\n        "cors": "^2.8.5"')
        .replace('"jose": "^5.9.0"', '"jose": "^6.1.0"')
        .replace('"vitest": "~4.0.1"', '"vitest": "^4.1.0"'),
    );
    expect(raiseDependencies(update.text, [{ name: 'jose', range: '^6.1.0', dev: false }]).text).toBe(update.text);
  });

  it('does not add back a dependency the recorded version generated and you removed; adds what is new', () => {
    // The owner dropped the local sign-in server (dev/ and oidc-provider); the new version also needs pino.
    const manifest = '{\n  "dependencies": {\n    "jose": "^6.0.0"\n  },\n  "devDependencies": {}\n}\n';
    const dependency = (name: string, range: string, dev = false) => ({ name, range, dev });
    const before = [dependency('jose', '^6.0.0'), dependency('oidc-provider', '^9.0.0', true)];
    const wanted = [
      dependency('jose', '^6.1.0'),
      dependency('oidc-provider', '^9.13.0', true),
      dependency('pino', '^9.0.0'),
    ];
    const update = raiseDependencies(manifest, wanted, [], before);
    expect(update.removedByYou).toEqual(['oidc-provider']);
    expect(update.added.map((added) => added.name)).toEqual(['pino']);
    expect(update.raised).toEqual([{ name: 'jose', from: '^6.0.0', to: '^6.1.0' }]);
    expect(JSON.parse(update.text).devDependencies).toEqual({});
    // Without knowing what was generated before, a missing dependency is added.
    expect(raiseDependencies(manifest, wanted).added.map((added) => added.name)).toEqual(['oidc-provider', 'pino']);
  });

  it('adds a script a newer version introduced, after the last one, never changing one of yours by that name', () => {
    const mine = `{
  "name": "mine",
  "scripts": {
    "test": "vitest run",
    "lint": "eslint ."
  }
}
`;
    const stress = { name: 'test:stress', command: 'vitest run --config vitest.stress.config.ts' };
    const update = raiseDependencies(mine, [], [stress]);
    expect(update.scripts).toEqual([stress]);
    expect(update.text).toBe(
      mine.replace(
        '"lint": "eslint ."',
        '"lint": "eslint .",\n    "test:stress": "vitest run --config vitest.stress.config.ts"',
      ),
    );
    expect(JSON.parse(update.text).scripts['test:stress']).toBe(stress.command);

    const own = mine.replace('"lint": "eslint ."', '"lint": "eslint .",\n    "test:stress": "my own"');
    expect(raiseDependencies(own, [], [stress])).toMatchObject({ text: own, scripts: [] });
    const none = '{\n  "name": "mine"\n}\n';
    expect(JSON.parse(raiseDependencies(none, [], [stress]).text).scripts).toEqual({ 'test:stress': stress.command });
  });

  it('compares by the lowest version a range allows', () => {
    expect(compareRanges('>=6.0.0', '^6.1.0')).toBe('lower');
    expect(compareRanges('6.2.1', '^6.1.0')).toBe('enough');
    expect(compareRanges('latest', '^6.1.0')).toBe('unknown');
  });
});

describe('planUpgrade over an in-memory project, written into memfs', () => {
  const v1 = { 'src/auth/verify.ts': base, 'src/tools/a.ts': 'export const a = 1;\n', 'src/old.ts': 'old\n' };
  const record: ProjectRecord = {
    version: '0.1.0',
    kind: 'add',
    answers: {
      framework: 'express',
      sdk: 'v2',
      extension: '.ts',
      syntax: 'ts',
      folder: 'src',
      resourceName: 'x',
      scopes: [],
      tools: [],
      resources: [],
      prompts: [],
    },
    files: Object.fromEntries(Object.entries(v1).map(([path, text]) => [path, blobId(text)])),
  };
  const rendering = (files: Record<string, string>): Rendering => ({
    files: new Map(Object.entries(files)),
    dependencies: [{ name: 'jose', range: '^6.1.0', dev: false }],
    scripts: {},
  });
  // The next version improves verify.ts and moves old.ts to new/place.ts.
  const v2 = { 'src/auth/verify.ts': ours, 'src/tools/a.ts': v1['src/tools/a.ts'], 'src/new/place.ts': 'old\n' };
  const upgradeToV2 = (current: ReadonlyMap<string, string>) =>
    planUpgrade({ record, next: rendering(v2), base: rendering(v1), current, version: '0.2.0' });

  async function project(files: Record<string, string>) {
    const volume = Volume.fromJSON(
      Object.fromEntries(Object.entries(files).map(([path, text]) => [`/p/${path}`, text])),
    );
    const fs = createFsFromVolume(volume).promises as unknown as PatchFs;
    const read = async () => {
      const current = new Map<string, string>();
      for (const [path, text] of Object.entries(volume.toJSON())) if (text !== null) current.set(path.slice(3), text);
      return current;
    };
    return { fs, read };
  }

  it('lands our change, keeps your edits, moves a file (the old one re-exports it), reruns as a no-op', async () => {
    const { fs, read } = await project({
      ...v1,
      'src/auth/verify.ts': yours,
      'src/tools/a.ts': 'export const a = 2; // mine\n',
      'package.json': '{ "dependencies": { "jose": "^6.0.0" } }\n',
      [RECORD_FILE]: 'old record\n',
    });
    const plan = upgradeToV2(await read());
    expect(Object.fromEntries(plan.decisions.map((decision) => [decision.path, decision.kind]))).toEqual({
      'src/auth/verify.ts': 'merge',
      'src/new/place.ts': 'moved',
      'src/old.ts': 'moved-away',
      'src/tools/a.ts': 'keep',
    });
    expect(plan.changes.map((change) => change.path)).toEqual([
      RECORD_FILE,
      'package.json',
      'src/auth/verify.ts',
      'src/new/place.ts',
      'src/old.ts',
    ]);

    await writePatch({ fs, targetDir: '/p', changes: plan.changes, command: 'upgrade' });
    const after = await read();
    expect(after.get('src/auth/verify.ts')).toBe(yours.replace('line 11\n', 'line 11, improved by the generator\n'));
    expect(after.get('src/tools/a.ts')).toBe('export const a = 2; // mine\n');
    // Code of yours that imports the old path keeps working (and compiling) through a re-export.
    expect(after.get('src/old.ts')).toBe(
      '// create-mcp-oauth 0.2.0 moved this module to place.ts (src/new/place.ts). It re-exports it so that imports\n' +
        '// of this path keep working: import from there instead, then delete this file.\n' +
        "export * from './new/place.js';\n",
    );
    expect(after.get('src/new/place.ts')).toBe('old\n');
    expect(after.get('package.json')).toBe('{ "dependencies": { "jose": "^6.1.0" } }\n');
    const newRecord = parseRecord(after.get(RECORD_FILE)!);
    // The record names the rendering, not the merged text: the base of the next upgrade.
    expect(newRecord.files['src/auth/verify.ts']).toBe(blobId(ours));
    expect(newRecord.files['src/old.ts']).toBeUndefined();
    expect(newRecord.version).toBe('0.2.0');

    const again = planUpgrade({
      record: newRecord,
      next: rendering(v2),
      base: rendering(v2),
      current: after,
      version: '0.2.0',
    });
    expect(again.changes).toEqual([]);
  });

  it('on a Windows checkout (CRLF, git core.autocrlf) merges as on LF and writes CRLF back', async () => {
    const crlf = (text: string) => text.replaceAll('\n', '\r\n');
    const { fs, read } = await project({
      'src/auth/verify.ts': crlf(yours),
      'src/tools/a.ts': crlf(v1['src/tools/a.ts']),
      'src/old.ts': crlf('old\n'),
      'package.json': crlf('{ "dependencies": { "jose": "^6.0.0" } }\n'),
    });
    const plan = upgradeToV2(await read());
    // Not "changed by you" everywhere: the same decisions as on an LF checkout, and no conflict.
    expect(Object.fromEntries(plan.decisions.map((decision) => [decision.path, decision.kind]))).toEqual({
      'src/auth/verify.ts': 'merge',
      'src/new/place.ts': 'moved',
      'src/old.ts': 'moved-away',
      'src/tools/a.ts': 'unchanged',
    });
    await writePatch({ fs, targetDir: '/p', changes: plan.changes, command: 'upgrade' });
    const after = await read();
    expect(after.get('src/auth/verify.ts')).toBe(
      crlf(yours.replace('line 11\n', 'line 11, improved by the generator\n')),
    );
    expect(after.get('package.json')).toBe(crlf('{ "dependencies": { "jose": "^6.1.0" } }\n'));
    expect(after.get('src/tools/a.ts')).toBe(crlf(v1['src/tools/a.ts']));
    // A file that was not there (written by git on checkout) is written as we render it.
    expect(after.get('src/new/place.ts')).toBe('old\n');
  });

  it('merges our change into a generated file you renamed, at your name, instead of taking it as deleted', async () => {
    // You renamed src/auth/verify.ts to src/auth/check-token.ts and edited it; this version improves verify.ts.
    const { fs, read } = await project({
      'src/auth/check-token.ts': yours,
      'src/tools/a.ts': v1['src/tools/a.ts'],
      'src/old.ts': 'old\n',
      'package.json': '{}\n',
    });
    const plan = upgradeToV2(await read());
    expect(plan.renamedByYou).toEqual(new Map([['src/auth/check-token.ts', 'src/auth/verify.ts']]));
    expect(plan.decisions.find((decision) => decision.path === 'src/auth/check-token.ts')).toMatchObject({
      kind: 'merge',
    });
    expect(plan.decisions.some((decision) => decision.path === 'src/auth/verify.ts')).toBe(false);
    await writePatch({ fs, targetDir: '/p', changes: plan.changes, command: 'upgrade' });
    const after = await read();
    expect(after.get('src/auth/check-token.ts')).toBe(
      yours.replace('line 11\n', 'line 11, improved by the generator\n'),
    );
    expect(after.has('src/auth/verify.ts')).toBe(false);
    // A file of yours that is not like the one that went missing is no rename: that one stays deleted.
    const { read: readOther } = await project({ 'src/auth/notes.ts': 'something\nelse\n', 'package.json': '{}\n' });
    const other = upgradeToV2(await readOther());
    expect(other.renamedByYou.size).toBe(0);
    expect(other.decisions.find((decision) => decision.path === 'src/auth/verify.ts')).toMatchObject({
      kind: 'deleted-by-you',
    });
  });

  it('carries your edits of a file this version moved to its new path, merged with our change', async () => {
    const { read } = await project({ ...v1, 'src/auth/verify.ts': yours, 'package.json': '{}\n' });
    const moved = { 'src/tools/a.ts': v1['src/tools/a.ts'], 'src/oauth/verify.ts': ours, 'src/new/place.ts': 'old\n' };
    const plan = planUpgrade({
      record,
      next: rendering(moved),
      base: rendering(v1),
      current: await read(),
      version: '0.2.0',
    });
    expect(plan.decisions.find((decision) => decision.path === 'src/oauth/verify.ts')).toMatchObject({
      kind: 'moved',
      from: 'src/auth/verify.ts',
      carried: true,
      after: yours.replace('line 11\n', 'line 11, improved by the generator\n'),
    });
    expect(plan.decisions.find((decision) => decision.path === 'src/auth/verify.ts')).toMatchObject({
      kind: 'moved-away',
      to: 'src/oauth/verify.ts',
    });
    // Unrelated files are not taken for moves: under half their lines in common.
    expect(
      planUpgrade({
        record,
        next: rendering({ ...moved, 'src/unrelated.ts': 'something\nelse\nentirely\n' }),
        base: rendering(v1),
        current: await read(),
        version: '0.2.0',
      }).decisions.find((decision) => decision.path === 'src/unrelated.ts'),
    ).toMatchObject({ kind: 'add' });
  });

  it('writes nothing at all when a file changed after the plan was made', async () => {
    const { fs, read } = await project({ ...v1, 'package.json': '{}\n', [RECORD_FILE]: 'old record\n' });
    const plan = upgradeToV2(await read());
    await fs.writeFile('/p/src/auth/verify.ts', 'edited meanwhile\n');
    await expect(writePatch({ fs, targetDir: '/p', changes: plan.changes, command: 'upgrade' })).rejects.toThrow(
      /changed while upgrade was running/,
    );
    const after = await read();
    expect(after.get(RECORD_FILE)).toBe('old record\n');
    expect(after.has('src/new/place.ts')).toBe(false);
  });
});
