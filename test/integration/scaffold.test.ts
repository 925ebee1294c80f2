/**
 * End to end, per framework, on the projects the fixture scaffolded with the built CLI (non-interactive,
 * with install): the scaffold succeeded, descriptions survived as data, the project type-checks and passes
 * its own tests (the quick suite and `test:stress`), and the built server answers like an OAuth resource
 * server over loopback.
 */
import { execa } from 'execa';
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeScalekit, type FakeScalekit } from '../../templates/base/test/support/fake-scalekit.js';
import { createSigningKey, signToken, type SigningKey } from '../../templates/base/test/support/signing-keys.js';
import {
  FIXTURE_RESOURCE_ID,
  FIXTURE_SCOPES,
  generatedProject,
  startGeneratedServer,
  typecheckAndTest,
  type Fixture,
  type GeneratedProject,
  type RunningServer,
} from '../support/generated-projects.js';

describe.each<Fixture>(['express', 'hono', 'workers'])('a scaffolded %s server', (framework) => {
  let project: GeneratedProject;
  beforeAll(() => {
    project = generatedProject(framework);
  });
  /** Where the answers went: `.env`, or `.dev.vars` for a Worker (wrangler's local configuration). */
  const localConfig = framework === 'workers' ? '.dev.vars' : '.env';

  it('was scaffolded and installed without a prompt, ending with next steps', async () => {
    expect(project.cli.exitCode, project.cli.all).toBe(0);
    expect(project.cli.stdout).toContain('Next steps');
    await access(join(project.dir, 'node_modules/@modelcontextprotocol/server/package.json'));
    await access(join(project.dir, localConfig));
  });

  it('keeps the scope descriptions exactly, as TypeScript data', async () => {
    const { SCOPES } = (await import(join(project.dir, 'src/mcp-oauth/tool-scopes.ts'))) as {
      SCOPES: Record<string, string>;
    };
    expect(SCOPES).toEqual(Object.fromEntries(FIXTURE_SCOPES.map((scope) => [scope.name, scope.description])));
    expect(await readFile(join(project.dir, localConfig), 'utf8')).toContain(
      `SCALEKIT_RESOURCE_ID=${FIXTURE_RESOURCE_ID}\n`,
    );
  });

  it('type-checks and passes its own test suite', async () => {
    const { typecheck, tests } = await typecheckAndTest(project);
    expect(typecheck.exitCode, typecheck.output).toBe(0);
    expect(tests.exitCode, tests.output).toBe(0);
    expect(tests.output).toMatch(/Tests\s+\d+ passed/);
    // A Worker's suite runs inside the Workers runtime (workerd), not in Node.
    if (framework === 'workers') expect(tests.output).toContain('test/worker.test.ts');
    // The quick suite leaves the slow checks to `test:stress`.
    expect(tests.output).not.toContain('test/stress/');
  }, 600_000);

  it('passes its slow checks (npm run test:stress), which guard what the generator writes', async () => {
    const stress = await execa('npm', ['run', 'test:stress'], {
      cwd: project.dir,
      reject: false,
      all: true,
      env: { ...project.env, CI: 'true', NO_COLOR: '1' },
    });
    expect(stress.exitCode, String(stress.all)).toBe(0);
    for (const file of ['load', 'key-set-timing', ...(framework === 'workers' ? [] : ['shutdown'])])
      expect(String(stress.all)).toContain(`test/stress/${file}.test.ts`);
  }, 600_000);

  describe('built and started', () => {
    let scalekit: FakeScalekit;
    let key: SigningKey;
    let server: RunningServer;

    beforeAll(async () => {
      key = await createSigningKey('it-key');
      scalekit = await startFakeScalekit(FIXTURE_RESOURCE_ID, [key]);
      server = await startGeneratedServer(project, {
        SCALEKIT_ENVIRONMENT_URL: scalekit.url,
        SCALEKIT_RESOURCE_ID: FIXTURE_RESOURCE_ID,
        JWKS_COOLDOWN_SECONDS: '0',
      });
    }, 180_000);

    afterAll(async () => {
      await server?.stop();
      await scalekit?.close();
    });

    const token = (claims: Record<string, unknown>) => {
      const now = Math.floor(Date.now() / 1000);
      return signToken(key, {
        iss: `${scalekit.url}/resources/${FIXTURE_RESOURCE_ID}`,
        aud: [FIXTURE_RESOURCE_ID],
        sub: 'usr_it',
        client_id: 'it',
        iat: now,
        exp: now + 300,
        ...claims,
      });
    };
    const post = (body: object, bearer?: string) =>
      fetch(`${server.origin}/mcp`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
        },
        body: JSON.stringify(body),
      });
    const call = (name: string, args: object = {}) => ({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name, arguments: args },
    });

    it('serves Protected Resource Metadata at both well-known paths', async () => {
      for (const path of ['/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource']) {
        const response = await fetch(`${server.origin}${path}`);
        expect(response.status).toBe(200);
        expect(await response.json()).toMatchObject({
          resource: server.mcpUrl,
          authorization_servers: [`${scalekit.url}/resources/${FIXTURE_RESOURCE_ID}`],
          scopes_supported: ['todo:read', 'todo:write'],
        });
      }
    });

    it('challenges a request without a token with 401', async () => {
      const response = await post(call('whoami'));
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe(
        `Bearer resource_metadata="http://localhost:${server.port}/.well-known/oauth-protected-resource/mcp", scope="todo:read todo:write"`,
      );
    });

    it('answers 403 insufficient_scope for a tool beyond the token', async () => {
      const response = await post(call('add_todo', { title: 'x' }), await token({ scope: 'todo:read' }));
      expect(response.status).toBe(403);
      expect(response.headers.get('www-authenticate')).toContain(
        'error="insufficient_scope", error_description="Insufficient ' +
          'scope: this tool needs todo:write", scope="todo:read todo:write"',
      );
    });

    it('runs a tool for a token with its scope', async () => {
      const response = await post(call('add_todo', { title: 'Ship it' }), await token({ scopes: ['todo:write'] }));
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('Added todo 1: Ship it');
    });

    it('refuses hostile and broken tokens with a 401 challenge, never a 200 or a 500', async () => {
      const now = Math.floor(Date.now() / 1000);
      const genuine = await token({ scopes: ['todo:read'] });
      const [header, payload] = genuine.split('.');
      const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`;
      const hostile = {
        'alg none': unsigned,
        'signature stripped': `${header}.${payload}.`,
        'another key, same kid': await signToken(await createSigningKey(key.kid), {
          ...JSON.parse(Buffer.from(payload!, 'base64url').toString()),
        }),
        expired: await token({ exp: now - 120 }),
        'not yet valid': await token({ nbf: now + 600 }),
        'foreign audience': await token({ aud: ['res_other'] }),
        'foreign issuer': await token({ iss: 'https://evil.example' }),
        'another server URL in aud': await token({ aud: [FIXTURE_RESOURCE_ID, 'https://other.example/mcp'] }),
        garbage: 'not.a.jwt',
        oversized: 'x'.repeat(20_000),
      };
      for (const [name, bearer] of Object.entries(hostile)) {
        const response = await post(call('whoami'), bearer);
        expect(response.status, name).toBe(401);
        expect(response.headers.get('www-authenticate'), name).toContain('error="invalid_token"');
      }
    });

    it('picks up a rotated signing key without a restart', async () => {
      const rotated = await createSigningKey('it-key-rotated');
      scalekit.keys.push(rotated);
      const now = Math.floor(Date.now() / 1000);
      const bearer = await signToken(rotated, {
        iss: `${scalekit.url}/resources/${FIXTURE_RESOURCE_ID}`,
        aud: [FIXTURE_RESOURCE_ID],
        sub: 'usr_it',
        client_id: 'it',
        iat: now,
        exp: now + 300,
      });
      expect((await post(call('whoami'), bearer)).status).toBe(200);
    });

    it('logs the rejections as JSON lines with a reason, and never a token', async () => {
      const bearer = await token({ exp: Math.floor(Date.now() / 1000) - 120 });
      expect((await post(call('whoami'), bearer)).status).toBe(401);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const lines = server
        .output()
        .split('\n')
        .filter((line) => line.includes('request_rejected'));
      expect(lines.map((line) => JSON.parse(line).reason)).toContain('token_expired');
      expect(server.output()).not.toContain(bearer);
    });
  });
});

describe("a scaffolded Workers project, on this machine's Node", () => {
  it('says whether the project needs a newer Node than this one (wrangler needs 22.12)', () => {
    const project = generatedProject('workers');
    const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
    const old = major < 22 || (major === 22 && minor < 12);
    expect(project.cli.exitCode, project.cli.all).toBe(0);
    expect(project.cli.all.includes('need Node.js 22.12 or newer')).toBe(old);
  });
});
