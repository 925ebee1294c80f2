/**
 * `add` writes the OAuth module into projects whose TypeScript settings it does not choose, and a module that
 * fails the project's own `tsc` is a broken build. So the module, for each framework and SDK line, must
 * type-check under the settings people really use: `tsc --init`'s (CommonJS output, ES2016 target) and the
 * strictest ones (@tsconfig/strictest: exact optional properties, no dot access to index signatures, unchecked
 * indexed access, verbatim module syntax, no unused names).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Framework } from '../../../src/core/types.js';
import { authModuleFiles } from '../../../src/plan/auth-module.js';
import { loadTemplates } from '../../../src/plan/index.js';
import { linkDependencies } from './support.js';

const SHARED_DEPENDENCIES = {
  '@hono/node-server': '^1.14.4',
  '@types/cors': '^2.8.19',
  '@types/express': '^5.0.3',
  '@types/node': '^20.19.0',
  cors: '^2.8.5',
  express: '^5.1.0',
  hono: '^4.7.11',
  jose: '^6.1.0',
  typescript: '^5.8.3',
};
const SDK_DEPENDENCIES = {
  v1: { '@modelcontextprotocol/sdk': '^1.25.1', zod: '^4.1.12' },
  v2: { '@modelcontextprotocol/server': '^2.4.0', zod: '^4.2.0' },
} as const;

const SETTINGS = {
  'tsc --init': {
    target: 'es2016',
    module: 'commonjs',
    esModuleInterop: true,
    forceConsistentCasingInFileNames: true,
    strict: true,
    skipLibCheck: true,
  },
  strictest: {
    target: 'es2022',
    module: 'nodenext',
    strict: true,
    skipLibCheck: true,
    exactOptionalPropertyTypes: true,
    noPropertyAccessFromIndexSignature: true,
    noUncheckedIndexedAccess: true,
    noImplicitOverride: true,
    noImplicitReturns: true,
    noFallthroughCasesInSwitch: true,
    noUnusedLocals: true,
    noUnusedParameters: true,
    verbatimModuleSyntax: true,
    isolatedModules: true,
  },
} as const;

describe.each(['v1', 'v2'] as const)('the OAuth module for the %s SDK', (sdk) => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), `cmo-add-tsc-${sdk}-`));
    const manifest = {
      name: `tsc-${sdk}`,
      private: true,
      type: 'module',
      dependencies: { ...SHARED_DEPENDENCIES, ...SDK_DEPENDENCIES[sdk] },
    };
    await writeFile(path.join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    await linkDependencies(dir);
    const templates = await loadTemplates();
    for (const framework of ['express', 'hono'] satisfies Framework[]) {
      for (const file of authModuleFiles({
        templates,
        framework,
        sdk,
        resourceName: 'notes-server',
        scopes: [
          { name: 'notes:read', description: 'Read notes' },
          { name: 'notes:write', description: 'Write notes' },
        ],
        tools: [
          { name: 'list_notes', scopes: ['notes:read'] },
          { name: 'add_note', scopes: ['notes:write'] },
        ],
        resources: [{ uri: 'notes://{id}', scopes: ['notes:read'] }],
        prompts: [{ name: 'summarize', scopes: ['notes:read'] }],
        filterLists: false,
      })) {
        const target = path.join(dir, 'src', 'mcp-oauth', `${file.module}.ts`);
        await mkdir(path.dirname(target), { recursive: true });
        await writeFile(target, file.contents);
      }
    }
  }, 300_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it.each(Object.keys(SETTINGS) as (keyof typeof SETTINGS)[])(
    'type-checks with both adapters under %s settings',
    async (name) => {
      const config = path.join(dir, `tsconfig.${name.replace(/\W+/g, '-')}.json`);
      await writeFile(
        config,
        JSON.stringify({ compilerOptions: { ...SETTINGS[name], noEmit: true }, include: ['src'] }),
      );
      const tsc = await execa(path.join(dir, 'node_modules', 'typescript', 'bin', 'tsc'), ['-p', config], {
        cwd: dir,
        reject: false,
        all: true,
      });
      expect(tsc.all, tsc.all).toBe('');
      expect(tsc.exitCode).toBe(0);
    },
    120_000,
  );
});
