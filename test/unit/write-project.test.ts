import { createFsFromVolume, Volume } from 'memfs';
import { describe, expect, it } from 'vitest';
import type { PlannedFile } from '../../src/core/types.js';
import type { WriterFs } from '../../src/write/fs.js';
import { inspectTarget } from '../../src/write/target.js';
import { WriteAbortedError, WriteError, writeProject } from '../../src/write/write-project.js';

const PLAN: PlannedFile[] = [
  { path: 'package.json', contents: '{ "name": "app" }\n' },
  { path: 'src/server.ts', contents: 'export const x = `${"y"}`; /* */\n' },
  { path: 'src/auth/verify.ts', contents: 'export {};\n' },
  { path: 'scripts/smoke.sh', contents: '#!/bin/sh\necho ok\n', mode: 0o755 },
  { path: 'LICENSE', contents: 'MIT\n' },
];

function memory(files: Record<string, string | null> = {}) {
  const vol = Volume.fromJSON({ '/p/.keep': '', ...files });
  const fs: WriterFs = createFsFromVolume(vol).promises;
  /** Everything under /p, so "unchanged" also covers staging leftovers next to the target. */
  const snapshot = () => vol.toJSON('/p');
  return { vol, fs, snapshot };
}

/** Wrap an fs so the Nth call to `method` fails (or runs `onCall` before it). */
function failOn(
  fs: WriterFs,
  method: 'writeFile' | 'rename' | 'mkdir',
  nth: number,
  effect: 'throw' | (() => void) = 'throw',
) {
  let calls = 0;
  return new Proxy(fs, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (key !== method || typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        calls += 1;
        if (calls === nth) {
          if (effect === 'throw')
            throw Object.assign(new Error(`injected failure in ${method} #${nth}`), { code: 'EIO' });
          effect();
        }
        return (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
      };
    },
  });
}

/** How an injected EIO reaches the user: one line naming the target and the code, and that nothing changed. */
const INJECTED_FAILURE = /^could not write \/p\/(a\/)?app: an input\/output error \(EIO\); it was left as it was$/;

describe('writeProject into a new directory', () => {
  it('writes every file, with modes, and leaves no staging behind', async () => {
    const { fs, vol, snapshot } = memory();
    const result = await writeProject({ fs, targetDir: '/p/app', files: PLAN, force: false });
    expect(result).toEqual({
      createdTarget: true,
      written: PLAN.map((f) => f.path),
      overwritten: [],
      kept: [],
      removedLeftovers: [],
      leftoversWithBackups: [],
    });
    for (const file of PLAN) expect(vol.readFileSync(`/p/app/${file.path}`, 'utf8')).toBe(file.contents);
    expect(vol.statSync('/p/app/scripts/smoke.sh').mode & 0o777).toBe(0o755);
    expect(Object.keys(snapshot()).filter((p) => p.includes('create-mcp-oauth'))).toEqual([]);
  });

  it('creates missing parent directories', async () => {
    const { fs, vol } = memory();
    await writeProject({ fs, targetDir: '/p/a/b/app', files: PLAN, force: false });
    expect(vol.existsSync('/p/a/b/app/package.json')).toBe(true);
  });

  it('rolls back on a failure at any step, including created parents', async () => {
    for (const method of ['writeFile', 'rename', 'mkdir'] as const) {
      for (let nth = 1; nth <= 8; nth++) {
        const { fs, snapshot } = memory();
        const before = snapshot();
        const failing = failOn(fs, method, nth);
        const outcome = await writeProject({ fs: failing, targetDir: '/p/a/app', files: PLAN, force: false }).then(
          () => 'ok',
          (error: Error) => error.message,
        );
        if (outcome === 'ok') continue; // fewer than nth calls: nothing to inject
        expect(outcome, `${method} #${nth}`).toMatch(INJECTED_FAILURE);
        expect(snapshot(), `${method} #${nth}`).toEqual(before);
      }
    }
  });
});

