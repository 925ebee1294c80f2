/**
 * Every file the scaffold and `add` write is Prettier-clean under the configuration the project ships, so a
 * user's format-on-save (or `prettier --check` in their CI) never rewrites or flags our output.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProjectConfig } from '../../src/core/types.js';
import { addedFiles, type OutputFlavor } from '../../src/add/added-files.js';
import { markdownCode, markdownText } from '../../src/plan/literals.js';
import { alignMarkdownTables, displayWidth } from '../../src/plan/markdown-table.js';
import { loadTemplates, planProject, type TemplateSource } from '../../src/plan/index.js';
import { HOSTILE_DESCRIPTIONS, hostileProjectConfig, projectConfig } from '../support/project-config.js';
import { tempDir } from './helpers/temp-dir.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
let templates: TemplateSource;
let scratch: { dir: string; cleanup: () => Promise<void> };
beforeAll(async () => {
  templates = await loadTemplates(path.join(ROOT, 'templates'));
  scratch = await tempDir('cmo-format-');
});
afterAll(() => scratch.cleanup());

interface Checked {
  checked: string[];
  /** Files Prettier would change, each with the first line that differs. */
  unclean: string[];
}

/** Writes `files` under `dir` and checks each one Prettier has a parser for, with the config found from there. */
async function prettierCheck(dir: string, files: { path: string; contents: string }[]): Promise<Checked> {
  for (const file of files) {
    await mkdir(path.dirname(path.join(dir, file.path)), { recursive: true });
    await writeFile(path.join(dir, file.path), file.contents);
  }
  const result: Checked = { checked: [], unclean: [] };
  const ignorePath = path.join(dir, '.prettierignore');
  for (const file of files) {
    const absolute = path.join(dir, file.path);
    const info = await prettier.getFileInfo(absolute, { ignorePath });
    if (info.ignored || info.inferredParser === null) continue;
    const options = await prettier.resolveConfig(absolute, { editorconfig: true });
    const formatted = await prettier.format(file.contents, { ...options, filepath: absolute });
    result.checked.push(file.path);
    if (formatted !== file.contents) {
      const ours = file.contents.split('\n');
      const theirs = formatted.split('\n');
      const line = ours.findIndex((text, index) => text !== theirs[index]);
      result.unclean.push(`${file.path}:${line + 1}\n  written:  ${ours[line]}\n  prettier: ${theirs[line]}`);
    }
  }
  return result;
}

const projects: [string, ProjectConfig][] = [
  ['express on Node', projectConfig({ framework: 'express' })],
  ['hono on Node', projectConfig({ framework: 'hono' })],
  ['express in a container', projectConfig({ framework: 'express', deploy: 'docker' })],
  ['hono on Cloudflare Workers', projectConfig({ framework: 'hono', deploy: 'workers' })],
  ['express with hostile names and descriptions', hostileProjectConfig({ framework: 'express' })],
  ['hono on Workers with hostile names', hostileProjectConfig({ framework: 'hono', deploy: 'workers' })],
  [
    'hono with no resources, no prompts, filtered lists and a long URL',
    projectConfig({
      framework: 'hono',
      resources: [],
      prompts: [],
      filterLists: true,
      baseUrl: `https://${'very-long-subdomain-name.'.repeat(4)}example.com`,
      mcpPath: '/api/v1/mcp',
    }),
  ],
];

describe('a scaffolded project', () => {
  it.each(projects)('is Prettier-clean under its own .prettierrc.json (%s)', async (name, config) => {
    const plan = planProject(config, templates);
    const dir = path.join(scratch.dir, name.replace(/\W+/g, '-'));
    const { checked, unclean } = await prettierCheck(dir, plan.files);
    expect(unclean).toEqual([]);
    // The check covered the files people open: code, tests, the README, JSON and the deployment files.
    expect(checked).toEqual(
      expect.arrayContaining(['README.md', 'package.json', '.create-mcp-oauth.json', 'src/mcp-oauth/index.ts']),
    );
    if (config.deploy === 'workers') expect(checked).toContain('wrangler.jsonc');
    if (config.deploy === 'docker') expect(checked).toContain('deploy/kubernetes.yaml');
    expect(checked.filter((file) => file.endsWith('.ts')).length).toBeGreaterThan(20);
  });

  it('ships the same Prettier configuration as this repository', async () => {
    const plan = planProject(projectConfig(), templates);
    const shipped = plan.files.find((file) => file.path === '.prettierrc.json')?.contents;
    expect(shipped).toBe(await readFile(path.join(ROOT, '.prettierrc.json'), 'utf8'));
    expect(plan.files.map((file) => file.path)).toContain('.prettierignore');
  });
});

// The TypeScript flavour is the scaffold's own code; JavaScript output is printed by the transform (recast) in the
// user's project, whose own formatter has the last word on it.
describe('the TypeScript module `add` writes', () => {
  const flavors: [string, 'v1' | 'v2', 'express' | 'hono', OutputFlavor][] = [
    ['SDK v2, Express', 'v2', 'express', { extension: '.ts', syntax: 'ts' }],
    ['SDK v2, Hono', 'v2', 'hono', { extension: '.ts', syntax: 'ts' }],
    ['SDK v1, Express', 'v1', 'express', { extension: '.ts', syntax: 'ts' }],
    ['SDK v1, Hono', 'v1', 'hono', { extension: '.ts', syntax: 'ts' }],
  ];

  it.each(flavors)('is Prettier-clean with the scaffold configuration (%s)', async (name, sdk, framework, flavor) => {
    const config = hostileProjectConfig({ framework });
    const dir = path.join(scratch.dir, `add-${name.replace(/\W+/g, '-')}`);
    const rc = planProject(projectConfig(), templates).files.find((file) => file.path === '.prettierrc.json')!;
    const files = addedFiles({
      templates,
      sdk,
      framework,
      flavor,
      folder: 'src/mcp-oauth',
      resourceName: 'demo',
      scopes: config.scopes,
      tools: config.tools,
      resources: config.resources,
      prompts: config.prompts,
    });
    const { checked, unclean } = await prettierCheck(dir, [rc, ...files]);
    expect(unclean).toEqual([]);
    expect(checked.length).toBe(files.length + 1);
  });
});

describe('Markdown tables', () => {
  it('are laid out exactly as Prettier lays them out, whatever the cell text', async () => {
    const rows = [
      '| Scope | Description |',
      '|---|---|',
      ...HOSTILE_DESCRIPTIONS.map((text, index) => `| \`s${index}\` | ${markdownText(text)} |`),
      `| ${markdownCode('日本語:read')} | ${markdownText('Combining é and zero-width ́ marks, ✔ ✓ ⚡ 👍🏽 👩‍💻 ©️ © ™')} |`,
      '| x | |',
    ];
    const aligned = alignMarkdownTables(`${rows.join('\n')}\n`);
    const formatted = await prettier.format(aligned, { parser: 'markdown', printWidth: 120 });
    expect(aligned).toBe(formatted);
  });

  it('measure wide, narrow and zero-width characters the way editors show them', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('日本語')).toBe(6);
    expect(displayWidth('🔐')).toBe(2);
    expect(displayWidth('e\u0301')).toBe(1);
    expect(displayWidth('✓ —')).toBe(3);
  });
});
