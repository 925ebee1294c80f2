/**
 * Scope-filtered lists, both ways. Off (the default unless FILTER_LISTS_BY_SCOPE is true), every tool, prompt
 * and resource is listed, so clients can discover what to step up to. On, each token sees only what its
 * scopes allow, in the policy's order every time, and 2026-07-28 results say they are private to the caller.
 */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
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

const someScope = Object.keys(SCOPES)[0];
const allowedBy = (granted: string[]) => (required: readonly string[]) =>
  required.every((scope) => granted.includes(scope));

/** What a token with `granted` should see, in the policy's order. */
function expected(granted: string[]) {
  const keep = allowedBy(granted);
  const keys = (policy: Record<string, readonly string[]>) =>
    Object.entries(policy)
      .filter(([, required]) => keep(required))
      .map(([key]) => key);
  return {
    tools: keys(TOOL_SCOPES),
    prompts: keys(PROMPT_SCOPES),
    templates: keys(RESOURCE_SCOPES).filter((uri) => uri.includes('{')),
    resources: keys(RESOURCE_SCOPES).filter((uri) => !uri.includes('{')),
  };
}

async function listsSeenBy(server: TestServer, scope: string, protocol?: '2026-07-28') {
  const token = await server.token({ scope });
  const client = new Client(
    { name: 'list-filtering-test', version: '1.0.0' },
    protocol ? { versionNegotiation: { mode: { pin: protocol } } } : {},
  );
  await client.connect(
    new StreamableHTTPClientTransport(new URL(server.mcpUrl), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    }),
  );
  try {
    const capabilities = client.getServerCapabilities() ?? {};
    // A list the server does not have (no prompts, say) is empty here, and has no cache hint to check.
    const tools = capabilities.tools ? await client.listTools() : { tools: [], absent: true };
    const prompts = capabilities.prompts ? await client.listPrompts() : { prompts: [], absent: true };
    const templates = capabilities.resources
      ? await client.listResourceTemplates()
      : { resourceTemplates: [], absent: true };
    const resources = capabilities.resources ? await client.listResources() : { resources: [] };
    return {
      raw: { tools, prompts, templates },
      names: {
        tools: tools.tools.map((tool) => tool.name),
        prompts: prompts.prompts.map((prompt) => prompt.name),
        templates: templates.resourceTemplates.map((template) => template.uriTemplate),
        resources: resources.resources
          .map((resource) => resource.uri)
          .filter((uri) => Object.hasOwn(RESOURCE_SCOPES, uri)),
      },
    };
  } finally {
    await client.close();
  }
}

describe.each([false, true])('with filterLists %s', (filterLists) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ filterLists });
  });
  afterAll(() => server.close());

  it('lists everything for a token with every scope', async () => {
    const { names } = await listsSeenBy(server, Object.keys(SCOPES).join(' '));
    expect(names).toEqual(expected(Object.keys(SCOPES)));
  });

  it(`lists ${filterLists ? 'only what' : 'everything, not only what'} a token with one scope may use`, async () => {
    if (!someScope) return;
    const { names } = await listsSeenBy(server, someScope);
    expect(names).toEqual(expected(filterLists ? [someScope] : Object.keys(SCOPES)));
    // The same answer, in the same order, every time.
    expect((await listsSeenBy(server, someScope)).names).toEqual(names);
  });

  it(`lists ${filterLists ? 'only what needs no scope' : 'everything'} for a token with no scopes`, async () => {
    const { names } = await listsSeenBy(server, '', '2026-07-28');
    expect(names).toEqual(expected(filterLists ? [] : Object.keys(SCOPES)));
  });

  if (filterLists) {
    it('never runs what a token may not see: a call to it is refused like an unknown name', async () => {
      const hidden = [
        ...Object.entries<readonly string[]>(TOOL_SCOPES).map(([name, required]) => ({
          required,
          body: callTool(name),
        })),
        ...Object.entries<readonly string[]>(PROMPT_SCOPES).map(([name, required]) => ({
          required,
          body: getPrompt(name),
        })),
        ...Object.entries<readonly string[]>(RESOURCE_SCOPES).map(([uri, required]) => ({
          required,
          body: readResource(uriFor(uri)),
        })),
      ].filter(({ required }) => required.length > 0);
      for (const { body } of hidden) {
        const response = await mcpPost(server, body, { token: await server.token({ scope: '' }) });
        expect(response.status).toBe(200);
        const { result, error } = await rpcResult(response);
        expect(result).toBeUndefined();
        expect(error.message).toMatch(/not found/i);
      }
    });

    it('marks the filtered 2026-07-28 lists private to the caller', async () => {
      const { raw } = await listsSeenBy(server, someScope ?? '', '2026-07-28');
      // Every list this server has (one without prompts or resources has no such list).
      const lists = [raw.tools, raw.prompts, raw.templates].filter((result) => !('absent' in result));
      expect(lists.length).toBeGreaterThan(0);
      for (const result of lists) expect((result as { cacheScope?: string }).cacheScope).toBe('private');
    });
  }
});
