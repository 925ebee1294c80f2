import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ScaffoldFlags } from '../../src/args/scaffold-options.js';
import { resolveScaffold, type ResolveContext } from '../../src/config/resolve.js';
import { PLACEHOLDER_ENV_URL, PLACEHOLDER_RESOURCE_ID } from '../../src/core/types.js';
import type { TargetState } from '../../src/core/target-state.js';
import { scriptedPrompter, type Answer } from './helpers/scripted-prompter.js';

const cwd = path.resolve('/projects');

function flags(overrides: Partial<ScaffoldFlags> = {}): ScaffoldFlags {
  return { install: true, git: true, yes: false, force: false, dryRun: false, ...overrides };
}

/** Everything required without a prompt, valid. */
const complete: Partial<ScaffoldFlags> = {
  dir: 'demo',
  framework: 'express',
  baseUrl: 'https://mcp.example.com',
  scalekitEnvUrl: 'https://acme.scalekit.com',
  resourceId: 'res_42',
};

function context(overrides: Partial<ResolveContext> & { targets?: Record<string, TargetState> } = {}): ResolveContext {
  const { targets = {}, ...rest } = overrides;
  return {
    cwd,
    prompter: undefined,
    nonInteractiveReason: 'stdin/stdout is not a terminal',
    inspectTarget: async (dir) => targets[dir] ?? { kind: 'missing' },
    userAgent: undefined,
    ...rest,
  };
}

