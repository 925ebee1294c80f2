/**
 * Hostile strings that validation lets through (quotes, backticks, `${…}`, `*\/`, newlines, unicode,
 * line separators, names JavaScript treats specially) go in through the BUILT CLI's flags and come out
 * as exact, valid literals: the project type-checks, and reading its scope map and .env back gives
 * exactly what was typed. node_modules comes from the integration fixture (same dependencies), so no
 * install is needed.
 */
import { execa } from 'execa';
import { mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../support/cli.js';
import { generatedProject, type Framework } from '../support/generated-projects.js';
import { HOSTILE_DESCRIPTIONS, HOSTILE_RESOURCE_URIS, HOSTILE_SCOPES } from '../support/project-config.js';

/**
 * Every hostile scope name gets a hostile description; plain names carry the rest, and JS's special keys.
 * A name with `=` cannot go through `--scope` (the first `=` starts the description): it is declared by
 * the tool that uses it instead, with an empty description and a note.
 */
const DECLARED_BY_TOOL = HOSTILE_SCOPES.filter((name) => name.includes('='));
const SCOPES: { name: string; description: string }[] = [
  ...HOSTILE_SCOPES.filter((name) => !name.includes('=')).map((name, index) => ({
    name,
    description: HOSTILE_DESCRIPTIONS[index % HOSTILE_DESCRIPTIONS.length]!,
  })),
  ...HOSTILE_DESCRIPTIONS.map((description, index) => ({ name: `scope${index}`, description })),
  { name: 'constructor', description: 'a key every object already has' },
  { name: 'toString', description: '=starts with the separator= and has = inside' },
  { name: 'read', description: '' },
];
const TOOLS: { name: string; scopes: string[] }[] = [
  { name: 'a.b-c_d', scopes: [...HOSTILE_SCOPES] },
  { name: 'constructor', scopes: ['constructor', 'toString'] },
  { name: '1st-tool', scopes: ['read'] },
  { name: '-.-', scopes: [] },
  { name: 'x'.repeat(128), scopes: ['scope1'] },
  // Names the generated tools registry uses itself.
  { name: 'index', scopes: [] },
  { name: 'tools', scopes: [] },
];
/** `--resource` splits at the last `=`, so the URIs may hold `=`; their scopes may not. */
const RESOURCES: { uri: string; scopes: string[] }[] = [
  ...HOSTILE_RESOURCE_URIS.map((uri, index) => ({ uri, scopes: index % 2 === 0 ? ['read', 'constructor'] : [] })),
  { uri: 'constructor://toString/{__proto__}', scopes: ['toString'] },
];
/** Prompt names JavaScript or the generated prompts registry treat specially. */
const PROMPTS: { name: string; scopes: string[] }[] = [
  { name: 'constructor', scopes: ['read'] },
  { name: 'index', scopes: [] },
  { name: 'registerPrompts', scopes: ['scope2'] },
  { name: '-.-', scopes: [...HOSTILE_SCOPES.filter((name) => !name.includes(','))] },
];
/** A directory name with shell and quoting trouble in it; its package name is made safe. */
const DIR_NAME = `Café "quoted" $(whoami) 'app'`;

describe.each<Framework>(['express', 'hono'])('hostile strings through the built CLI (%s)', (framework) => {
  let workspace: string;
  let dir: string;
  let cli: CliResult;

  beforeAll(async () => {
    workspace = await mkdtemp(join(tmpdir(), 'cmo-hostile-strings-'));
    dir = join(workspace, DIR_NAME);
    cli = await runCli(
      [
        DIR_NAME,
        '--framework',
        framework,
        '--base-url',
        'https://mcp.example.com/api',
        '--mcp-path',
        'v1/mcp/',
        '--scalekit-env-url',
        'https://acme.scalekit.com/',
        '--resource-id',
        'res_123',
        ...SCOPES.flatMap((scope) => ['--scope', `${scope.name}=${scope.description}`]),
        ...TOOLS.flatMap((tool) => ['--tool', `${tool.name}=${tool.scopes.join(',')}`]),
        ...RESOURCES.flatMap((resource) => ['--resource', `${resource.uri}=${resource.scopes.join(',')}`]),
        ...PROMPTS.flatMap((prompt) => ['--prompt', `${prompt.name}=${prompt.scopes.join(',')}`]),
        '--filter-lists',
        '--no-install',
        '--no-git',
      ],
      { cwd: workspace },
    );
    if (cli.exitCode === 0)
      await symlink(join(generatedProject(framework).dir, 'node_modules'), join(dir, 'node_modules'), 'dir');
  });
  afterAll(() => rm(workspace, { recursive: true, force: true }));

  it('scaffolds, with a note only for the scope it declared for a tool', () => {
    expect(DECLARED_BY_TOOL.length).toBeGreaterThan(0);
    expect(cli.exitCode, cli.all).toBe(0);
    expect(cli.stderr).toBe(
      DECLARED_BY_TOOL.map(
        (name) =>
          `warning: declared scope "${name}" (used by tool a.b-c_d) with no ` +
          `description; a name containing = cannot be described with --scope`,
      ).join('\n'),
    );
  });

  it('type-checks', async () => {
    const typecheck = await execa('npm', ['run', 'typecheck'], { cwd: dir, reject: false, all: true });
    expect(typecheck.exitCode, String(typecheck.all)).toBe(0);
  }, 120_000);

  it('reads back every scope, description, tool, resource and prompt exactly', async () => {
    const module = (await import(join(dir, 'src/mcp-oauth/tool-scopes.ts'))) as {
      SCOPES: Record<string, string>;
      TOOL_SCOPES: Record<string, string[]>;
      RESOURCE_SCOPES: Record<string, string[]>;
      PROMPT_SCOPES: Record<string, string[]>;
      FILTER_LISTS_BY_SCOPE: boolean;
    };
    expect(Object.entries(module.RESOURCE_SCOPES)).toEqual(RESOURCES.map((res) => [res.uri, res.scopes]));
    expect(Object.entries(module.PROMPT_SCOPES)).toEqual(PROMPTS.map((prompt) => [prompt.name, prompt.scopes]));
    expect(module.FILTER_LISTS_BY_SCOPE).toBe(true);
    expect(Object.entries(module.SCOPES)).toEqual([
      ...SCOPES.map((scope) => [scope.name, scope.description]),
      ...DECLARED_BY_TOOL.map((name) => [name, '']),
    ]);
    expect(Object.entries(module.TOOL_SCOPES)).toEqual(TOOLS.map((tool) => [tool.name, tool.scopes]));
  });

  it('reads back the URLs, normalised, from .env and the package name, made safe', async () => {
    const env = parseEnv(await readFile(join(dir, '.env'), 'utf8'));
    expect(env).toMatchObject({
      SCALEKIT_ENVIRONMENT_URL: 'https://acme.scalekit.com',
      SCALEKIT_RESOURCE_ID: 'res_123',
      MCP_SERVER_URL: 'https://mcp.example.com/api/v1/mcp',
    });
    expect(JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'))).toMatchObject({
      name: 'cafe-quoted-whoami-app',
    });
  });
});
