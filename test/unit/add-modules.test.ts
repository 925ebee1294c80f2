/**
 * The OAuth module `add` writes into projects: the very files the scaffold writes (one template set), every
 * flavour (SDK line × framework × TypeScript/ESM/CommonJS) complete and valid JavaScript where it must be, and
 * the v1 guard behaving (run from the generated files).
 */
import { parse } from '@babel/parser';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addedFiles, resolveModule } from '../../src/add/added-files.js';
import { loadTemplates, planProject } from '../../src/plan/index.js';
import { projectConfig } from '../support/project-config.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const templates = await loadTemplates(path.join(ROOT, 'templates'));
const scopes = [
  { name: 'notes:read', description: 'Read' },
  { name: 'notes:write', description: "Write 'quoted'" },
];
const tools = [
  { name: 'list_notes', scopes: ['notes:read'] },
  { name: 'add_note', scopes: ['notes:write'] },
  { name: 'ping', scopes: [] },
];
const resources = [
  { uri: 'notes://notes/{id}', scopes: ['notes:read'] },
  { uri: 'config://secret', scopes: ['notes:write'] },
];
const prompts = [
  { name: 'summarize', scopes: ['notes:write'] },
  { name: 'hello', scopes: [] },
];
const flavours = [
  { extension: '.ts', syntax: 'ts' },
  { extension: '.mjs', syntax: 'esm' },
  { extension: '.js', syntax: 'cjs' },
] as const;

describe('one OAuth module for the scaffold and add', () => {
  it.each(['express', 'hono'] as const)(
    '%s: add writes the same files, byte for byte, as the scaffold writes to src/mcp-oauth/',
    (framework) => {
      const config = projectConfig({ framework, packageName: 'demo', scopes, tools, resources, prompts });
      const scaffolded = new Map(
        planProject(config, templates)
          .files.filter((file) => file.path.startsWith('src/mcp-oauth/'))
          .map((file) => [file.path, file.contents]),
      );
      const added = addedFiles({
        templates,
        sdk: 'v2',
        framework,
        flavor: { extension: '.ts', syntax: 'ts' },
        folder: 'src/mcp-oauth',
        resourceName: 'demo',
        scopes,
        tools,
        resources,
        prompts,
      });
      expect(scaffolded.size).toBeGreaterThan(10);
      expect(new Map(added.map((file) => [file.path, file.contents]))).toEqual(scaffolded);
    },
  );

  it('has no file a consumer would not get: templates/mcp-oauth is the only source of auth code', () => {
    const authTemplates = [...templates.keys()].filter(
      (file) => /(^|\/)(auth|mcp-oauth)\//.test(file) && !file.startsWith('mcp-oauth/'),
    );
    expect(authTemplates).toEqual([]);
  });
});

