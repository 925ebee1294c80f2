/**
 * The auth modules `add` writes into projects: every flavour (SDK line × framework × TypeScript/ESM/CommonJS)
 * is complete and valid JavaScript where it must be, and the v1 guard behaves (run from the generated files).
 */
import { parse } from '@babel/parser';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addedFiles, resolveModule } from '../../src/add/added-files.js';
import { loadTemplates } from '../../src/plan/index.js';

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
const flavours = [
  { extension: '.ts', syntax: 'ts' },
  { extension: '.mjs', syntax: 'esm' },
  { extension: '.js', syntax: 'cjs' },
] as const;

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
        });
        const modules = new Set(files.map((file) => file.module));
        expect(modules.has('sdk')).toBe(sdk === 'v1');
        expect(modules.has('auth/tool-step-up')).toBe(sdk === 'v1');
        for (const file of files) {
          expect(file.path).toBe(`src/mcp-oauth/${file.module}${flavour.extension}`);
          if (sdk === 'v1') expect(file.contents).not.toContain("'@modelcontextprotocol/server'");
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
    authorize(request: object): Promise<{ ok: boolean; response?: Response; authInfo?: { scopes: string[] } }>;
  };
  let sign: (scope: string) => Promise<string>;

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
    })) {
      await mkdir(path.dirname(path.join(dir, file.path)), { recursive: true });
      await writeFile(path.join(dir, file.path), file.contents);
    }
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256' };
    const { createMcpOAuth } = (await import(path.join(dir, 'mcp-oauth/index.ts'))) as {
      createMcpOAuth: (options: object) => typeof oauth;
    };
    oauth = createMcpOAuth({
      mcpPath: '/mcp',
      env: {
        SCALEKIT_ENVIRONMENT_URL: 'https://acme.scalekit.com',
        SCALEKIT_RESOURCE_ID: 'res_1',
        MCP_SERVER_URL: 'http://localhost:3000/mcp',
      },
      keys: createLocalJWKSet({ keys: [jwk] }),
      log: () => {},
    });
    sign = (scope) => {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ scope, client_id: 'c1', sub: 'u1' })
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setIssuer('https://acme.scalekit.com/resources/res_1')
        .setAudience('res_1')
        .setIssuedAt(now)
        .setExpirationTime(now + 60)
        .sign(privateKey);
    };
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const request = (authorization: string | undefined, body: unknown, origin?: string) => ({
    method: 'POST',
    path: '/mcp',
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
    expect(oauth.route('/.well-known/oauth-protected-resource/mcp')).toBe('discovery');
    expect(oauth.route('/.well-known/oauth-protected-resource')).toBe('discovery');
    expect(oauth.route('/.well-known/oauth-authorization-server')).toBe('discovery');
  });

  it('challenges a request without credentials with 401, scope and resource_metadata, and no error code', async () => {
    const result = await oauth.authorize(request(undefined, call('list_notes')));
    expect(result.ok).toBe(false);
    expect(result.response?.status).toBe(401);
    expect(result.response?.headers.get('www-authenticate')).toBe(
      'Bearer resource_metadata="http://localhost:3000/.well-known/oauth-protected-resource/mcp", scope="notes:read notes:write"',
    );
  });

  it(
    'steps up (403) for a tool beyond the token’s scopes, ' + 'alone or inside a batch; lets the rest through',
    async () => {
      const readOnly = await sign('notes:read');
      for (const body of [call('add_note'), [call('list_notes', 1), call('add_note', 2)]]) {
        const refused = await oauth.authorize(request(`Bearer ${readOnly}`, body));
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
        expect((await oauth.authorize(request(`Bearer ${readOnly}`, body))).ok, JSON.stringify(body)).toBe(true);
      }
    },
  );

  it('refuses a disallowed browser Origin with 403, and a bad token with 401 invalid_token', async () => {
    const token = await sign('notes:read notes:write');
    expect(
      (await oauth.authorize(request(`Bearer ${token}`, call('list_notes'), 'https://evil.example'))).response?.status,
    ).toBe(403);
    expect((await oauth.authorize(request(`Bearer ${token}`, call('list_notes'), 'http://localhost:6274'))).ok).toBe(
      true,
    );
    const bad = await oauth.authorize(request(`Bearer ${token}x`, call('list_notes')));
    expect(bad.response?.status).toBe(401);
    expect(bad.response?.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('refuses to start when MCP_SERVER_URL names another path than the route it guards', async () => {
    const { createMcpOAuth } = (await import(path.join(dir, 'mcp-oauth/index.ts'))) as {
      createMcpOAuth: (options: object) => unknown;
    };
    expect(() =>
      createMcpOAuth({
        mcpPath: '/api/mcp',
        env: {
          SCALEKIT_ENVIRONMENT_URL: 'https://acme.scalekit.com',
          SCALEKIT_RESOURCE_ID: 'res_1',
          MCP_SERVER_URL: 'http://localhost:3000/mcp',
        },
      }),
    ).toThrow(/this app serves MCP at \/api\/mcp/);
  });
});