describe('without a terminal', () => {
  it('--yes takes every default, with placeholders for Scalekit', async () => {
    const resolved = await resolveScaffold(flags({ yes: true }), context());
    expect(resolved.config).toEqual({
      targetDir: path.join(cwd, 'mcp-server'),
      packageName: 'mcp-server',
      framework: 'express',
      deploy: 'node',
      baseUrl: 'http://localhost:3000',
      mcpPath: '/mcp',
      mcpServerUrl: 'http://localhost:3000/mcp',
      scalekitEnvUrl: PLACEHOLDER_ENV_URL,
      resourceId: PLACEHOLDER_RESOURCE_ID,
      serverUrlInAudience: false,
      scopes: [
        { name: 'todo:read', description: 'Read your todos' },
        { name: 'todo:write', description: 'Create and change your todos' },
      ],
      tools: [
        { name: 'whoami', scopes: [] },
        { name: 'list_todos', scopes: ['todo:read'] },
        { name: 'add_todo', scopes: ['todo:write'] },
      ],
      resources: [{ uri: 'todo://todos/{id}', scopes: ['todo:read'] }],
      prompts: [{ name: 'review_todos', scopes: ['todo:read'] }],
      filterLists: false,
      registration: 'both',
    });
    expect(resolved.run).toEqual({ packageManager: 'npm', install: true, git: true, force: false, dryRun: false });
    expect(resolved.placeholders).toEqual({ envUrl: true, resourceId: true });
  });

  it.each([
    ['dir', '[dir]'],
    ['framework', '--framework'],
    ['baseUrl', '--base-url'],
    ['scalekitEnvUrl', '--scalekit-env-url'],
    ['resourceId', '--resource-id'],
  ] as const)('a missing %s is an error naming %s', async (key, flag) => {
    const given = { ...complete, [key]: undefined };
    await expect(resolveScaffold(flags(given), context())).rejects.toThrow(
      new RegExp(`missing ${flag.replace(/[[\]]/g, '\\$&')}: .*--yes`),
    );
  });

  it('says why it did not prompt, and lists every missing input at once', async () => {
    await expect(resolveScaffold(flags(), context({ nonInteractiveReason: 'CI is set' }))).rejects.toThrow(
      /missing \[dir\].*\nmissing --framework.*\nmissing --base-url.*\nmissing --scalekit-env-url: pass it, or --yes to use a placeholder\nmissing --resource-id.*\n\(can't prompt: CI is set\)/,
    );
  });

  it('gives the other inputs their defaults', async () => {
    const resolved = await resolveScaffold(flags(complete), context());
    expect(resolved.config).toMatchObject({
      mcpPath: '/mcp',
      mcpServerUrl: 'https://mcp.example.com/mcp',
      registration: 'both',
      serverUrlInAudience: false,
      scalekitEnvUrl: 'https://acme.scalekit.com',
      resourceId: 'res_42',
      deploy: 'node',
    });
    expect(resolved.placeholders).toEqual({ envUrl: false, resourceId: false });
  });

  it('validates each flag and names it in the error', async () => {
    const cases: [Partial<ScaffoldFlags>, RegExp][] = [
      [{ framework: 'fastify' }, /^--framework: "fastify" is not one of express, hono$/],
      [{ deploy: 'k8s' }, /^--deploy: "k8s" is not one of node, docker, workers$/],
      [{ baseUrl: 'http://example.com' }, /^--base-url: .*https/],
      [{ mcpPath: '/a/../b' }, /^--mcp-path: /],
      [{ scalekitEnvUrl: 'https://acme.scalekit.com/path' }, /^--scalekit-env-url: .*without a path/],
      [{ resourceId: 'app_1' }, /^--resource-id: /],
      [{ scopes: ['bad scope'] }, /^--scope: /],
      [{ scopes: ['offline_access'] }, /^--scope: offline_access is requested by clients/],
      [{ tools: ['t=offline_access'] }, /^--tool: tool "t": offline_access/],
      [{ tools: ['no-equals'] }, /^--tool: .*no-equals=/],
      [{ registration: 'auto' }, /^--registration: /],
      [{ packageManager: 'deno' }, /^--package-manager: /],
      [{ dir: '!!!' }, /^\[dir\]: can't derive a package name/],
      [{ scopes: ['a=1', 'a=2'] }, /^--scope a is given more than once/],
      [{ tools: ['t=', 't=a'] }, /^--tool t is given more than once/],
    ];
    for (const [given, message] of cases) {
      await expect(resolveScaffold(flags({ ...complete, ...given }), context()), JSON.stringify(given)).rejects.toThrow(
        message,
      );
    }
  });

  it('takes --deploy workers with Hono', async () => {
    const resolved = await resolveScaffold(flags({ ...complete, framework: 'hono', deploy: 'workers' }), context());
    expect(resolved.config).toMatchObject({ framework: 'hono', deploy: 'workers' });
  });

  it('refuses --deploy workers with Express, naming the flag and suggesting Hono', async () => {
    await expect(
      resolveScaffold(flags({ ...complete, framework: 'express', deploy: 'workers' }), context()),
    ).rejects.toThrow(/^--deploy: workers runs only hono projects, not express: pass --framework hono/);
  });

  it('picks Hono for --deploy workers when no framework is given', async () => {
    const resolved = await resolveScaffold(
      flags({ ...complete, framework: undefined, yes: true, deploy: 'workers' }),
      context(),
    );
    expect(resolved.config).toMatchObject({ framework: 'hono', deploy: 'workers' });
  });

  it('takes --deploy docker, in any case', async () => {
    const resolved = await resolveScaffold(flags({ ...complete, framework: 'hono', deploy: ' Docker ' }), context());
    expect(resolved.config).toMatchObject({ framework: 'hono', deploy: 'docker' });
  });

  it('validates flags before complaining about missing ones', async () => {
    await expect(resolveScaffold(flags({ framework: 'nope' }), context())).rejects.toThrow(/^--framework/);
  });

  it('combines a base path prefix with the MCP path', async () => {
    const resolved = await resolveScaffold(
      flags({ ...complete, baseUrl: 'https://example.com/api/', mcpPath: 'v1/mcp/' }),
      context(),
    );
    expect(resolved.config).toMatchObject({
      baseUrl: 'https://example.com/api',
      mcpPath: '/v1/mcp',
      mcpServerUrl: 'https://example.com/api/v1/mcp',
    });
  });

  it('--scope without --tool drops example tools that need undeclared scopes, and says so', async () => {
    const resolved = await resolveScaffold(flags({ yes: true, scopes: ['todo:read=Read them'] }), context());
    expect(resolved.config.scopes).toEqual([{ name: 'todo:read', description: 'Read them' }]);
    expect(resolved.config.tools.map((tool) => tool.name)).toEqual(['whoami', 'list_todos']);
    expect(resolved.notes).toEqual([expect.stringMatching(/add_todo/)]);
  });

  it('--tool with an undeclared scope declares it and says so', async () => {
    const resolved = await resolveScaffold(flags({ yes: true, scopes: ['a=A'], tools: ['t=a,b'] }), context());
    expect(resolved.config.scopes).toEqual([
      { name: 'a', description: 'A' },
      { name: 'b', description: '' },
    ]);
    expect(resolved.config.tools).toEqual([{ name: 't', scopes: ['a', 'b'] }]);
    expect(resolved.config.resources).toEqual([]);
    expect(resolved.config.prompts).toEqual([]);
    expect(resolved.notes).toEqual([
      expect.stringMatching(/left out the example resource todo:\/\/todos\/\{id\}: .*--resource/),
      expect.stringMatching(/left out the example prompt review_todos: .*--prompt/),
      expect.stringMatching(/declared scope "b"/),
    ]);
  });

  it('--resource, --prompt and --filter-lists replace the examples and declare the scopes they use', async () => {
    const resolved = await resolveScaffold(
      flags({
        yes: true,
        scopes: ['notes:read=Read'],
        tools: ['list_notes=notes:read'],
        resources: ['notes://notes/{id}=notes:read', 'config://app?mode=dark=', 'files://x/{+path}{?rev}=files:read'],
        prompts: ['summarize=notes:read,notes:write', 'hello='],
        filterLists: true,
      }),
      context(),
    );
    expect(resolved.config.resources).toEqual([
      { uri: 'notes://notes/{id}', scopes: ['notes:read'] },
      { uri: 'config://app?mode=dark', scopes: [] },
      { uri: 'files://x/{+path}{?rev}', scopes: ['files:read'] },
    ]);
    expect(resolved.config.prompts).toEqual([
      { name: 'summarize', scopes: ['notes:read', 'notes:write'] },
      { name: 'hello', scopes: [] },
    ]);
    expect(resolved.config.filterLists).toBe(true);
    expect(resolved.config.scopes.map((scope) => scope.name)).toEqual(['notes:read', 'files:read', 'notes:write']);
    expect(resolved.notes).toEqual([
      expect.stringMatching(/declared scope "files:read" \(used by resource files:\/\/x\/\{\+path\}\{\?rev\}\)/),
      expect.stringMatching(/declared scope "notes:write" \(used by prompt summarize\)/),
    ]);
  });

  it('validates --resource and --prompt like --tool, naming the flag', async () => {
    const cases: [Partial<ScaffoldFlags>, RegExp][] = [
      [{ resources: ['todo://todos/{id}'] }, /^--resource: "todo:\/\/todos\/\{id\}" must look like uri=scope/],
      [{ resources: ['Todo://x=a'] }, /^--resource: "Todo:\/\/x" would be matched as "todo:\/\/x": write it that way/],
      [{ resources: ['x://a/../b='] }, /^--resource: .*would be matched as "x:\/\/a\/b"/],
      [{ resources: ['x://a/{id}/../b='] }, /^--resource: .*not written the way URIs are matched/],
      [{ resources: ['/todos/1=a'] }, /^--resource: .*not an absolute URI/],
      [{ resources: ['x://a b='] }, /^--resource: .*printable ASCII/],
      [{ resources: ['x://a/{bad-name}='] }, /^--resource: .*not a URI template expression/],
      [{ resources: ['x://a/{id}}='] }, /^--resource: .*unbalanced/],
      [{ resources: ['=a'] }, /^--resource: is empty/],
      [{ resources: [`x://${'a'.repeat(1100)}=`] }, /^--resource: is longer than 1024/],
      [
        { resources: ['x://a=offline_access'] },
        /^--resource: resource "x:\/\/a": offline_access is requested by clients/,
      ],
      [
        { resources: ['x://a=', 'x://a=b'] },
        /^--resource x:\/\/a is given more than once; resource URIs must be unique/,
      ],
      [{ prompts: ['p'] }, /^--prompt: "p" must look like name=scope.*write p= for a prompt that needs no scope/],
      [{ prompts: ['bad name=a'] }, /^--prompt: "bad name" is not a valid prompt name/],
      [{ prompts: ['__proto__='] }, /^--prompt: "__proto__" can't be used as a name/],
      [{ prompts: ['p=a b'] }, /^--prompt: prompt "p": .*not a valid scope name/],
      [{ prompts: ['p=', 'p=a'] }, /^--prompt p is given more than once; prompt names must be unique/],
    ];
    for (const [given, message] of cases) {
      await expect(resolveScaffold(flags({ ...complete, ...given }), context()), JSON.stringify(given)).rejects.toThrow(
        message,
      );
    }
  });

  it('keeps descriptions exactly as given', async () => {
    const description = 'It\'s "quoted", `ticked`, ${not} interpolated */ and\nmultiline — ✓';
    const resolved = await resolveScaffold(flags({ yes: true, scopes: [`x=${description}`] }), context());
    expect(resolved.config.scopes[0]?.description).toBe(description);
  });

  it('takes the package manager from the flag, else from npm_config_user_agent', async () => {
    const fromAgent = await resolveScaffold(
      flags({ yes: true }),
      context({ userAgent: 'pnpm/9.0.0 npm/? node/v20.19.0 linux x64' }),
    );
    expect(fromAgent.run.packageManager).toBe('pnpm');
    const fromFlag = await resolveScaffold(
      flags({ yes: true, packageManager: 'bun' }),
      context({ userAgent: 'pnpm/9.0.0' }),
    );
    expect(fromFlag.run.packageManager).toBe('bun');
  });

  it('refuses a non-empty directory unless --force, naming --force', async () => {
    const targets = { [path.join(cwd, 'demo')]: { kind: 'not-empty', entries: ['README.md'] } as TargetState };
    await expect(resolveScaffold(flags({ ...complete }), context({ targets }))).rejects.toThrow(
      /not empty \(README\.md\).*--force/,
    );
    const forced = await resolveScaffold(flags({ ...complete, force: true }), context({ targets }));
    expect(forced.run.force).toBe(true);
  });

  it('accepts a directory with only harmless files', async () => {
    const targets = { [path.join(cwd, 'demo')]: { kind: 'empty', entries: ['.git', 'LICENSE'] } as TargetState };
    const resolved = await resolveScaffold(flags({ ...complete }), context({ targets }));
    expect(resolved.run.force).toBe(false);
  });

  it('refuses an unusable directory (e.g. a file) with the reason', async () => {
    const targets = {
      [path.join(cwd, 'demo')]: { kind: 'unusable', reason: 'demo exists and is not a directory' } as TargetState,
    };
    await expect(resolveScaffold(flags({ ...complete, force: true }), context({ targets }))).rejects.toThrow(
      /^\[dir\]: demo exists and is not a directory/,
    );
  });

  it('with --yes never prompts, even when a prompter is available', async () => {
    const script = scriptedPrompter([]);
    await resolveScaffold(flags({ yes: true }), context({ prompter: script.prompter }));
    expect(script.asked).toEqual([]);
  });
});

describe('interactive', () => {
  const interactive = (
    answers: Answer[],
    more: Partial<ResolveContext> & { targets?: Record<string, TargetState> } = {},
  ) => {
    const script = scriptedPrompter(answers);
    return { script, context: context({ prompter: script.prompter, nonInteractiveReason: undefined, ...more }) };
  };

  it('asks only for what was not given', async () => {
    const { script, context: ctx } = interactive([{ text: 'https://mcp.example.com/' }, { text: '' }]);
    const resolved = await resolveScaffold(
      flags({
        dir: 'demo',
        framework: 'hono',
        deploy: 'node',
        resourceId: 'res_1',
        mcpPath: '/mcp',
        serverUrlInAudience: true,
        scopes: ['a'],
        tools: ['t=a'],
        resources: ['x://r='],
        prompts: ['p=a'],
        filterLists: true,
        registration: 'cimd',
      }),
      ctx,
    );
    expect(script.asked).toEqual([
      'Public base URL where MCP hosts will reach the server',
      expect.stringMatching(/^Scalekit environment URL/),
    ]);
    expect(resolved.config).toMatchObject({
      baseUrl: 'https://mcp.example.com',
      scalekitEnvUrl: PLACEHOLDER_ENV_URL,
      framework: 'hono',
    });
    expect(resolved.placeholders).toEqual({ envUrl: true, resourceId: false });
  });

  it('takes every default when the user just presses Enter', async () => {
    const { script, context: ctx } = interactive([
      { text: '' },
      { select: 'express' },
      { select: 'node' },
      { text: '' },
      { text: '' },
      { text: '' },
      { text: '' },
      { confirm: false },
      { select: 'example' },
      { select: 'example' },
      { select: 'example' },
      { confirm: false },
      { select: 'both' },
    ]);
    const resolved = await resolveScaffold(flags(), ctx);
    const defaults = await resolveScaffold(flags({ yes: true }), context());
    expect(resolved).toEqual(defaults);
    expect(script.remaining()).toBe(0);
  });

  const allButFramework: Partial<ScaffoldFlags> = {
    ...complete,
    framework: undefined,
    mcpPath: '/mcp',
    serverUrlInAudience: false,
    scopes: ['a'],
    tools: ['t='],
    resources: ['x://r/{id}=a'],
    prompts: ['p=a'],
    filterLists: false,
    registration: 'both',
  };

  it('asks where the server will run right after the framework, offering every target with node first', async () => {
    const { script, context: ctx } = interactive([{ select: 'hono' }, { select: 'docker' }]);
    const resolved = await resolveScaffold(flags({ ...allButFramework }), ctx);
    expect(script.asked).toEqual(['Which framework?', 'Where will the server run?']);
    expect(script.offered.get('Where will the server run?')).toEqual({
      values: ['node', 'docker', 'workers'],
      initialValue: 'node',
    });
    expect(resolved.config).toMatchObject({ framework: 'hono', deploy: 'docker' });
  });

  it('offers Cloudflare Workers only for Hono', async () => {
    const { script, context: ctx } = interactive([{ select: 'express' }, { select: 'node' }]);
    await resolveScaffold(flags({ ...allButFramework }), ctx);
    expect(script.offered.get('Where will the server run?')?.values).toEqual(['node', 'docker']);
  });

  it('with --deploy workers, offers only the frameworks Workers runs', async () => {
    const { script, context: ctx } = interactive([{ select: 'hono' }]);
    const resolved = await resolveScaffold(flags({ ...allButFramework, deploy: 'workers' }), ctx);
    expect(script.offered.get('Which framework?')?.values).toEqual(['hono']);
    expect(resolved.config).toMatchObject({ framework: 'hono', deploy: 'workers' });
  });

  it('does not ask where the server will run when --deploy is given', async () => {
    const { script, context: ctx } = interactive([{ select: 'express' }]);
    const resolved = await resolveScaffold(flags({ ...allButFramework, deploy: 'docker' }), ctx);
    expect(script.asked).toEqual(['Which framework?']);
    expect(resolved.config).toMatchObject({ framework: 'express', deploy: 'docker' });
  });

  it('validates answers with the same rules as the flags, and re-asks', async () => {
    const { script, context: ctx } = interactive([
      { text: 'svc' },
      { select: 'hono' },
      { select: 'docker' },
      { text: 'http://example.com' }, // refused: http
      { text: 'https://example.com' },
      { text: '/' }, // refused
      { text: 'mcp/' },
      { text: 'https://acme.scalekit.com/x' }, // refused: path
      { text: 'https://acme.scalekit.com' },
      { text: 'nope' }, // refused
      { text: 'res_9' },
      { confirm: true },
      { select: 'custom' },
      { text: '' }, // refused: at least one scope
      { text: 'offline_access' }, // refused
      { text: 'notes:read' },
      { text: 'Read "your" notes, `all`' },
      { text: 'notes:read' }, // refused: duplicate
      { text: 'notes:write' },
      { text: '' },
      { text: '' }, // done with scopes
      { select: 'custom' },
      { text: 'bad name' }, // refused
      { text: 'list_notes' },
      { multiselect: ['notes:read'] },
      { text: 'whoami' },
      { multiselect: [] },
      { text: '' }, // done with tools
      { select: 'custom' }, // resources and prompts
      { text: 'Notes://notes/{id}' }, // refused: upper-case scheme
      { text: 'notes://notes/{id}' },
      { multiselect: ['notes:read'] },
      { text: 'notes://notes/{id}' }, // refused: duplicate
      { text: 'config://app' },
      { multiselect: [] },
      { text: '' }, // done with resources
      { text: 'summarize notes' }, // refused
      { text: 'summarize_notes' },
      { multiselect: ['notes:read', 'notes:write'] },
      { text: '' }, // done with prompts
      { confirm: true }, // filter lists
      { select: 'preregistered' },
    ]);
    const resolved = await resolveScaffold(flags(), ctx);
    expect(script.rejections).toEqual([
      expect.stringMatching(/https/),
      expect.stringMatching(/alone/),
      expect.stringMatching(/without a path/),
      expect.stringMatching(/resource id/),
      'Add at least one scope',
      expect.stringMatching(/refresh tokens/),
      'notes:read is already defined',
      expect.stringMatching(/not a valid MCP tool name/),
      expect.stringMatching(/not written the way URIs are matched/),
      'notes://notes/{id} is already defined',
      expect.stringMatching(/not a valid prompt name/),
    ]);
    expect(resolved.config).toEqual({
      targetDir: path.join(cwd, 'svc'),
      packageName: 'svc',
      framework: 'hono',
      deploy: 'docker',
      baseUrl: 'https://example.com',
      mcpPath: '/mcp',
      mcpServerUrl: 'https://example.com/mcp',
      scalekitEnvUrl: 'https://acme.scalekit.com',
      resourceId: 'res_9',
      serverUrlInAudience: true,
      scopes: [
        { name: 'notes:read', description: 'Read "your" notes, `all`' },
        { name: 'notes:write', description: '' },
      ],
      tools: [
        { name: 'list_notes', scopes: ['notes:read'] },
        { name: 'whoami', scopes: [] },
      ],
      resources: [
        { uri: 'notes://notes/{id}', scopes: ['notes:read'] },
        { uri: 'config://app', scopes: [] },
      ],
      prompts: [{ name: 'summarize_notes', scopes: ['notes:read', 'notes:write'] }],
      filterLists: true,
      registration: 'preregistered',
    });
    expect(resolved.notes).toEqual([]);
  });

  it('offers only the example tools whose scopes exist', async () => {
    const { script, context: ctx } = interactive([{ select: 'example' }, { select: 'none' }]);
    const resolved = await resolveScaffold(
      flags({
        ...complete,
        deploy: 'node',
        scopes: ['todo:read'],
        mcpPath: '/mcp',
        serverUrlInAudience: false,
        filterLists: true,
        registration: 'both',
      }),
      ctx,
    );
    expect(script.asked).toEqual([
      'Which tools should the server have?',
      expect.stringMatching(/^Does the server offer resources or prompts too\?/),
    ]);
    expect(resolved.config.tools.map((tool) => tool.name)).toEqual(['whoami', 'list_todos']);
  });

  it('asks before writing into a non-empty directory, and asks for another one on "no"', async () => {
    const targets = {
      [path.join(cwd, 'taken')]: { kind: 'not-empty', entries: ['src'] } as TargetState,
      [path.join(cwd, 'afile')]: { kind: 'unusable', reason: 'afile exists and is not a directory' } as TargetState,
    };
    const { script, context: ctx } = interactive(
      [{ text: 'afile' }, { text: 'taken' }, { confirm: false }, { text: 'taken' }, { confirm: true }],
      { targets },
    );
    const resolved = await resolveScaffold(
      flags({
        ...complete,
        dir: undefined,
        yes: false,
        deploy: 'node',
        mcpPath: '/mcp',
        serverUrlInAudience: false,
        scopes: ['a'],
        tools: ['t='],
        resources: [],
        prompts: [],
        filterLists: true,
        registration: 'both',
      }),
      ctx,
    );
    expect(script.rejections).toEqual(['afile exists and is not a directory']);
    expect(resolved.config.targetDir).toBe(path.join(cwd, 'taken'));
    expect(resolved.run.force).toBe(true);
  });

  it('propagates a cancel', async () => {
    const { context: ctx } = interactive([{ text: 'demo' }, 'cancel']);
    await expect(resolveScaffold(flags(), ctx)).rejects.toThrow('Cancelled');
  });
});
