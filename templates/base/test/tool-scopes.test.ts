/**
 * The scope policy in src/mcp-oauth/tool-scopes.ts, for every tool, prompt and resource in it: change the policy
 * and these tests follow. A token missing a scope gets 403 insufficient_scope (the client's cue to step up)
 * before the handler runs, naming every scope needed plus those already held; the right scopes get through.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROMPT_SCOPES, RESOURCE_SCOPES, SCOPES, TOOL_SCOPES } from '../src/mcp-oauth/tool-scopes.js';
import {
  callTool,
  getPrompt,
  mcpPost,
  readResource,
  rpcResult,
  startTestServer,
  uriFor,
  type TestServer,
} from './support/test-server.js';

let server: TestServer;
beforeAll(async () => {
  // Everything listed, as by default: with filtered lists a caller cannot see (or step up to) what its token lacks.
  server = await startTestServer({ filterLists: false });
});
afterAll(() => server.close());

const allScopes = Object.keys(SCOPES);

async function list(method: string, key: string) {
  const response = await mcpPost(server, { jsonrpc: '2.0', id: 1, method }, { token: await server.token() });
  return (await rpcResult(response)).result[key] as Array<Record<string, string>>;
}

it('lists exactly the tools, prompts and resource templates in the policy', async () => {
  const names = (items: Array<Record<string, string>>, key: string) => items.map((item) => item[key]).sort();
  expect(names(await list('tools/list', 'tools'), 'name')).toEqual(Object.keys(TOOL_SCOPES).sort());
  if (Object.keys(PROMPT_SCOPES).length > 0)
    expect(names(await list('prompts/list', 'prompts'), 'name')).toEqual(Object.keys(PROMPT_SCOPES).sort());
  const templates = Object.keys(RESOURCE_SCOPES).filter((uri) => uri.includes('{'));
  if (templates.length > 0)
    expect(names(await list('resources/templates/list', 'resourceTemplates'), 'uriTemplate')).toEqual(templates.sort());
});

const primitives = [
  ...Object.entries<readonly string[]>(TOOL_SCOPES).map(([name, required]) => ({
    kind: 'tool',
    name,
    required,
    request: callTool(name),
  })),
  ...Object.entries<readonly string[]>(PROMPT_SCOPES).map(([name, required]) => ({
    kind: 'prompt',
    name,
    required,
    request: getPrompt(name),
  })),
  ...Object.entries<readonly string[]>(RESOURCE_SCOPES).map(([uri, required]) => ({
    kind: 'resource',
    name: uri,
    required,
    request: readResource(uriFor(uri)),
  })),
] as Array<{ kind: string; name: string; required: readonly string[]; request: unknown }>;

describe.each(primitives)('$kind $name', ({ required, request }) => {
  it('gets past the scope check with exactly its scopes', async () => {
    const response = await mcpPost(server, request, { token: await server.token({ scope: required.join(' ') }) });
    expect(response.status).toBe(200);
    const { error } = await rpcResult(response);
    // The handler ran: a resource template may answer "not found" for an id that does not exist.
    if (error) expect(error.message).toMatch(/not found/i);
  });

  if (required.length === 0) return;

  it('answers 403 to a token with no scopes, with the full challenge, before the handler runs', async () => {
    const response = await mcpPost(server, request, { token: await server.token({ scope: '' }) });
    expect(response.status).toBe(403);
    const challenge = response.headers.get('www-authenticate') ?? '';
    expect(challenge).toMatch(/^Bearer /);
    expect(challenge).toContain('error="insufficient_scope"');
    expect(challenge).toContain(`scope="${required.join(' ')}"`);
    expect(challenge).toContain(`resource_metadata="${server.origin}/.well-known/oauth-protected-resource/mcp"`);
    expect(challenge).not.toContain('offline_access');
  });

  for (const missing of required) {
    it(`answers 403 without ${missing}, naming the scopes it needs and those already granted`, async () => {
      const granted = [...allScopes.filter((scope) => scope !== missing), 'offline_access'];
      const response = await mcpPost(server, request, { token: await server.token({ scope: granted.join(' ') }) });
      expect(response.status).toBe(403);
      const challenge = response.headers.get('www-authenticate') ?? '';
      expect(challenge).toContain('error="insufficient_scope"');
      const challenged = /scope="([^"]*)"/.exec(challenge)?.[1]?.split(' ') ?? [];
      // Re-authorizing with exactly these must not lose anything the token had (offline_access is never asked for).
      const held = granted.filter((scope) => scope !== 'offline_access');
      expect(new Set(challenged)).toEqual(new Set([...held, ...required]));
      expect(challenge).toContain(`resource_metadata="${server.origin}/.well-known/oauth-protected-resource/mcp"`);
    });
  }
});

it('reads scopes from the `scopes` array as well as the `scope` string', async () => {
  const [tool, required] = Object.entries<readonly string[]>(TOOL_SCOPES).find(([, scopes]) => scopes.length > 0) ?? [];
  if (!tool || !required) return; // every tool is open to any valid token: nothing to check
  const response = await mcpPost(server, callTool(tool), { token: await server.token({ scopes: [...required] }) });
  expect(response.status).toBe(200);
});
