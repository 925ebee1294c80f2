/** Both protocol eras, spoken by the official MCP client: 2025-era `initialize` and the 2026-07-28 revision. */
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCOPES, TOOL_SCOPES } from '../src/mcp-oauth/tool-scopes.js';
import { startTestServer, type TestServer } from './support/test-server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe.each([
  ['2025-era initialize', undefined],
  ['2026-07-28', { mode: { pin: '2026-07-28' as const } }],
])('with the official client speaking %s', (_era, versionNegotiation) => {
  it('lists the tools and calls whoami with the caller from the token', async () => {
    const token = await server.token({
      sub: 'usr_alice',
      client_id: 'client_cursor',
      scope: Object.keys(SCOPES).join(' '),
    });
    const client = new Client(
      { name: 'protocol-test', version: '1.0.0' },
      versionNegotiation ? { versionNegotiation } : {},
    );
    await client.connect(
      new StreamableHTTPClientTransport(new URL(server.mcpUrl), {
        requestInit: { headers: { authorization: `Bearer ${token}` } },
      }),
    );
    try {
      const { tools } = await client.listTools();
      expect(tools.map((tool) => tool.name).sort()).toEqual(Object.keys(TOOL_SCOPES).sort());
      if ('whoami' in TOOL_SCOPES) {
        const result = await client.callTool({ name: 'whoami', arguments: {} });
        expect(result.structuredContent).toMatchObject({ subject: 'usr_alice', clientId: 'client_cursor' });
      }
    } finally {
      await client.close();
    }
  });
});
