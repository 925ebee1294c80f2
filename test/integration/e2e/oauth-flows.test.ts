/**
 * The whole OAuth dance, per framework, with the official MCP clients against a fixture project's built
 * server and the local Scalekit-shaped authorization server it ships in dev/. No request is faked:
 * the SDKs discover, register, authorize (PKCE), get tokens and step up; the server verifies for real.
 */
import {
  Client,
  ClientCredentialsProvider,
  StreamableHTTPClientTransport,
  UnauthorizedError,
} from '@modelcontextprotocol/client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startLocalScalekit, type IssuerForm } from '../../../templates/base/dev/local-scalekit.js';
import { machineToken, postInitialize, startE2eStack, type E2eStack } from '../../support/e2e-stack.js';
import {
  FIXTURE_RESOURCE_ID,
  FIXTURE_SCOPES,
  generatedProject,
  type Fixture,
} from '../../support/generated-projects.js';
import {
  connectV1,
  connectV2,
  HostV1,
  HostV2,
  REDIRECT_URI,
  requestedScopes,
  textOf,
} from '../../support/oauth-hosts.js';

const SCOPES = FIXTURE_SCOPES.map((scope) => scope.name);
const TOOL_NAMES = ['add_todo', 'list_todos', 'whoami'];

describe.each<Fixture>(['express', 'hono', 'workers'])(
  'a generated %s server, end to end with real OAuth',
  (framework) => {
    let stack: E2eStack;

    beforeAll(async () => {
      stack = await startE2eStack(generatedProject(framework));
    }, 180_000);
    afterAll(() => stack?.stop());
    afterEach(() => {
      // Switches some tests flip on the shared authorization server.
      stack.as.setIssuerForm('resource');
      stack.as.setDcr(true);
    });

    /** Waits for the server's JSON log line about a rejected request matching `fields`. */
    async function rejection(fields: Record<string, unknown>): Promise<Record<string, unknown>> {
      const deadline = Date.now() + 2000;
      for (;;) {
        const found = stack
          .logEvents()
          .find(
            (event) =>
              event.event === 'request_rejected' &&
              Object.entries(fields).every(([name, value]) => event[name] === value),
          );
        if (found) return found;
        if (Date.now() > deadline)
          throw new Error(`No request_rejected log line with ${JSON.stringify(fields)}:\n${stack.server.output()}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }

    describe.each<IssuerForm>(['resource', 'environment'])(
      'v2 client (@modelcontextprotocol/client), tokens with the %s issuer',
      (form) => {
        it(
          'signs in from the 401 (PRM, AS metadata, DCR, ' + 'PKCE), lists and calls tools, and steps up on 403',
          async () => {
            const { as } = stack;
            as.setIssuerForm(form);
            as.resetStats();
            const user = `v2-${form}@example.com`;
            // The user grants only todo:read at first.
            const host = new HostV2({ login: { user, grantScopes: ['todo:read'] } });
            const session = await connectV2(stack.mcpUrl, host);
            try {
              // 1. One sign-in, reached from the challenge alone: registered dynamically, PKCE, bound to the MCP URL.
              expect(host.authorizationUrls).toHaveLength(1);
              const first = host.authorizationUrls[0]!;
              expect(`${first.origin}${first.pathname}`).toBe(`${as.issuer}/oauth/authorize`);
              expect(first.searchParams.get('resource')).toBe(stack.mcpUrl);
              expect(first.searchParams.get('code_challenge_method')).toBe('S256');
              expect(requestedScopes(first)).toEqual(expect.arrayContaining(SCOPES));
              expect(as.stats().registrations).toBe(1);
              expect(first.searchParams.get('client_id')).toBe(host.clientInformation()?.client_id);
              expect(host.claims()).toMatchObject({
                iss: form === 'resource' ? as.issuer : as.url,
                scopes: ['todo:read'],
              });

              const { tools } = await session.client.listTools();
              expect(tools.map((tool) => tool.name).sort()).toEqual(TOOL_NAMES);

              // 2. A tool the granted scope allows.
              expect(textOf(await session.client.callTool({ name: 'list_todos', arguments: {} }))).toBe(
                'No todos yet.',
              );
              const whoami = await session.client.callTool({ name: 'whoami', arguments: {} });
              expect(whoami.structuredContent).toMatchObject({ subject: as.userIdFor(user), scopes: ['todo:read'] });

              // 3. A tool beyond it: 403 insufficient_scope, the client re-authorizes with the union, the call
              // succeeds.
              host.login = { user };
              const added = await session.run(() =>
                session.client.callTool({ name: 'add_todo', arguments: { title: 'Ship it' } }),
              );
              expect(textOf(added)).toMatch(/^Added todo \d+: Ship it$/);
              await rejection({
                status: 403,
                reason: 'insufficient_scope',
                client_id: host.clientInformation()?.client_id,
              });
              expect(host.authorizationUrls).toHaveLength(2);
              expect(requestedScopes(host.authorizationUrls[1])).toEqual(expect.arrayContaining(SCOPES));
              expect(host.claims().scopes).toEqual(SCOPES);
              expect(textOf(await session.client.callTool({ name: 'list_todos', arguments: {} }))).toMatch(
                /\d+\. Ship it/,
              );
              // No second registration: the client kept its client id.
              expect(as.stats().registrations).toBe(1);
            } finally {
              await session.close();
            }
          },
        );
      },
    );

    it(
      'v2 client: steps up on resources/read and on prompts/get, ' + 're-authorizes with the union, and succeeds',
      async () => {
        const user = 'v2-policy@example.com';
        // The user grants only todo:write: enough to add a todo, not to read it back or plan with it.
        const host = new HostV2({ login: { user, grantScopes: ['todo:write'] } });
        const session = await connectV2(stack.mcpUrl, host);
        try {
          const added = textOf(
            await session.client.callTool({ name: 'add_todo', arguments: { title: 'Read me back' } }),
          );
          const id = /^Added todo (\d+):/.exec(added)?.[1];
          expect(id, added).toBeDefined();

          // resources/read beyond the token: 403, re-authorization with todo:write + todo:read, then the todo.
          host.login = { user };
          const read = await session.run(() => session.client.readResource({ uri: `todo://todos/${id}` }));
          expect(JSON.parse((read.contents[0] as { text: string }).text)).toMatchObject({ title: 'Read me back' });
          await rejection({ status: 403, reason: 'insufficient_scope', required_scope: 'todo:write todo:read' });
          expect(host.authorizationUrls).toHaveLength(2);
          expect(requestedScopes(host.authorizationUrls[1])).toEqual(expect.arrayContaining(SCOPES));
          expect(new Set(host.claims().scopes as string[])).toEqual(new Set(SCOPES));
        } finally {
          await session.close();
        }

        // prompts/get, from a fresh sign-in that again granted only todo:write.
        const second = new HostV2({ login: { user, grantScopes: ['todo:write'] } });
        const promptSession = await connectV2(stack.mcpUrl, second);
        try {
          second.login = { user };
          const prompt = await promptSession.run(() =>
            promptSession.client.getPrompt({ name: 'review_todos', arguments: {} }),
          );
          expect((prompt.messages[0]!.content as { text: string }).text).toContain('Read me back');
          expect(second.authorizationUrls).toHaveLength(2);
          expect(requestedScopes(second.authorizationUrls[1])).toEqual(expect.arrayContaining(SCOPES));
        } finally {
          await promptSession.close();
        }
      },
    );

    it(
      'v1 client (@modelcontextprotocol/sdk): signs in from ' + 'the 401, lists and calls tools, and steps up on 403',
      async () => {
        const { as } = stack;
        as.resetStats();
        const user = 'v1@example.com';
        const host = new HostV1({ login: { user, grantScopes: ['todo:read'] } });
        const session = await connectV1(stack.mcpUrl, host);
        try {
          expect(host.authorizationUrls).toHaveLength(1);
          expect(host.authorizationUrls[0]!.searchParams.get('resource')).toBe(stack.mcpUrl);
          expect(as.stats().registrations).toBe(1);

          const { tools } = await session.client.listTools();
          expect(tools.map((tool) => tool.name).sort()).toEqual(TOOL_NAMES);
          expect(textOf(await session.client.callTool({ name: 'list_todos', arguments: {} }))).toBe('No todos yet.');

          host.login = { user };
          const added = await session.run(() =>
            session.client.callTool({ name: 'add_todo', arguments: { title: 'From v1' } }),
          );
          expect(textOf(added)).toMatch(/^Added todo \d+: From v1$/);
          await rejection({
            status: 403,
            reason: 'insufficient_scope',
            client_id: host.clientInformation()?.client_id,
          });
          // v1 re-authorizes with the scope the 403 names (v2 asks for the union).
          expect(host.authorizationUrls).toHaveLength(2);
          expect(requestedScopes(host.authorizationUrls[1])).toContain('todo:write');
          expect(host.claims().scopes).toContain('todo:write');
        } finally {
          await session.close();
        }
      },
    );

    it(
      'serves a client-credentials machine client: the SDK ' + 'gets a token bound to the MCP URL and calls tools',
      async () => {
        const { as } = stack;
        const machine = await as.registerClient({
          client_name: 'e2e machine',
          grant_types: ['client_credentials'],
          token_endpoint_auth_method: 'client_secret_basic',
        });
        const provider = new ClientCredentialsProvider({
          clientId: String(machine.client_id),
          clientSecret: String(machine.client_secret),
          scope: SCOPES.join(' '),
          expectedIssuer: as.issuer,
        });
        const client = new Client({ name: 'e2e-machine', version: '1.0.0' });
        await client.connect(new StreamableHTTPClientTransport(new URL(stack.mcpUrl), { authProvider: provider }));
        try {
          const whoami = await client.callTool({ name: 'whoami', arguments: {} });
          // A machine token's subject is the client itself.
          expect(whoami.structuredContent).toMatchObject({ subject: machine.client_id, clientId: machine.client_id });
          expect(textOf(await client.callTool({ name: 'add_todo', arguments: { title: 'Nightly job' } }))).toMatch(
            /Nightly job$/,
          );
        } finally {
          await client.close();
        }
      },
    );

    it('accepts tokens signed with a new key after a rotation, without a restart', async () => {
      const { as } = stack;
      const before = new HostV2({ login: { user: 'rotation@example.com' } });
      const first = await connectV2(stack.mcpUrl, before);
      await first.client.callTool({ name: 'whoami', arguments: {} });
      await first.close();
      const oldKid = before.header().kid;
      const fetchesBefore = as.stats().jwksFetches;

      // An abrupt rotation: the old key leaves the key set at once.
      const { kid } = await as.rotateKeys({ keepPrevious: false });
      const after = new HostV2({ login: { user: 'rotation@example.com' } });
      const second = await connectV2(stack.mcpUrl, after);
      try {
        expect(after.header().kid).toBe(kid);
        expect(kid).not.toBe(oldKid);
        const whoami = await second.client.callTool({ name: 'whoami', arguments: {} });
        expect(whoami.structuredContent).toMatchObject({ subject: as.userIdFor('rotation@example.com') });
        // The unknown kid made the same server process fetch the key set again.
        expect(as.stats().jwksFetches).toBeGreaterThan(fetchesBefore);
        // A Worker has no process start to count (wrangler dev would restart it on a change, not on a key).
        if (framework !== 'workers')
          expect(stack.logEvents().filter((event) => event.event === 'listening')).toHaveLength(1);
      } finally {
        await second.close();
      }
    });

    it('with dynamic client registration off, signs in as a pre-registered client (and cannot register)', async () => {
      const { as } = stack;
      as.setDcr(false);
      as.resetStats();
      const metadata = (await (await fetch(as.metadataUrl)).json()) as Record<string, unknown>;
      expect(metadata).not.toHaveProperty('registration_endpoint');
      await expect(connectV2(stack.mcpUrl, new HostV2())).rejects.toThrow(/regist/i);

      const registered = await as.registerClient({
        client_name: 'pre-registered host',
        redirect_uris: [REDIRECT_URI],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
      });
      const host = new HostV2({ clientId: String(registered.client_id), login: { user: 'preregistered@example.com' } });
      const session = await connectV2(stack.mcpUrl, host);
      try {
        expect(host.authorizationUrls[0]!.searchParams.get('client_id')).toBe(registered.client_id);
        const whoami = await session.client.callTool({ name: 'whoami', arguments: {} });
        expect(whoami.structuredContent).toMatchObject({ clientId: registered.client_id });
        expect(as.stats().registrations).toBe(0);
      } finally {
        await session.close();
      }
    });

    it('refuses a token the same environment issued for another resource', async () => {
      const { as } = stack;
      // Control: a real token for this server is accepted.
      const { token } = await machineToken(as, stack.mcpUrl, 'todo:read');
      expect((await postInitialize(stack, token)).status).toBe(200);

      // Exactly what Scalekit mints for another MCP server of the same environment.
      const other = await as.signToken({ aud: ['res_999999', 'http://localhost:4999/mcp'] });
      const response = await postInitialize(stack, other);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
      await rejection({ status: 401, reason: 'audience_mismatch' });
    });

    it('refuses a token from a foreign issuer, even one minted for this very resource and URL', async () => {
      const foreign = await startLocalScalekit({
        resourceId: FIXTURE_RESOURCE_ID,
        serverUrl: stack.mcpUrl,
        scopes: SCOPES,
        quiet: true,
      });
      try {
        const { token } = await machineToken(foreign, stack.mcpUrl, SCOPES.join(' '));
        const response = await postInitialize(stack, token);
        expect(response.status).toBe(401);
        expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
        // And the official client does not get in with it either.
        const client = new Client({ name: 'e2e-foreign', version: '1.0.0' });
        const transport = new StreamableHTTPClientTransport(new URL(stack.mcpUrl), {
          authProvider: { token: async () => token },
        });
        await expect(client.connect(transport)).rejects.toBeInstanceOf(UnauthorizedError);
      } finally {
        await foreign.close();
      }
    });
  },
);