describe('writeProject into an existing directory', () => {
  it('accepts a directory holding only harmless files and keeps them', async () => {
    const { fs, vol } = memory({
      '/p/app/.git/HEAD': 'ref: main\n',
      '/p/app/.DS_Store': 'x',
      '/p/app/.vscode/settings.json': '{}',
    });
    const plan = PLAN.filter((file) => file.path !== 'LICENSE');
    const result = await writeProject({ fs, targetDir: '/p/app', files: plan, force: false });
    expect(result.createdTarget).toBe(false);
    expect(vol.readFileSync('/p/app/.git/HEAD', 'utf8')).toBe('ref: main\n');
    expect(vol.readFileSync('/p/app/.vscode/settings.json', 'utf8')).toBe('{}');
    expect(vol.readFileSync('/p/app/src/auth/verify.ts', 'utf8')).toBe('export {};\n');
  });

  it('does not overwrite a harmless file the plan also produces, unless --force', async () => {
    const { fs, snapshot } = memory({ '/p/app/LICENSE': 'Apache-2.0\n' });
    const before = snapshot();
    await expect(writeProject({ fs, targetDir: '/p/app', files: PLAN, force: false })).rejects.toThrow(
      /LICENSE already exists in \/p\/app; pass --force to overwrite it/,
    );
    expect(snapshot()).toEqual(before);
  });

  it('refuses a directory with user content, naming --force, and changes nothing', async () => {
    const { fs, snapshot } = memory({ '/p/app/README.md': '# mine\n', '/p/app/.gitignore': 'x\n' });
    const before = snapshot();
    const error = await writeProject({ fs, targetDir: '/p/app', files: PLAN, force: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WriteError);
    expect((error as Error).message).toMatch(/not empty \(\.gitignore, README\.md\).*--force/);
    expect(snapshot()).toEqual(before);
  });

  it('with --force overwrites only planned files and deletes nothing', async () => {
    const { fs, vol, snapshot } = memory({
      '/p/app/README.md': '# mine\n',
      '/p/app/package.json': '{ "name": "old" }\n',
      '/p/app/src/keep.ts': 'keep\n',
      '/p/app/empty': null,
    });
    const result = await writeProject({ fs, targetDir: '/p/app', files: PLAN, force: true });
    expect(result.overwritten).toEqual(['package.json']);
    expect(vol.readFileSync('/p/app/package.json', 'utf8')).toBe('{ "name": "app" }\n');
    expect(vol.readFileSync('/p/app/README.md', 'utf8')).toBe('# mine\n');
    expect(vol.readFileSync('/p/app/src/keep.ts', 'utf8')).toBe('keep\n');
    expect(vol.existsSync('/p/app/empty')).toBe(true);
    expect(Object.keys(snapshot()).filter((p) => p.includes('create-mcp-oauth'))).toEqual([]);
  });

  it('with --force rolls back byte for byte on a failure at any step', async () => {
    const existing = {
      '/p/app/README.md': '# mine\n',
      '/p/app/package.json': '{ "name": "old" }\n',
      '/p/app/src/server.ts': 'old server\n',
      '/p/app/LICENSE': 'Apache-2.0\n',
    };
    let injected = 0;
    for (const method of ['writeFile', 'rename', 'mkdir'] as const) {
      for (let nth = 1; nth <= 14; nth++) {
        const { fs, snapshot } = memory(existing);
        const before = snapshot();
        const outcome = await writeProject({
          fs: failOn(fs, method, nth),
          targetDir: '/p/app',
          files: PLAN,
          force: true,
        }).then(
          () => 'ok',
          (error: Error) => error.message,
        );
        if (outcome === 'ok') continue;
        injected += 1;
        expect(outcome, `${method} #${nth}`).toMatch(INJECTED_FAILURE);
        expect(snapshot(), `${method} #${nth}`).toEqual(before);
      }
    }
    expect(injected).toBeGreaterThan(15); // the loop really hit the move phase, not just staging
  });

  it('rolls back when interrupted (SIGINT aborts the signal) in the middle of moving files', async () => {
    const { fs, snapshot } = memory({ '/p/app/package.json': 'old\n', '/p/app/notes.txt': 'mine\n' });
    const before = snapshot();
    const controller = new AbortController();
    // Staging uses no renames in this layout, so the 3rd rename is in the middle of the move phase.
    const interrupting = failOn(fs, 'rename', 3, () => controller.abort());
    await expect(
      writeProject({ fs: interrupting, targetDir: '/p/app', files: PLAN, force: true, signal: controller.signal }),
    ).rejects.toBeInstanceOf(WriteAbortedError);
    expect(snapshot()).toEqual(before);
  });

  it('rolls back a new directory when interrupted while staging', async () => {
    const { fs, snapshot } = memory();
    const before = snapshot();
    const controller = new AbortController();
    await expect(
      writeProject({
        fs: failOn(fs, 'writeFile', 2, () => controller.abort()),
        targetDir: '/p/app',
        files: PLAN,
        force: false,
        signal: controller.signal,
      }),
    ).rejects.toBeInstanceOf(WriteAbortedError);
    expect(snapshot()).toEqual(before);
  });
});

describe('interrupts at the edges', () => {
  it('rolls a new directory back when the interrupt lands during the final rename (the commit)', async () => {
    const { fs, snapshot } = memory();
    const before = snapshot();
    const controller = new AbortController();
    // Staging a new directory uses no rename, so rename #1 is the commit; abort while it runs.
    const interrupting = failOn(fs, 'rename', 1, () => controller.abort());
    await expect(
      writeProject({ fs: interrupting, targetDir: '/p/app', files: PLAN, force: false, signal: controller.signal }),
    ).rejects.toBeInstanceOf(WriteAbortedError);
    expect(snapshot()).toEqual(before);
  });
});

describe('user-owned files', () => {
  const WITH_ENV: PlannedFile[] = [...PLAN, { path: '.env', contents: 'SCALEKIT_RESOURCE_ID=res_REPLACE_ME\n' }];

  it('with --force keeps an existing .env byte for byte, overwrites the rest, and reports it as kept', async () => {
    const { fs, vol } = memory({ '/p/app/.env': 'SECRET=mine\n', '/p/app/package.json': 'old\n' });
    const result = await writeProject({ fs, targetDir: '/p/app', files: WITH_ENV, force: true });
    expect(vol.readFileSync('/p/app/.env', 'utf8')).toBe('SECRET=mine\n');
    expect(vol.readFileSync('/p/app/package.json', 'utf8')).toBe('{ "name": "app" }\n');
    expect(result).toMatchObject({ kept: ['.env'], overwritten: ['package.json'] });
    expect(result.written).not.toContain('.env');
  });

  it('writes .env when there is none', async () => {
    const { fs, vol } = memory({ '/p/app/README.md': 'mine\n' });
    const result = await writeProject({ fs, targetDir: '/p/app', files: WITH_ENV, force: true });
    expect(vol.readFileSync('/p/app/.env', 'utf8')).toBe('SCALEKIT_RESOURCE_ID=res_REPLACE_ME\n');
    expect(result.kept).toEqual([]);
  });
});

describe('file-system errors', () => {
  it.each([
    ['EACCES', /permission denied \(EACCES at \/p\/\.app\.create-mcp-oauth-/],
    ['EROFS', /read-only \(EROFS/],
    ['ENOSPC', /no space left/],
  ])('reports %s as one line naming the target, and changes nothing', async (code, message) => {
    const { fs, snapshot } = memory();
    const before = snapshot();
    const denying = new Proxy(fs, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver) as (...args: unknown[]) => Promise<unknown>;
        if (key !== 'mkdir') return value;
        return async (dir: string) => {
          throw Object.assign(new Error(`${code}: mkdir '${dir}'`), { code, path: dir });
        };
      },
    });
    const error = await writeProject({ fs: denying, targetDir: '/p/app', files: PLAN, force: false }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WriteError);
    expect((error as Error).message).toMatch(/^could not write \/p\/app: /);
    expect((error as Error).message).toMatch(message);
    expect(snapshot()).toEqual(before);
  });

  it('still surfaces a bug (an error without a file-system code) as itself', async () => {
    const { fs } = memory();
    const broken = failOn(fs, 'writeFile', 1, () => {
      throw new TypeError('a bug');
    });
    await expect(writeProject({ fs: broken, targetDir: '/p/app', files: PLAN, force: false })).rejects.toThrow(
      TypeError,
    );
  });
});

