/**
 * The end-to-end story every patchable fixture goes through: `add` patches it, it type-checks (or just
 * runs), and over loopback it serves PRM, challenges a request without a token (401), refuses the same
 * hostile-request battery the scaffolded servers face (templates/base/test/support/hostile-requests.ts),
 * lets a valid token reach the tools with their original request bodies, refuses a tool beyond the token's
 * scopes (403 step-up, the tool does not run); then `add` again changes nothing, and `--dry-run` on a fresh
 * copy changes nothing either.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeScalekit, type FakeScalekit } from '../../../templates/base/test/support/fake-scalekit.js';
import { createSigningKey, signToken, type SigningKey } from '../../../templates/base/test/support/signing-keys.js';
import { hostileRequests, postWithAuthorization } from '../../../templates/base/test/support/hostile-requests.js';
import type { CliResult } from '../../support/cli.js';
import { failedChecks, runConformance, startTokenProxy } from '../../support/conformance.js';
import {
  buildTypeScript,
  callTool,
  copyFixture,
  initialize,
  linkDependencies,
  listTools,
  mcpPost,
  RESOURCE_ID,
  runAdd,
  scalekitArgs,
  startProject,
  treeHashes,
  type RunningProject,
} from './support.js';

export interface Scenario {
  fixture: string;
  /** The file `add` registers the guard in (the root app's, for a route mounted under a prefix). */
  entry: string;
  /** The public path of the MCP endpoint, prefixes included; default /mcp. */
  mcpPath?: string;
  /** Other files `add` must patch (the mounted route's module, to hand the token over). */
  alsoPatched?: string[];
  /** What to start: built output for TypeScript, the entry for JavaScript. */
  main: string;
  typescript: boolean;
  sdk: 'v1' | 'v2';
  /** The tools the fixture registers: one to read (notes:read), one to write (notes:write). */
  readTool: string;
  writeTool: string;
  /** Arguments for the write tool. */
  writeArgs: object;
  /** The write tool's answer names the caller's client id (from the token handed to the MCP layer). */
  writeToolEchoesClient?: boolean;
  /** The server keeps sessions (`Mcp-Session-Id` from initialize, sent with every later request). */
  stateful?: boolean;
  /** The server also serves the deprecated HTTP+SSE transport at these paths (GET stream, POST messages). */
  sse?: { stream: string; messages: string };
  /** Command-line arguments for the started server (an example that serves HTTP only under `--http`). */
  args?: string[];
}

/** Express with the v2 SDK in TypeScript, the style the SDK documents: also the one the Node matrix smoke patches. */
export const EXPRESS_V2_TS: Scenario = {
  fixture: 'express-v2-ts',
  entry: 'src/index.ts',
  main: 'dist/index.js',
  typescript: true,
  sdk: 'v2',
  readTool: 'list_notes',
  writeTool: 'add_note',
  writeArgs: { text: 'Water the plants' },
};

const TOOL_ARGS = (scenario: Scenario) => [
  '--scope',
  'notes:read=Read your notes',
  '--scope',
  'notes:write=Change your notes',
  '--tool',
  `${scenario.readTool}=notes:read`,
  '--tool',
  `${scenario.writeTool}=notes:write`,
];

