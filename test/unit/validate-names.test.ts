import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  validateFramework,
  validatePackageManager,
  validateRegistration,
  validateResourceId,
} from '../../src/config/identifiers.js';
import { resolveTargetDir, toValidPackageName } from '../../src/config/package-name.js';
import {
  parsePromptSpec,
  parseResourceSpec,
  parseScopeSpec,
  parseToolSpec,
  reconcileScopesAndTools,
  validateResourceUri,
  validateScopeName,
  validateToolName,
} from '../../src/config/scopes-tools.js';
import { PLACEHOLDER_RESOURCE_ID } from '../../src/core/types.js';

describe('validateResourceId', () => {
  it.each(['res_123', 'res_AbC9', PLACEHOLDER_RESOURCE_ID, ' res_1 '])('accepts %j', (input) => {
    expect(validateResourceId(input)).toEqual({ ok: true, value: input.trim() });
  });
  it.each(['', 'res_', 'res-123', 'RES_123', 'res_12_3', 'app_123', 'res_12 3'])('refuses %j', (input) => {
    expect(validateResourceId(input).ok).toBe(false);
  });
});

describe('choices', () => {
  it('accepts known values case-insensitively and lists the choices otherwise', () => {
    expect(validateFramework('Hono')).toEqual({ ok: true, value: 'hono' });
    expect(validateRegistration('preregistered')).toEqual({ ok: true, value: 'preregistered' });
    expect(validatePackageManager(' pnpm ')).toEqual({ ok: true, value: 'pnpm' });
    expect(validateFramework('fastify')).toEqual({ ok: false, error: '"fastify" is not one of express, hono' });
    expect(validateRegistration('auto')).toMatchObject({
      ok: false,
      error: expect.stringContaining('dcr, cimd, both, preregistered'),
    });
    expect(validatePackageManager('deno').ok).toBe(false);
  });
});

describe('scope names (RFC 6749 scope-token)', () => {
  it.each(['todo:read', 'a', 'https://example.com/scope', "!#$%&'()*+,-./:;<=>?@[]^_`{|}~", 'x=y'])(
    'accepts %j',
    (name) => {
      expect(validateScopeName(name)).toEqual({ ok: true, value: name });
    },
  );
  it.each(['', 'two words', 'quo"te', 'back\\slash', 'tab\there', 'émoji'])('refuses %j', (name) => {
    expect(validateScopeName(name).ok).toBe(false);
  });
  it('refuses __proto__, which would vanish from the generated object literal', () => {
    expect(validateScopeName('__proto__')).toMatchObject({ ok: false, error: expect.stringMatching(/prototype/) });
    expect(validateToolName('__proto__')).toMatchObject({ ok: false, error: expect.stringMatching(/prototype/) });
    expect(validateToolName('constructor')).toEqual({ ok: true, value: 'constructor' }); // an own key shadows it: fine
  });
  it('refuses offline_access with an explanation', () => {
    expect(validateScopeName('offline_access')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/refresh tokens/),
    });
  });
});

describe('tool names (MCP)', () => {
  it.each(['whoami', 'list_todos', 'a.b-c_D9', 'x'.repeat(128)])('accepts %j', (name) => {
    expect(validateToolName(name)).toEqual({ ok: true, value: name });
  });
  it.each(['', 'x'.repeat(129), 'has space', 'slash/name', 'colon:name', 'ünï'])('refuses %j', (name) => {
    expect(validateToolName(name).ok).toBe(false);
  });
});

describe('--scope name[=description]', () => {
  it('splits at the first = and keeps the description byte for byte', () => {
    const description = ' Read "your" `notes` ${HOME} */ \n naïve 🎉 = ok ';
    expect(parseScopeSpec(`notes:read=${description}`)).toEqual({
      ok: true,
      value: { name: 'notes:read', description },
    });
  });
  it('allows no description', () => {
    expect(parseScopeSpec('notes:read')).toEqual({ ok: true, value: { name: 'notes:read', description: '' } });
    expect(parseScopeSpec('notes:read=')).toEqual({ ok: true, value: { name: 'notes:read', description: '' } });
  });
  it('refuses a bad name', () => {
    expect(parseScopeSpec('bad name=x').ok).toBe(false);
    expect(parseScopeSpec('=x').ok).toBe(false);
  });
});