describe('staging directories left by a killed run', () => {
  const DEAD = 999_999;
  const ALIVE = 4242;
  const isProcessAlive = (pid: number) => pid === ALIVE;

  it('are named after the target and the owning pid', async () => {
    const { fs } = memory();
    const made: string[] = [];
    const recording = new Proxy(fs, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver) as (...args: unknown[]) => Promise<unknown>;
        if (key !== 'mkdir') return value;
        return (dir: string, options?: object) => {
          made.push(dir);
          return value.call(target, dir, options);
        };
      },
    });
    await writeProject({ fs: recording, targetDir: '/p/app', files: PLAN, force: false });
    expect(made[0]).toMatch(new RegExp(`^/p/\\.app\\.create-mcp-oauth-${process.pid}-[0-9a-f]{8}$`));
  });

  it('are removed by the next run for the same target once their process is gone, unless they hold backups', async () => {
    const { fs, vol } = memory({
      [`/p/.app.create-mcp-oauth-${DEAD}-0123abcd/project/package.json`]: 'generated\n',
      [`/p/.app.create-mcp-oauth-${DEAD}-89abcdef/backup/package.json`]: 'the user original\n',
      [`/p/.app.create-mcp-oauth-${ALIVE}-0123abcd/project/x`]: 'a run still writing\n',
      [`/p/.other.create-mcp-oauth-${DEAD}-0123abcd/project/x`]: 'another target\n',
      '/p/.app.create-mcp-oauth-notes/x': 'not our pattern\n',
    });
    const result = await writeProject({ fs, targetDir: '/p/app', files: PLAN, force: false, isProcessAlive });
    expect(result.removedLeftovers).toEqual([`/p/.app.create-mcp-oauth-${DEAD}-0123abcd`]);
    expect(result.leftoversWithBackups).toEqual([`/p/.app.create-mcp-oauth-${DEAD}-89abcdef`]);
    expect(vol.existsSync(`/p/.app.create-mcp-oauth-${DEAD}-0123abcd`)).toBe(false);
    expect(vol.readFileSync(`/p/.app.create-mcp-oauth-${DEAD}-89abcdef/backup/package.json`, 'utf8')).toBe(
      'the user original\n',
    );
    expect(vol.existsSync(`/p/.app.create-mcp-oauth-${ALIVE}-0123abcd/project/x`)).toBe(true);
    expect(vol.existsSync(`/p/.other.create-mcp-oauth-${DEAD}-0123abcd/project/x`)).toBe(true);
    expect(vol.existsSync('/p/.app.create-mcp-oauth-notes/x')).toBe(true);
  });

  it('do not make a directory "not empty"', async () => {
    const { fs } = memory({ [`/p/here/.app.create-mcp-oauth-${DEAD}-0123abcd/project/x`]: '' });
    expect(await inspectTarget(fs, '/p/here')).toEqual({
      kind: 'empty',
      entries: [`.app.create-mcp-oauth-${DEAD}-0123abcd`],
    });
  });
});

