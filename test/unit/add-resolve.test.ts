/**
 * What interactive `add` pre-fills for a server that had no scopes: read and write scopes named after what the
 * package is about, and, for each tool found, the scope its name suggests.
 */
import { describe, expect, it } from 'vitest';
import { suggestScopes, suggestToolScopes } from '../../src/add/resolve.js';

describe('suggested scopes', () => {
  it.each([
    ['journal-mcp', 'journal'],
    ['@acme/tickets-mcp', 'tickets'],
    ['mcp-server-weather', 'weather'],
    ['Library_API', 'library'],
    ['mcp-server', 'mcp'],
  ])('%s → %s:read and %s:write', (name, subject) => {
    expect(suggestScopes(name).map((scope) => scope.name)).toEqual([`${subject}:read`, `${subject}:write`]);
  });

  it('maps tools that read by their name to the read scopes, the others to the write scopes', () => {
    const scopes = [{ name: 'notes:read' }, { name: 'notes:write' }, { name: 'admin' }].map((scope) => ({
      ...scope,
      description: '',
    }));
    expect(suggestToolScopes(['list_notes', 'getNote', 'search', 'add_note', 'listener_reset'], scopes)).toEqual([
      { name: 'list_notes', scopes: ['notes:read'] },
      { name: 'getNote', scopes: ['notes:read'] },
      { name: 'search', scopes: ['notes:read'] },
      { name: 'add_note', scopes: ['notes:write'] },
      { name: 'listener_reset', scopes: ['notes:write'] },
    ]);
  });
});
