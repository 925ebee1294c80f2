/**
 * `add` on a Hono app deployed as a Cloudflare Worker, as `npm create cloudflare` sets one up: `export default app`,
 * wrangler.jsonc, a tsconfig with the Workers types only, `@hono/mcp`. A Worker has no start-up and no
 * `process.env`: its variables come with each request, so the guard must read them from `c.env` on the first one,
 * and the module must type-check without Node's types. The patched app is then served the way Workers call it
 * (`app.fetch(request, env)`), here in-process through `app.request(…, env)`.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeScalekit, type FakeScalekit } from '../../../templates/base/test/support/fake-scalekit.js';
import { createSigningKey, signToken, type SigningKey } from '../../../templates/base/test/support/signing-keys.js';
import type { CliResult } from '../../support/cli.js';
import {
  buildTypeScript,
  callTool,
  copyFixture,
  initialize,
  linkDependencies,
  RESOURCE_ID,
  runAdd,
  scalekitArgs,
} from './support.js';

interface WorkerApp {
  request(input: string, init: RequestInit, env: Record<string, unknown>): Promise<Response>;
}

const MCP_URL = 'http://localhost:8787/mcp';

describe('add on a Hono app running as a Cloudflare Worker', () => {
  let project: { dir: string; cleanup: () => Promise<void> };
  let added: CliResult;
  let build: { exitCode: number | undefined; output: string };
  let app: WorkerApp;
  let scalekit: FakeScalekit;
  let key: SigningKey;

  beforeAll(async () => {
    project = await copyFixture('hono-v1-workers');
    added = await runAdd(project.dir, [
      ...scalekitArgs(),
      '--scope',
      'notes:read',
      '--scope',
      'notes:write',
      '--tool',
      'list_issues=notes:read',
      '--tool',
      'create_issue=notes:write',
      '--yes',
    ]);
    if (added.exitCode !== 0) return;
    await linkDependencies(project.dir);
    build = await buildTypeScript(project.dir);
    key = await createSigningKey('worker-key');
    scalekit = await startFakeScalekit(RESOURCE_ID, [key]);
    app = ((await import(path.join(project.dir, 'src/index.ts'))) as { default: WorkerApp }).default;
  }, 300_000);

  afterAll(async () => {
    await scalekit?.close();
    await project?.cleanup();
  });

  /** The Worker's bindings: wrangler.jsonc's vars and the OAuth variables (vars or secrets). */
  const env = () => ({
    TEAM_NAME: 'core',
    SCALEKIT_ENVIRONMENT_URL: scalekit.url,
    SCALEKIT_RESOURCE_ID: RESOURCE_ID,
    MCP_SERVER_URL: MCP_URL,
  });
  const post = (body: object, bindings: Record<string, unknown>, token?: string) =>
    app.request(
      MCP_URL,
      {
        method: 'POST',
        headers: {
          host: 'localhost:8787',
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(body),
      },
      bindings,
    );
  const token = (scope: string) => {
    const now = Math.floor(Date.now() / 1000);
    return signToken(key, {
      iss: `${scalekit.url}/resources/${RESOURCE_ID}`,
      aud: [RESOURCE_ID],
      sub: 'usr_worker',
      client_id: 'worker-client',
      iat: now,
      exp: now + 300,
      scope,
    });
  };

  it('reads the variables from c.env, says the project is a Worker and where its variables go', async () => {
    expect(added.exitCode, added.all).toBe(0);
    expect(added.stdout).toContain('Hono 4 on Cloudflare Workers (wrangler.jsonc)');
    expect(await readFile(path.join(project.dir, 'src/index.ts'), 'utf8')).toContain(
      // Written in the file's style: without semicolons.
      "app.use(mcpOAuth({ mcpPath: '/mcp', env: (c) => c.env }))\n",
    );
    // wrangler dev's port, not a Node server's.
    expect(await readFile(path.join(project.dir, '.env.example'), 'utf8')).toContain(`MCP_SERVER_URL=${MCP_URL}`);
    expect(added.stdout).toContain("as the Worker's vars in wrangler.jsonc");
  });

  it('type-checks with the Workers types only (no @types/node in its tsconfig)', () => {
    expect(build.exitCode, build.output).toBe(0);
  });

  it('answers 503 while the variables are missing, and never serves the endpoint without them', async () => {
    const unconfigured = { TEAM_NAME: 'core' };
    const answer = await post(initialize, unconfigured, await token('notes:read'));
    expect(answer.status).toBe(503);
    expect(await answer.json()).toMatchObject({ error: 'server_misconfigured' });
    const metadata = await app.request(
      'http://localhost:8787/.well-known/oauth-protected-resource/mcp',
      { headers: { host: 'localhost:8787' } },
      unconfigured,
    );
    expect(metadata.status).toBe(503);
  });

  it('serves the discovery document and challenges a request without a token', async () => {
    const metadata = await app.request(
      'http://localhost:8787/.well-known/oauth-protected-resource/mcp',
      { headers: { host: 'localhost:8787' } },
      env(),
    );
    expect(metadata.status).toBe(200);
    expect(await metadata.json()).toMatchObject({
      resource: MCP_URL,
      authorization_servers: [`${scalekit.url}/resources/${RESOURCE_ID}`],
    });
    const challenged = await post(initialize, env());
    expect(challenged.status).toBe(401);
    expect(challenged.headers.get('www-authenticate')).toContain(
      'resource_metadata="http://localhost:8787/.well-known/oauth-protected-resource/mcp"',
    );
  });

  it('lets a valid token reach the tools, and refuses a tool beyond its scopes with the 403 step-up', async () => {
    const opened = await post(initialize, env(), await token('notes:read notes:write'));
    expect(opened.status, await opened.clone().text()).toBe(200);
    const written = await post(
      callTool('create_issue', { title: 'Flaky deploy' }),
      env(),
      await token('notes:read notes:write'),
    );
    expect(written.status).toBe(200);
    // The verified token reached the tool through @hono/mcp's context.
    expect(await written.text()).toContain('worker-client');
    const refused = await post(callTool('create_issue', { title: 'not allowed' }), env(), await token('notes:read'));
    expect(refused.status).toBe(403);
    expect(refused.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
  });
});