describe('targets that must not be written', () => {
  it('refuses a path that is a file', async () => {
    const { fs } = memory({ '/p/app': 'a file' });
    await expect(writeProject({ fs, targetDir: '/p/app', files: PLAN, force: true })).rejects.toThrow(
      /exists and is not a directory/,
    );
  });

  it('refuses a symlinked target', async () => {
    const { fs, vol } = memory({ '/elsewhere/.keep': '' });
    vol.symlinkSync('/elsewhere', '/p/app');
    await expect(writeProject({ fs, targetDir: '/p/app', files: PLAN, force: true })).rejects.toThrow(/symbolic link/);
    expect(vol.readdirSync('/elsewhere')).toEqual(['.keep']);
  });

  it('never writes through a symlinked directory inside the target', async () => {
    const { fs, vol } = memory({ '/outside/.keep': '', '/p/app/README.md': 'x' });
    vol.symlinkSync('/outside', '/p/app/src');
    await expect(writeProject({ fs, targetDir: '/p/app', files: PLAN, force: true })).rejects.toThrow(
      /src is a symbolic link/,
    );
    expect(vol.readdirSync('/outside')).toEqual(['.keep']);
  });

  it('refuses a planned file whose path is a directory in the target', async () => {
    const { fs } = memory({ '/p/app/LICENSE/x': '' });
    await expect(writeProject({ fs, targetDir: '/p/app', files: PLAN, force: true })).rejects.toThrow(
      /LICENSE exists .* as a directory/,
    );
  });

  it.each(['../evil', '/abs', 'a/../../b', 'a//b', 'C:/x', 'a\\b', ''])(
    'refuses the unsafe plan path %j',
    async (bad) => {
      const { fs, snapshot } = memory();
      const before = snapshot();
      await expect(
        writeProject({ fs, targetDir: '/p/app', files: [{ path: bad, contents: '' }], force: false }),
      ).rejects.toThrow(/unsafe path/);
      expect(snapshot()).toEqual(before);
    },
  );

  it('refuses a plan that uses a path as both file and directory', async () => {
    const { fs } = memory();
    await expect(
      writeProject({
        fs,
        targetDir: '/p/app',
        files: [
          { path: 'a', contents: '' },
          { path: 'a/b', contents: '' },
        ],
        force: false,
      }),
    ).rejects.toThrow(/both as a file and as a directory/);
  });
});