describe.each(['v1', 'v2'] as const)('added modules for the %s SDK', (sdk) => {
  it.each(['express', 'hono'] as const)(
    '%s: every flavour is complete; JavaScript has no TypeScript left and the right module system',
    (framework) => {
      for (const flavour of flavours) {
        const files = addedFiles({
          templates,
          sdk,
          framework,
          flavor: flavour,
          folder: 'src/mcp-oauth',
          resourceName: 'demo',
          scopes,
          tools,
          resources,
          prompts,
        });
        const modules = new Set(files.map((file) => file.module));
        expect(modules.has('sdk')).toBe(true);
        expect(modules.has('auth/step-up')).toBe(true);
        expect(modules.has(framework === 'express' ? 'hono' : 'express')).toBe(false);
        for (const file of files) {
          expect(file.path).toBe(`src/mcp-oauth/${file.module}${flavour.extension}`);
          // Only sdk.ts names the SDK: the other files are the same on both lines.
          if (file.module !== 'sdk') expect(file.contents).not.toContain('@modelcontextprotocol/');
          else
            expect(file.contents).toContain(
              sdk === 'v1' ? '@modelcontextprotocol/sdk/' : '@modelcontextprotocol/server',
            );
          const specifiers = [...file.contents.matchAll(/(?:from |require\()'(\.[^']+)'/g)].map((match) => match[1]!);
          for (const specifier of specifiers) {
            expect(
              specifier.endsWith(flavour.syntax === 'ts' ? '.js' : flavour.extension),
              `${file.path}: ${specifier}`,
            ).toBe(true);
            expect(modules.has(resolveModule(file.module, specifier)), `${file.path} imports ${specifier}`).toBe(true);
          }
          if (flavour.syntax === 'ts') continue;
          // Plain JavaScript: parses without the TypeScript plugin.
          const program = parse(file.contents, { sourceType: flavour.syntax === 'cjs' ? 'script' : 'module' }).program;
          if (flavour.syntax === 'cjs') {
            expect(
              program.body.some((node) => node.type.startsWith('Import') || node.type.startsWith('Export')),
              file.path,
            ).toBe(false);
          }
        }
      }
    },
  );
});

describe('the v1 guard, run from the generated modules', () => {
  const dir = path.join(ROOT, '.tmp', `add-modules-${process.pid}`);
  let oauth: {
    route(path: string): string | undefined;
    handle(request: object): Promise<{ ok: boolean; response?: Response; authInfo?: { scopes: string[] } }>;
  };
  let sign: (scope: string) => Promise<string>;
  let keySet: Server;
  let environment: Record<string, string>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- generated modules, loaded at run time
  let load: (module: string) => Promise<any>;

  beforeAll(async () => {
    for (const file of addedFiles({
      templates,
      sdk: 'v1',
      framework: 'express',
      flavor: { extension: '.ts', syntax: 'ts' },
      folder: 'mcp-oauth',
      resourceName: 'demo',
      scopes,
      tools,
      resources,
      prompts,
    })) {
      await mkdir(path.dirname(path.join(dir, file.path)), { recursive: true });
      await writeFile(path.join(dir, file.path), file.contents);
    }
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256' };
    // Scalekit's key set, on loopback.
    keySet = createServer((_req, res) => res.end(JSON.stringify({ keys: [jwk] })));
    await new Promise<void>((resolve) => keySet.listen(0, '127.0.0.1', resolve));
    const scalekitUrl = `http://127.0.0.1:${(keySet.address() as AddressInfo).port}`;
    environment = {
      SCALEKIT_ENVIRONMENT_URL: scalekitUrl,
      SCALEKIT_RESOURCE_ID: 'res_1',
      MCP_SERVER_URL: 'http://localhost:3000/mcp',
    };
    load = (module) => import(path.join(dir, `mcp-oauth/${module}.ts`));
    const { createMcpOAuth } = await load('index');
    const { loadConfig } = await load('config');
    oauth = createMcpOAuth({ mcpPath: '/mcp', config: loadConfig(environment), log: () => {} });
    sign = (scope) => {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ scope, client_id: 'c1', sub: 'u1' })
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setIssuer(`${scalekitUrl}/resources/res_1`)
        .setAudience('res_1')
        .setIssuedAt(now)
        .setExpirationTime(now + 60)
        .sign(privateKey);
    };
  }, 60_000); // key generation and loading the modules: slow on a loaded machine
  afterAll(async () => {
    keySet?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const request = (authorization: string | undefined, body: unknown, origin?: string) => ({
    method: 'POST',
    path: '/mcp',
    host: 'localhost:3000',
    authorization,
    origin,
    body: async () => body,
  });
  const call = (name: string, id = 1) => ({
    jsonrpc: '2.0',
    id,
    method: 'tools/call',
    params: { name, arguments: {} },
  });

  it('guards the endpoint in any letter case and below it, and serves discovery paths', () => {
    expect(oauth.route('/mcp')).toBe('mcp');
    expect(oauth.route('/MCP/')).toBe('mcp');
    expect(oauth.route('/mcp/extra')).toBe('mcp');
    expect(oauth.route('/mcpx')).toBeUndefined();
    expect(oauth.route('/healthz')).toBeUndefined();
    // A router mounted under a prefix: still guarded (never open), never mistaken for a discovery path.
    expect(oauth.route('/api/mcp')).toBe('mcp');
    expect(oauth.route('/api/MCP/messages')).toBe('mcp');
    expect(oauth.route('/.well-known/oauth-protected-resource/mcp')).toBe('discovery');
    expect(oauth.route('/.well-known/oauth-protected-resource')).toBe('discovery');
    expect(oauth.route('/.well-known/oauth-authorization-server')).toBe('discovery');
  });

  it('challenges a request without credentials with 401, scope and resource_metadata, and no error code', async () => {
    const result = await oauth.handle(request(undefined, call('list_notes')));
    expect(result.ok).toBe(false);
    expect(result.response?.status).toBe(401);
    expect(result.response?.headers.get('www-authenticate')).toBe(
      'Bearer resource_metadata="http://localhost:3000/.well-known/oauth-protected-resource/mcp", scope="notes:read notes:write"',
    );
  });

  it(
    'steps up (403) for a tool beyond the token’s scopes, alone or inside a batch; ' + 'lets the rest through',
    async () => {
      const readOnly = await sign('notes:read');
      for (const body of [call('add_note'), [call('list_notes', 1), call('add_note', 2)]]) {
        const refused = await oauth.handle(request(`Bearer ${readOnly}`, body));
        expect(refused.response?.status).toBe(403);
        expect(refused.response?.headers.get('www-authenticate')).toMatch(
          /^Bearer error="insufficient_scope", error_description="[^"]+", scope="notes:read notes:write", resource_metadata="http:\/\/localhost:3000\/\.well-known\/oauth-protected-resource\/mcp"$/,
        );
      }
      for (const body of [
        call('list_notes'),
        call('ping'),
        call('not_registered'),
        { jsonrpc: '2.0', id: 1, method: 'tools/list' },
        'not json',
      ]) {
        expect((await oauth.handle(request(`Bearer ${readOnly}`, body))).ok, JSON.stringify(body)).toBe(true);
      }
    },
  );

  it('steps up (403) for a prompt or a resource beyond the token’s scopes, however the URI is written', async () => {
    const writeOnly = await sign('notes:write');
    const readOnly = await sign('notes:read');
    const rpc = (method: string, params: object) => ({ jsonrpc: '2.0', id: 1, method, params });
    const refusals: Array<[string, unknown, string]> = [
      [readOnly, rpc('prompts/get', { name: 'summarize' }), 'notes:read notes:write'],
      [writeOnly, rpc('resources/read', { uri: 'notes://notes/7' }), 'notes:write notes:read'],
      [writeOnly, rpc('resources/read', { uri: 'NOTES://notes/x/../7' }), 'notes:write notes:read'],
      [writeOnly, rpc('resources/read', { uri: 'notes://notes/7%2F..%2F8' }), 'notes:write notes:read'],
      [writeOnly, [rpc('tools/list', {}), rpc('resources/read', { uri: 'notes://notes/1' })], 'notes:write notes:read'],
      [readOnly, rpc('resources/read', { uri: 'config://secret' }), 'notes:read notes:write'],
    ];
    for (const [token, body, scope] of refusals) {
      const refused = await oauth.handle(request(`Bearer ${token}`, body));
      expect(refused.response?.status, JSON.stringify(body)).toBe(403);
      expect(refused.response?.headers.get('www-authenticate')).toContain(`scope="${scope}"`);
    }
    for (const [token, body] of [
      [readOnly, rpc('resources/read', { uri: 'notes://notes/7' })],
      [readOnly, rpc('prompts/get', { name: 'hello' })],
      [readOnly, rpc('resources/read', { uri: 'notes://elsewhere/7' })], // matches nothing: the SDK answers "not found"
      [readOnly, rpc('resources/read', { uri: 'not a uri' })],
      [writeOnly, rpc('prompts/get', { name: 'summarize' })],
    ] as const) {
      expect((await oauth.handle(request(`Bearer ${token}`, body))).ok, JSON.stringify(body)).toBe(true);
    }
  });

  it('refuses a bad browser Origin or Host with 403, two Authorization headers and a bad token with 401', async () => {
    const token = await sign('notes:read notes:write');
    expect(
      (await oauth.handle(request(`Bearer ${token}`, call('list_notes'), 'https://evil.example'))).response?.status,
    ).toBe(403);
    expect((await oauth.handle(request(`Bearer ${token}`, call('list_notes'), 'http://localhost:6274'))).ok).toBe(true);
    expect(
      (await oauth.handle({ ...request(`Bearer ${token}`, call('list_notes')), host: 'attacker.example' })).response
        ?.status,
    ).toBe(403);
    // Two Authorization headers arrive joined with ", " (the adapters pass every one): refused, in either order.
    for (const both of [`Bearer ${token}, Bearer other`, `Bearer other, Bearer ${token}`]) {
      expect((await oauth.handle(request(both, call('list_notes')))).response?.status).toBe(401);
    }
    const bad = await oauth.handle(request(`Bearer ${token}x`, call('list_notes')));
    expect(bad.response?.status).toBe(401);
    expect(bad.response?.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('refuses to start when MCP_SERVER_URL names another path than the route it guards', async () => {
    const { createMcpOAuth } = await load('index');
    const { loadConfig } = await load('config');
    expect(() => createMcpOAuth({ mcpPath: '/api/mcp', config: loadConfig(environment) })).toThrow(
      /this app serves MCP at \/api\/mcp/,
    );
  });
});
