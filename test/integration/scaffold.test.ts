/**
 * End to end, per framework: scaffold non-interactively with the built CLI, install, type-check, run the
 * generated project's own tests, then start the built server against a local stand-in for Scalekit and
 * probe it over loopback the way an MCP client does. Hostile descriptions ride along on the Hono project.
 */
import { execa, type ResultPromise } from 'execa';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSigningKey, signToken, startFakeScalekit, type FakeScalekit, type SigningKey } from '../../templates/base/test/support/signing-keys.js';
import { runCli } from '../support/cli.js';
import { freePort } from '../support/ports.js';
import { HOSTILE_DESCRIPTIONS } from '../support/project-config.js';

const RESOURCE_ID = 'res_4242';

interface Case {
  framework: 'express' | 'hono';
  scopes: { name: string; description: string }[];
}

const cases: Case[] = [
  {
    framework: 'express',
    scopes: [
      { name: 'todo:read', description: 'Read your todos' },
      { name: 'todo:write', description: 'Create and change your todos' },
    ],
  },
  {
    framework: 'hono',
    scopes: [
      { name: 'todo:read', description: HOSTILE_DESCRIPTIONS[0]! },
      { name: 'todo:write', description: HOSTILE_DESCRIPTIONS.slice(1).join(' ') },
    ],
  },
];

let workspace: string;
beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'create-mcp-oauth-it-'));
});
afterAll(async () => {
  await rm(workspace, { recursive: true, force: true });
});

describe.each(cases)('a scaffolded $framework server', ({ framework, scopes }) => {
  let dir: string;
  let port: number;
  let scalekit: FakeScalekit;
  let key: SigningKey;

  beforeAll(async () => {
    key = await createSigningKey('it-key');
    scalekit = await startFakeScalekit(RESOURCE_ID, [key]);
    port = await freePort();
    dir = join(workspace, `${framework}-server`);
    const result = await runCli(
      [
        dir,
        '--framework', framework,
        '--base-url', `http://localhost:${port}`,
        '--scalekit-env-url', scalekit.url,
        '--resource-id', RESOURCE_ID,
        ...scopes.flatMap((scope) => ['--scope', `${scope.name}=${scope.description}`]),
        '--tool', 'whoami=',
        '--tool', 'list_todos=todo:read',
        '--tool', 'add_todo=todo:write',
        '--registration', 'both',
        '--package-manager', 'npm',
        '--no-git',
      ],
      { timeout: 300_000 },
    );
    expect(result.exitCode, result.all).toBe(0);
  }, 320_000);

  afterAll(async () => {
    await scalekit?.close();
  });

  it('keeps the descriptions exactly, as TypeScript data', async () => {
    const source = await readFile(join(dir, 'src/mcp/tool-scopes.ts'), 'utf8');
    const { SCOPES } = (await import(join(dir, 'src/mcp/tool-scopes.ts'))) as { SCOPES: Record<string, string> };
    expect(SCOPES).toEqual(Object.fromEntries(scopes.map((scope) => [scope.name, scope.description])));
    expect(source).toContain('export const TOOL_SCOPES');
  });

  it('type-checks and passes its own test suite', async () => {
    const typecheck = await execa('npm', ['run', 'typecheck'], { cwd: dir, reject: false, all: true });
    expect(typecheck.exitCode, typecheck.all).toBe(0);
    const tests = await execa('npm', ['test'], { cwd: dir, reject: false, all: true, env: { CI: 'true', NO_COLOR: '1' } });
    expect(tests.exitCode, tests.all).toBe(0);
    expect(tests.all).toMatch(/Tests\s+\d+ passed/);
  }, 180_000);

  describe('built and started', () => {
    let server: ResultPromise | undefined;
    let origin: string;

    beforeAll(async () => {
      const build = await execa('npm', ['run', 'build'], { cwd: dir, reject: false, all: true });
      expect(build.exitCode, build.all).toBe(0);
      origin = `http://127.0.0.1:${port}`;
      server = execa('node', ['dist/index.js'], { cwd: dir, reject: false, all: true, env: { JWKS_COOLDOWN_SECONDS: '0' } });
      await waitFor(`${origin}/healthz`);
    }, 120_000);

    afterAll(async () => {
      server?.kill('SIGTERM');
      await server;
    });

    const mcpUrl = () => `http://localhost:${port}/mcp`;
    const token = (claims: Record<string, unknown>) => {
      const now = Math.floor(Date.now() / 1000);
      return signToken(key, { iss: `${scalekit.url}/resources/${RESOURCE_ID}`, aud: [RESOURCE_ID], sub: 'usr_it', client_id: 'it', iat: now, exp: now + 300, ...claims });
    };
    const post = (body: object, bearer?: string) =>
      fetch(`${origin}/mcp`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
        },
        body: JSON.stringify(body),
      });
    const call = (name: string, args: object = {}) => ({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: args } });

    it('serves Protected Resource Metadata at both well-known paths', async () => {
      for (const path of ['/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource']) {
        const response = await fetch(`${origin}${path}`);
        expect(response.status).toBe(200);
        expect(await response.json()).toMatchObject({
          resource: mcpUrl(),
          authorization_servers: [`${scalekit.url}/resources/${RESOURCE_ID}`],
          scopes_supported: ['todo:read', 'todo:write'],
        });
      }
    });

    it('challenges a request without a token with 401', async () => {
      const response = await post(call('whoami'));
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe(
        `Bearer resource_metadata="http://localhost:${port}/.well-known/oauth-protected-resource/mcp", scope="todo:read todo:write"`,
      );
    });

    it('answers 403 insufficient_scope for a tool beyond the token', async () => {
      const response = await post(call('add_todo', { title: 'x' }), await token({ scope: 'todo:read' }));
      expect(response.status).toBe(403);
      expect(response.headers.get('www-authenticate')).toContain('error="insufficient_scope", error_description="Insufficient scope", scope="todo:write"');
    });

    it('runs a tool for a token with its scope', async () => {
      const response = await post(call('add_todo', { title: 'Ship it' }), await token({ scopes: ['todo:write'] }));
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('Added todo 1: Ship it');
    });
  });
});

async function waitFor(url: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not come up within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