describe('inspectTarget', () => {
  it('classifies targets', async () => {
    const { fs, vol } = memory({
      '/p/empty': null,
      '/p/harmless/Thumbs.db': '',
      '/p/harmless/.idea/x': '',
      '/p/full/a': '',
      '/p/file': '',
    });
    vol.symlinkSync('/p/empty', '/p/link');
    expect(await inspectTarget(fs, '/p/none')).toEqual({ kind: 'missing' });
    expect(await inspectTarget(fs, '/p/empty')).toEqual({ kind: 'empty', entries: [] });
    expect(await inspectTarget(fs, '/p/harmless')).toEqual({ kind: 'empty', entries: ['.idea', 'Thumbs.db'] });
    expect(await inspectTarget(fs, '/p/full')).toEqual({ kind: 'not-empty', entries: ['a'] });
    expect(await inspectTarget(fs, '/p/file')).toMatchObject({ kind: 'unusable' });
    expect(await inspectTarget(fs, '/p/link')).toMatchObject({
      kind: 'unusable',
      reason: expect.stringMatching(/symbolic link/),
    });
    expect(await inspectTarget(fs, '/p/file/sub')).toEqual({
      kind: 'unusable',
      reason: 'a parent of /p/file/sub is a file, not a directory; choose another location',
    });
  });

  it('explains a target it may not look into, instead of failing', async () => {
    const { fs } = memory({ '/p/locked/a': '' });
    const denying = new Proxy(fs, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver) as (...args: unknown[]) => Promise<unknown>;
        if (key !== 'readdir') return value;
        return async () => {
          throw Object.assign(new Error('EACCES'), { code: 'EACCES', path: '/p/locked' });
        };
      },
    });
    expect(await inspectTarget(denying, '/p/locked')).toEqual({
      kind: 'unusable',
      reason: "can't use /p/locked: permission denied (EACCES at /p/locked)",
    });
  });
});