describe('--tool name=scope[,scope…]', () => {
  it('parses names and scope lists', () => {
    expect(parseToolSpec('whoami=')).toEqual({ ok: true, value: { name: 'whoami', scopes: [] } });
    expect(parseToolSpec('edit=notes:read, notes:write,')).toEqual({
      ok: true,
      value: { name: 'edit', scopes: ['notes:read', 'notes:write'] },
    });
    expect(parseToolSpec('x=a,a')).toEqual({ ok: true, value: { name: 'x', scopes: ['a'] } });
  });
  it('asks for = when it is missing', () => {
    expect(parseToolSpec('whoami')).toMatchObject({ ok: false, error: expect.stringContaining('whoami=') });
  });
  it('refuses offline_access as a tool scope, with an explanation', () => {
    expect(parseToolSpec('sync=offline_access')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/tool "sync".*refresh tokens/),
    });
  });
  it('refuses bad tool names and scope names', () => {
    expect(parseToolSpec('bad name=x').ok).toBe(false);
    expect(parseToolSpec('ok=bad"scope').ok).toBe(false);
  });
});

describe('resource URIs and URI templates', () => {
  it.each([
    'config://app',
    'todo://todos/{id}',
    'files://{+path}',
    'search://q{?query,limit}',
    'users://{id}/posts/{post:3}{/rest*}',
    'https://example.com/a?b=c',
    'urn:isbn:0451450523',
  ])('accepts %j as written', (uri) => {
    expect(validateResourceUri(uri)).toEqual({ ok: true, value: uri });
  });
  it.each([
    ['', /is empty/],
    ['todos/1', /not an absolute URI/],
    ['TODO://x', /would be matched as "todo:\/\/x"/],
    ['x://a/./b', /would be matched as "x:\/\/a\/b"/],
    ['https://EXAMPLE.com/a', /would be matched as "https:\/\/example.com\/a"/],
    ['x://a/{id}/../b', /not written the way URIs are matched/],
    ['x://a/é', /printable ASCII/],
    ['x://a/{}', /not a URI template expression/],
    ['x://a/{id', /unbalanced/],
    ['x://a/{a}{b}}', /unbalanced/],
    ['x://a/{{id}}', /unbalanced/],
  ])('refuses %j', (uri, message) => {
    expect(validateResourceUri(uri)).toMatchObject({ ok: false, error: expect.stringMatching(message) });
  });
});

describe('--resource uri=scope[,scope…] and --prompt name=scope[,scope…]', () => {
  it('splits a resource at the last =, so a URI may hold query parameters', () => {
    expect(parseResourceSpec('db://t?x=1&y=2=db:read,db:list')).toEqual({
      ok: true,
      value: { uri: 'db://t?x=1&y=2', scopes: ['db:read', 'db:list'] },
    });
    expect(parseResourceSpec('config://app=')).toEqual({ ok: true, value: { uri: 'config://app', scopes: [] } });
  });
  it('parses prompts like tools', () => {
    expect(parsePromptSpec('review=a, b,')).toEqual({ ok: true, value: { name: 'review', scopes: ['a', 'b'] } });
    expect(parsePromptSpec('review')).toMatchObject({ ok: false, error: expect.stringContaining('review=') });
    expect(parsePromptSpec('r=offline_access')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/prompt "r".*refresh tokens/),
    });
  });
});

describe('reconcileScopesAndTools', () => {
  const scope = (name: string, description = '') => ({ name, description });

  it('uses the example scopes and tools when nothing is given', () => {
    const result = reconcileScopesAndTools({ scopes: undefined, tools: undefined });
    expect(result.ok && result.value).toEqual({
      scopes: [scope('todo:read', 'Read your todos'), scope('todo:write', 'Create and change your todos')],
      tools: [
        { name: 'whoami', scopes: [] },
        { name: 'list_todos', scopes: ['todo:read'] },
        { name: 'add_todo', scopes: ['todo:write'] },
      ],
      resources: [{ uri: 'todo://todos/{id}', scopes: ['todo:read'] }],
      prompts: [{ name: 'review_todos', scopes: ['todo:read'] }],
      notes: [],
    });
  });

  it('given scopes replace the defaults and drop example tools whose scopes are not declared (with a note)', () => {
    const result = reconcileScopesAndTools({ scopes: [scope('todo:read', 'mine')], tools: undefined });
    expect(result.ok && result.value.scopes).toEqual([scope('todo:read', 'mine')]);
    expect(result.ok && result.value.tools.map((tool) => tool.name)).toEqual(['whoami', 'list_todos']);
    expect(result.ok && result.value.notes.join()).toMatch(/left out the example tool add_todo/);
  });

  it('keeps whoami even when no example scope survives', () => {
    const result = reconcileScopesAndTools({ scopes: [scope('notes:read')], tools: undefined });
    expect(result.ok && result.value.tools).toEqual([{ name: 'whoami', scopes: [] }]);
  });

  it('given tools replace the defaults; undeclared scopes are declared with a note', () => {
    const result = reconcileScopesAndTools({ scopes: undefined, tools: [{ name: 'sync', scopes: ['files:sync'] }] });
    expect(result.ok && result.value.tools).toEqual([{ name: 'sync', scopes: ['files:sync'] }]);
    expect(result.ok && result.value.scopes.map((s) => s.name)).toEqual(['todo:read', 'todo:write', 'files:sync']);
    expect(result.ok && result.value.scopes.at(-1)).toEqual(scope('files:sync', ''));
    expect(result.ok && result.value.notes.join()).toMatch(/declared scope "files:sync".*--scope files:sync=/);
  });

  it('does not advise --scope for a declared name that contains =, which --scope would split', () => {
    const result = reconcileScopesAndTools({ scopes: undefined, tools: [{ name: 't', scopes: ['q=1'] }] });
    expect(result.ok && result.value.notes).toEqual([
      'declared scope "q=1" (used by tool t) with no description; a name containing = cannot be described with --scope',
    ]);
  });

  it('refuses duplicate scopes and duplicate tools, naming the flag', () => {
    expect(reconcileScopesAndTools({ scopes: [scope('a'), scope('a')], tools: undefined })).toMatchObject({
      ok: false,
      error: expect.stringContaining('--scope a'),
    });
    expect(
      reconcileScopesAndTools({
        scopes: undefined,
        tools: [
          { name: 't', scopes: [] },
          { name: 't', scopes: [] },
        ],
      }),
    ).toMatchObject({ ok: false, error: expect.stringContaining('--tool t') });
  });

  it('allows tool names that differ only by case, with a warning', () => {
    const result = reconcileScopesAndTools({
      scopes: undefined,
      tools: [
        { name: 'Get', scopes: [] },
        { name: 'get', scopes: [] },
      ],
    });
    expect(result.ok && result.value.notes.join()).toMatch(/"Get" and "get" differ only by case/);
  });
});

