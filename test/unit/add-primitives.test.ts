/**
 * `add` reads the resources and prompts a server registers (v2 `registerResource`/`registerPrompt`, v1
 * `resource(`/`prompt(`) and offers them in the scope policy next to its tools.
 */
import { describe, expect, it } from 'vitest';
import { parseModule } from '../../src/add/ast.js';
import { findPrimitiveRegistrations } from '../../src/add/primitives.js';
import { mergeMapped } from '../../src/add/resolve.js';
import { validatePromptName, validateResourceUri } from '../../src/config/scopes-tools.js';

const V2_SERVER = `
import { McpServer, ResourceTemplate } from '@modelcontextprotocol/server';
import * as z from 'zod';

export function buildServer(): McpServer {
  const server = new McpServer({ name: 'notes', version: '1.0.0' });
  server.registerResource('config', 'config://app', { title: 'App config', mimeType: 'text/plain' }, async (uri) => ({
    contents: [{ uri: uri.href, text: 'debug=false' }],
  }));
  server.registerResource(
    'note',
    new ResourceTemplate('notes://notes/{id}', { list: undefined }),
    { title: 'A note' },
    async (uri, { id }) => ({ contents: [{ uri: uri.href, text: String(id) }] }),
  );
  server.registerPrompt(
    'summarize_notes',
    { title: 'Summarize', argsSchema: z.object({ topic: z.string() }) },
    ({ topic }) => ({ messages: [{ role: 'user', content: { type: 'text', text: topic } }] }),
  );
  server.registerPrompt(promptName(), { title: 'Computed' }, () => ({ messages: [] }));
  return server;
}
`;

const V1_SERVER = `
const { McpServer, ResourceTemplate } = require('@modelcontextprotocol/sdk/server/mcp.js');
const server = new McpServer({ name: 'legacy', version: '0.1.0' });
server.resource('readme', 'docs://readme', async (uri) => ({ contents: [{ uri: uri.href, text: '# Hi' }] }));
server.resource('user', new ResourceTemplate('users://{userId}/profile', { list: undefined }), async (uri, vars) => ({
  contents: [{ uri: uri.href, text: vars.userId }],
}));
server.prompt('greet', { name: z.string() }, ({ name }) => ({ messages: [] }));
server.prompt('ping', () => ({ messages: [] }));
// Not the SDK: an HTTP client's .resource(…) and a CLI's .prompt(…) with other shapes.
api.resource('users');
inquirer.prompt([{ name: 'x' }]);
module.exports = { server };
`;

describe('findPrimitiveRegistrations', () => {
  it('reads v2 registerResource (URI and ResourceTemplate) and registerPrompt, reporting computed names', () => {
    const scan = findPrimitiveRegistrations(parseModule(V2_SERVER, 'src/server.ts'), 'src/server.ts');
    expect(scan.resources.map((item) => [item.key, item.api])).toEqual([
      ['config://app', 'registerResource'],
      ['notes://notes/{id}', 'registerResource'],
    ]);
    expect(scan.prompts.map((item) => [item.key, item.line])).toEqual([['summarize_notes', 16]]);
    expect(scan.unreadable).toEqual([{ file: 'src/server.ts', line: 21, api: 'registerPrompt' }]);
  });

  it('reads the v1 resource(…) and prompt(…) forms, and ignores look-alike methods', () => {
    const scan = findPrimitiveRegistrations(parseModule(V1_SERVER, 'server.js'), 'server.js');
    expect(scan.resources.map((item) => item.key)).toEqual(['docs://readme', 'users://{userId}/profile']);
    expect(scan.prompts.map((item) => item.key)).toEqual(['greet', 'ping']);
    expect(scan.unreadable).toEqual([]);
  });
});

describe('mergeMapped', () => {
  it('offers every registered resource in the policy, mapped ones with their scopes, and says what is open', () => {
    const notes: string[] = [];
    const merged = mergeMapped(
      '--resource',
      [{ key: 'notes://notes/{id}', scopes: ['notes:read'] }],
      ['config://app', 'notes://notes/{id}', 'Weird://X'],
      validateResourceUri,
      notes,
    );
    expect(merged).toEqual([
      { key: 'notes://notes/{id}', scopes: ['notes:read'] },
      { key: 'config://app', scopes: [] },
    ]);
    expect(notes).toEqual([
      expect.stringMatching(
        /^--resource: the registered "Weird:\/\/X" is left out of the scope policy: .*would be matched as "weird:\/\/X"/,
      ),
      'config://app: no --resource given, so any valid token may use it',
    ]);
  });

  it('keeps a mapped prompt that is not found in the code, with a note', () => {
    const notes: string[] = [];
    expect(mergeMapped('--prompt', [{ key: 'gone', scopes: ['a'] }], ['greet'], validatePromptName, notes)).toEqual([
      { key: 'gone', scopes: ['a'] },
      { key: 'greet', scopes: [] },
    ]);
    expect(notes[0]).toMatch(/^--prompt gone: not found registered in the code/);
  });
});
