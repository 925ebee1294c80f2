import { describe, expect, it } from 'vitest';
import { findChallenge, parseWwwAuthenticate, splitScopes } from '../../src/doctor/www-authenticate.js';

describe('parseWwwAuthenticate', () => {
  it('parses the challenge an MCP server sends on 401', () => {
    const parsed = parseWwwAuthenticate(
      'Bearer resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource/mcp", scope="todo:read todo:write"',
    );
    expect(parsed.problems).toEqual([]);
    expect(parsed.challenges).toEqual([
      {
        scheme: 'Bearer',
        params: {
          resource_metadata: 'https://mcp.example.com/.well-known/oauth-protected-resource/mcp',
          scope: 'todo:read todo:write',
        },
      },
    ]);
  });

  it('parses the 403 insufficient_scope challenge with four parameters', () => {
    const parsed = parseWwwAuthenticate(
      'Bearer error="insufficient_scope", scope="todo:write", resource_metadata="https://x/.well-known/oauth-protected-resource", error_description="needs todo:write"',
    );
    const bearer = findChallenge(parsed, 'bearer');
    expect(bearer?.params).toEqual({
      error: 'insufficient_scope',
      scope: 'todo:write',
      resource_metadata: 'https://x/.well-known/oauth-protected-resource',
      error_description: 'needs todo:write',
    });
  });

  it('unescapes quoted-pairs and keeps commas and "=" inside quoted strings', () => {
    const parsed = parseWwwAuthenticate(
      'Bearer error_description="a \\"quoted\\" word, a comma, a=b and a \\\\ backslash", error=invalid_token',
    );
    expect(parsed.problems).toEqual([]);
    expect(parsed.challenges[0]?.params).toEqual({
      error_description: 'a "quoted" word, a comma, a=b and a \\ backslash',
      error: 'invalid_token',
    });
  });

  it('accepts unquoted token values and whitespace around "="', () => {
    const parsed = parseWwwAuthenticate('Bearer error = invalid_token ,scope="a"');
    expect(parsed.challenges[0]?.params).toEqual({ error: 'invalid_token', scope: 'a' });
  });

  it('lower-cases parameter names and matches schemes case-insensitively', () => {
    const parsed = parseWwwAuthenticate('bearer Resource_Metadata="https://x/prm"');
    expect(findChallenge(parsed, 'Bearer')?.params.resource_metadata).toBe('https://x/prm');
    expect(parsed.challenges[0]?.scheme).toBe('bearer');
  });

  it('splits several challenges in one header (RFC 9110 example)', () => {
    const parsed = parseWwwAuthenticate(
      'Newauth realm="apps", type=1, title="Login to \\"apps\\"", Basic realm="simple"',
    );
    expect(parsed.problems).toEqual([]);
    expect(parsed.challenges).toEqual([
      { scheme: 'Newauth', params: { realm: 'apps', type: '1', title: 'Login to "apps"' } },
      { scheme: 'Basic', params: { realm: 'simple' } },
    ]);
  });

  it('finds Bearer when it is not the first challenge (as joined repeated headers look)', () => {
    const parsed = parseWwwAuthenticate(
      'Basic realm="legacy", Bearer resource_metadata="https://x/prm", DPoP algs="ES256"',
    );
    expect(parsed.challenges.map((challenge) => challenge.scheme)).toEqual(['Basic', 'Bearer', 'DPoP']);
    expect(findChallenge(parsed, 'bearer')?.params.resource_metadata).toBe('https://x/prm');
  });

  it('parses a scheme without parameters, alone or followed by another challenge', () => {
    expect(parseWwwAuthenticate('Bearer').challenges).toEqual([{ scheme: 'Bearer', params: {} }]);
    expect(parseWwwAuthenticate('Negotiate, Bearer scope="a"').challenges).toEqual([
      { scheme: 'Negotiate', params: {} },
      { scheme: 'Bearer', params: { scope: 'a' } },
    ]);
  });

  it('parses token68 credentials, including "=" padding', () => {
    const parsed = parseWwwAuthenticate('Negotiate YIIGhgYGKwYBBQUCoII==, Bearer scope="a"');
    expect(parsed.challenges).toEqual([
      { scheme: 'Negotiate', params: {}, token68: 'YIIGhgYGKwYBBQUCoII==' },
      { scheme: 'Bearer', params: { scope: 'a' } },
    ]);
  });

  it('tolerates empty list elements and surrounding whitespace', () => {
    const parsed = parseWwwAuthenticate(' ,  Bearer  scope="a" , , error="invalid_token" , ');
    expect(parsed.problems).toEqual([]);
    expect(parsed.challenges).toEqual([{ scheme: 'Bearer', params: { scope: 'a', error: 'invalid_token' } }]);
  });

  it('reports an unterminated quoted string without throwing', () => {
    const parsed = parseWwwAuthenticate('Bearer resource_metadata="https://x/prm');
    expect(parsed.challenges[0]?.params.resource_metadata).toBe('https://x/prm');
    expect(parsed.problems).toEqual(['the quoted value of resource_metadata is not terminated']);
  });

  it('reports a duplicated parameter and keeps the first value', () => {
    const parsed = parseWwwAuthenticate('Bearer scope="a", scope="b"');
    expect(parsed.challenges[0]?.params.scope).toBe('a');
    expect(parsed.problems[0]).toMatch(/scope appears twice/);
  });

  it('reports a missing separator between parameters', () => {
    const parsed = parseWwwAuthenticate('Bearer scope="a" error="invalid_token"');
    expect(parsed.challenges[0]?.params.scope).toBe('a');
    expect(parsed.problems[0]).toMatch(/expected ","/);
  });

  it('never throws on garbage', () => {
    for (const garbage of [
      '',
      ',',
      '"',
      '=',
      '==,==',
      'Bearer ="x"',
      'Bearer "x"',
      '\\',
      'Bearer a="\\',
      'Bearer a=',
      '@@@ Bearer',
    ]) {
      expect(() => parseWwwAuthenticate(garbage)).not.toThrow();
    }
    expect(parseWwwAuthenticate('').challenges).toEqual([]);
  });
});

describe('splitScopes', () => {
  it('splits on any run of whitespace and drops empties', () => {
    expect(splitScopes('  todo:read   todo:write\t')).toEqual(['todo:read', 'todo:write']);
    expect(splitScopes(undefined)).toEqual([]);
    expect(splitScopes('')).toEqual([]);
  });
});