describe('directory and package name', () => {
  it.each([
    ['my-server', 'my-server'],
    ['My Server', 'my-server'],
    ['  spaced  ', 'spaced'],
    ['.hidden', 'hidden'],
    ['_under', 'under'],
    ['Ünïcode App!', 'unicode-app'],
    ['日本', ''],
    ['a..b', 'a..b'],
    ['trailing-', 'trailing'],
    ['x'.repeat(300), 'x'.repeat(214)],
  ])('%j → %j', (dir, name) => {
    expect(toValidPackageName(dir)).toBe(name);
  });

  it('resolves . to the current directory, and relative paths against it', () => {
    const cwd = path.resolve('/work/projects/demo');
    expect(resolveTargetDir('.', cwd)).toEqual({ ok: true, value: { targetDir: cwd, packageName: 'demo' } });
    expect(resolveTargetDir('apps/My API', cwd)).toEqual({
      ok: true,
      value: { targetDir: path.join(cwd, 'apps', 'My API'), packageName: 'my-api' },
    });
    expect(resolveTargetDir('/elsewhere/app', cwd)).toEqual({
      ok: true,
      value: { targetDir: path.resolve('/elsewhere/app'), packageName: 'app' },
    });
  });

  it.each(['..', '../app', 'a/../../b', '/tmp/../etc', '..\\x'])('refuses %j, which climbs out with ..', (dir) => {
    expect(resolveTargetDir(dir, path.resolve('/work/projects/demo'))).toMatchObject({
      ok: false,
      error: expect.stringMatching(/climbs out .*absolute path/),
    });
  });

  it.each(['a\nb', 'a\u0000b', 'tab\there', 'esc\u001b[31m', 'bidi\u202egnp.exe'])(
    'refuses %j, which holds control or invisible characters',
    (dir) => {
      const result = resolveTargetDir(dir, '/tmp');
      expect(result).toMatchObject({ ok: false, error: expect.stringMatching(/control or invisible characters/) });
      // The message shows the name with escapes, so it cannot disturb the terminal.
      // eslint-disable-next-line no-control-regex -- the assertion is about control characters
      expect(result.ok || /[\u0000-\u001f\u202e]/.test(result.error)).toBe(false);
    },
  );

  it('refuses a name too long for the staging directory next to it', () => {
    expect(resolveTargetDir('x'.repeat(200), '/tmp').ok).toBe(true);
    expect(resolveTargetDir('x'.repeat(201), '/tmp')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/too long \(201 bytes\)/),
    });
  });

  it('refuses the filesystem root and names with nothing usable', () => {
    expect(resolveTargetDir(path.parse(process.cwd()).root, process.cwd())).toMatchObject({
      ok: false,
      error: expect.stringMatching(/root/),
    });
    expect(resolveTargetDir('!!!', '/tmp')).toMatchObject({ ok: false, error: expect.stringMatching(/package name/) });
    expect(resolveTargetDir('  ', '/tmp').ok).toBe(false);
  });
});