export function describeAddScenario(scenario: Scenario): void {
  const mcpPath = scenario.mcpPath ?? '/mcp';
  /** RFC 9728: the well-known path goes in front of the resource's path. */
  const metadataUrlOf = (mcpUrl: string) =>
    `${new URL(mcpUrl).origin}/.well-known/oauth-protected-resource${new URL(mcpUrl).pathname}`;
  describe(`add on ${scenario.fixture}`, () => {
    let project: { dir: string; cleanup: () => Promise<void> };
    let before: Record<string, string>;
    let added: CliResult;
    let build: { exitCode: number | undefined; output: string } | undefined;
    let scalekit: FakeScalekit;
    let key: SigningKey;
    let server: RunningProject | undefined;

    beforeAll(async () => {
      project = await copyFixture(scenario.fixture);
      before = await treeHashes(project.dir);
      added = await runAdd(project.dir, [...scalekitArgs(), ...TOOL_ARGS(scenario), '--yes']);
      if (added.exitCode !== 0) return;
      await linkDependencies(project.dir);
      if (scenario.typescript) build = await buildTypeScript(project.dir);
      if (build && build.exitCode !== 0) return;
      key = await createSigningKey('add-key');
      scalekit = await startFakeScalekit(RESOURCE_ID, [key]);
      server = await startProject(
        project.dir,
        scenario.main,
        { SCALEKIT_ENVIRONMENT_URL: scalekit.url },
        mcpPath,
        scenario.args,
      );
    }, 240_000);

    afterAll(async () => {
      await server?.stop();
      await scalekit?.close();
      await project?.cleanup();
    });

    const running = (): RunningProject => {
      if (!server) throw new Error(`the patched project did not start:\n${added.all}\n${build?.output ?? ''}`);
      return server;
    };
    const token = (scope: string, claims: Record<string, unknown> = {}) => {
      const now = Math.floor(Date.now() / 1000);
      const payload: Record<string, unknown> = {
        iss: `${scalekit.url}/resources/${RESOURCE_ID}`,
        aud: [RESOURCE_ID],
        sub: 'usr_add',
        client_id: 'add-test',
        iat: now,
        exp: now + 300,
        scope,
        ...claims,
      };
      for (const [name, value] of Object.entries(payload)) if (value === undefined) delete payload[name];
      return signToken(key, payload);
    };

    it('patches the project without a prompt, showing the diff', async () => {
      expect(added.exitCode, added.all).toBe(0);
      expect(added.stdout).toContain(`+++ b/${scenario.entry}`);
      const entry = await readFile(path.join(project.dir, scenario.entry), 'utf8');
      expect(entry).toMatch(new RegExp(`\\.use\\(mcpOAuth\\(\\{ mcpPath: ['"]${mcpPath}['"]`));
      for (const file of scenario.alsoPatched ?? []) expect(added.stdout).toContain(`+++ b/${file}`);
      const manifest = JSON.parse(await readFile(path.join(project.dir, 'package.json'), 'utf8')) as {
        dependencies: Record<string, string>;
      };
      expect(manifest.dependencies.jose).toBe('^6.1.0');
      expect(await readFile(path.join(project.dir, '.env.example'), 'utf8')).toContain(
        `SCALEKIT_RESOURCE_ID=${RESOURCE_ID}`,
      );
    });

    if (scenario.typescript) {
      it('type-checks and builds with its own TypeScript', () => {
        expect(build?.exitCode, build?.output).toBe(0);
      });
    }

    it('serves Protected Resource Metadata for the MCP endpoint', async () => {
      const { origin, mcpUrl } = running();
      for (const wellKnown of [
        `/.well-known/oauth-protected-resource${mcpPath}`,
        '/.well-known/oauth-protected-resource',
      ]) {
        const response = await fetch(`${origin}${wellKnown}`);
        expect(response.status, wellKnown).toBe(200);
        expect(await response.json()).toMatchObject({
          resource: mcpUrl,
          authorization_servers: [`${scalekit.url}/resources/${RESOURCE_ID}`],
          bearer_methods_supported: ['header'],
          scopes_supported: ['notes:read', 'notes:write'],
        });
      }
    });

    it('answers a request without a token with the 401 challenge', async () => {
      const { endpoint, mcpUrl } = running();
      const answer = await mcpPost(endpoint, initialize);
      expect(answer.status).toBe(401);
      expect(answer.wwwAuthenticate).toContain(`resource_metadata="${metadataUrlOf(mcpUrl)}"`);
      expect(answer.wwwAuthenticate).toContain('scope="notes:read notes:write"');
      expect(answer.wwwAuthenticate).not.toContain('error=');
    });

    it("answers a browser's preflight for the MCP endpoint, allowing the Authorization header", async () => {
      // Before any CORS middleware of the app's own, which would answer it without allowing the token.
      const response = await fetch(running().endpoint, {
        method: 'OPTIONS',
        headers: {
          origin: 'http://localhost:6274',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization, content-type, mcp-protocol-version',
        },
      });
      await response.arrayBuffer();
      expect(response.status).toBeLessThan(300);
      expect(response.headers.get('access-control-allow-origin')).toMatch(/^(\*|http:\/\/localhost:6274)$/);
      expect(response.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    });

    it('refuses a token that is not valid with 401 invalid_token', async () => {
      const answer = await mcpPost(running().endpoint, initialize, `${await token('notes:read')}x`);
      expect(answer.status).toBe(401);
      expect(answer.wwwAuthenticate).toContain('error="invalid_token"');
    });

    describe('refuses the hostile-request battery the scaffolded servers face', () => {
      const battery = hostileRequests(() => ({
        mcpUrl: running().mcpUrl,
        resourceId: RESOURCE_ID,
        signingKey: key,
        token: (claims) => token('notes:read notes:write', claims),
      }));
      for (const hostile of battery) {
        it(hostile.name, async () => {
          const sent = postWithAuthorization(running().endpoint, initialize, await hostile.authorization());
          // A 100 KB header: the app keeps Node's default header limit, so the HTTP parser refuses it: with a 431,
          // or, when the refusal lands while the header is still being written, by closing the connection.
          // Either way the request never reaches the app (never a 200).
          if (hostile.oversized) {
            const refused = await sent.then(
              (answer) => (answer.status === 431 ? 'refused' : answer),
              (error: NodeJS.ErrnoException) => {
                if (error.code === 'ECONNRESET' || error.code === 'EPIPE') return 'refused' as const;
                throw error;
              },
            );
            if (refused === 'refused') return;
          }
          const answer = await sent;
          expect(answer.status, answer.body).toBe(401);
          expect(answer.wwwAuthenticate).toMatch(/^Bearer /);
          if (hostile.invalidToken) expect(answer.wwwAuthenticate).toContain('error="invalid_token"');
          else expect(answer.wwwAuthenticate).not.toContain('error=');
        });
      }
    });

    /** initialize; for a stateful server, the session to send later requests in. */
    const open = async (bearer: string): Promise<string | null> => {
      const answer = await mcpPost(running().endpoint, initialize, bearer);
      expect(answer.status).toBe(200);
      if (scenario.stateful) expect(answer.sessionId).toBeTruthy();
      return scenario.stateful ? answer.sessionId : null;
    };

    it('lets a valid token reach the tools', async () => {
      const { endpoint } = running();
      const bearer = await token('notes:read notes:write');
      const session = await open(bearer);
      const listed = await mcpPost(endpoint, listTools, bearer, session);
      expect(listed.status).toBe(200);
      expect(listed.messages[0]?.result?.tools?.map((tool) => tool.name)).toEqual(
        expect.arrayContaining([scenario.readTool, scenario.writeTool]),
      );
      const written = await mcpPost(endpoint, callTool(scenario.writeTool, scenario.writeArgs), bearer, session);
      expect(written.status).toBe(200);
      expect(written.messages[0]?.result?.isError ?? false).toBe(false);
      // The verified token reached the tool (`extra.authInfo`), not only the guard.
      if (scenario.writeToolEchoesClient) expect(JSON.stringify(written.messages[0]?.result)).toContain('add-test');
    });

    it("refuses a tool beyond the token's scopes with the 403 step-up, before the tool runs", async () => {
      const { endpoint, mcpUrl } = running();
      const readOnly = await token('notes:read');
      const session = await open(readOnly);
      const refused = await mcpPost(
        endpoint,
        callTool(scenario.writeTool, { ...scenario.writeArgs, text: 'must not be written' }),
        readOnly,
        session,
      );
      expect(refused.status).toBe(403);
      expect(refused.wwwAuthenticate).toContain('error="insufficient_scope"');
      // The write scope, plus the read scope the token holds, so re-authorizing does not lose it (MCP 2025-11-25).
      expect(refused.wwwAuthenticate).toContain('scope="notes:read notes:write"');
      expect(refused.wwwAuthenticate).toContain(`resource_metadata="${metadataUrlOf(mcpUrl)}"`);
      const read = await mcpPost(endpoint, callTool(scenario.readTool), readOnly, session);
      expect(read.status).toBe(200);
      expect(JSON.stringify(read.messages)).not.toContain('must not be written');
    });

    it("passes the MCP conformance suite's protocol scenarios with a valid token", { timeout: 120_000 }, async () => {
      // The suite connects as an independent client (its own session handling, protocol version 2025-11-25);
      // a loopback proxy adds the token. Its DNS-rebinding probe (Host and Origin evil.example.com) must meet the
      // guard's 403 even where the app itself checks neither.
      const bearer = await token('notes:read notes:write');
      const proxy = await startTokenProxy(running().mcpUrl, () => bearer);
      try {
        const runs = await runConformance(proxy.url, [
          'server-initialize',
          'ping',
          'tools-list',
          'dns-rebinding-protection',
        ]);
        expect(failedChecks(runs)).toEqual([]);
        expect(runs.flatMap((run) => run.checks.map((check) => check.status))).toContain('SUCCESS');
      } finally {
        await proxy.close();
      }
    });

    const sse = scenario.sse;
    if (sse) {
      it('guards the deprecated HTTP+SSE endpoints too: 401 without a token, the stream opens with one', async () => {
        const { origin } = running();
        const stream = await fetch(`${origin}${sse.stream}`, { headers: { accept: 'text/event-stream' } });
        expect(stream.status).toBe(401);
        expect(stream.headers.get('www-authenticate')).toContain('resource_metadata=');
        await stream.arrayBuffer();
        const message = await fetch(`${origin}${sse.messages}?sessionId=any`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(listTools),
        });
        expect(message.status).toBe(401);
        await message.arrayBuffer();
        const controller = new AbortController();
        const opened = await fetch(`${origin}${sse.stream}`, {
          headers: { accept: 'text/event-stream', authorization: `Bearer ${await token('notes:read')}` },
          signal: controller.signal,
        });
        expect(opened.status).toBe(200);
        expect(opened.headers.get('content-type')).toContain('text/event-stream');
        controller.abort();
      });
    }

    if (scenario.sdk === 'v1') {
      it("refuses a tools/call beyond the token's scopes inside a JSON-RPC batch too", async () => {
        const readOnly = await token('notes:read');
        const batch = [
          callTool(scenario.readTool, {}, 5),
          callTool(scenario.writeTool, { ...scenario.writeArgs, text: 'batched' }, 6),
        ];
        const response = await fetch(running().endpoint, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            accept: 'application/json, text/event-stream',
            authorization: `Bearer ${readOnly}`,
          },
          body: JSON.stringify(batch),
        });
        expect(response.status).toBe(403);
        expect(response.headers.get('www-authenticate')).toContain('scope="notes:read notes:write"');
      });
    }

    it('changes nothing when run again, and says the project is already set up', async () => {
      const patched = await treeHashes(project.dir);
      const again = await runAdd(project.dir, [...scalekitArgs(), ...TOOL_ARGS(scenario), '--yes']);
      expect(again.exitCode, again.all).toBe(0);
      expect(again.stdout).toContain('Already set up');
      expect(await treeHashes(project.dir)).toEqual(patched);
    });

    it('with --dry-run prints the diff and changes no file', async () => {
      const fresh = await copyFixture(scenario.fixture);
      try {
        const dryRun = await runAdd(fresh.dir, [...scalekitArgs(), ...TOOL_ARGS(scenario), '--dry-run']);
        expect(dryRun.exitCode, dryRun.all).toBe(0);
        expect(dryRun.stdout).toContain(`+++ b/${scenario.entry}`);
        expect(dryRun.stdout).toContain('Dry run: nothing was written.');
        expect(await treeHashes(fresh.dir)).toEqual(before);
      } finally {
        await fresh.cleanup();
      }
    });
  });
}
