import { describe, expect, it } from 'vitest';
import { PLACEHOLDER_ENV_URL } from '../../src/core/types.js';
import { joinMcpServerUrl, validateBaseUrl, validateMcpPath, validateScalekitEnvUrl } from '../../src/config/urls.js';

describe('validateBaseUrl', () => {
  it.each([
    ['https://mcp.example.com', 'https://mcp.example.com'],
    ['https://mcp.example.com/', 'https://mcp.example.com'],
    ['  https://MCP.Example.com:443//  ', 'https://mcp.example.com'],
    ['https://example.com/api', 'https://example.com/api'],
    ['https://example.com/api/', 'https://example.com/api'],
    ['http://localhost:3000', 'http://localhost:3000'],
    ['http://127.0.0.1:8080/', 'http://127.0.0.1:8080'],
    ['http://[::1]:3000', 'http://[::1]:3000'],
    ['https://example.com:8443', 'https://example.com:8443'],
  ])('accepts %j as %j', (input, expected) => {
    expect(validateBaseUrl(input)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['', /empty/],
    ['mcp.example.com', /not an absolute URL/],
    ['/mcp', /not an absolute URL/],
    ['ftp://example.com', /https:\/\//],
    ['http://example.com', /must use https:\/\/.*localhost/],
    ['http://localhost.example.com', /must use https/],
    ['https://example.com/?a=1', /query/],
    ['https://example.com/?', /query/],
    ['https://example.com/#top', /fragment/],
    ['https://user:pw@example.com', /user name or password/],
    ['https://@example.com', /user name or password/],
    // Inputs URL parsing would silently rewrite: refused, with the form to write instead.
    ['https://example.com/a b', /whitespace or control characters/],
    ['https://exa\tmple.com', /whitespace or control characters/],
    ['https://example.com/\nmcp', /whitespace or control characters/],
    ['https://example.com/\u001b[2J', /whitespace or control characters/],
    ['https://bücher.example', /non-ASCII.*xn--bcher-kva\.example/],
    ['https://example.com/ü', /non-ASCII/],
    ['https://example.com\\api', /would be read as https:\/\/example\.com\/api; write that instead/],
    ['https:example.com', /not an absolute URL; write it as https:\/\/example\.com/],
    ['http://127.1:3000', /would be read as http:\/\/127\.0\.0\.1:3000/],
    ['http://[0:0:0:0:0:0:0:1]:3000', /would be read as http:\/\/\[::1\]:3000/],
    ['https://example.com/%2e%2e/admin', /not allowed in a URL path/],
    ['https://example.com/a/../b', /\. or \.\. path segments/],
    ['https://example.com/${x}', /not allowed in a URL path/],
    ["https://example.com/a'b", /not allowed in a URL path/],
    // Host names URL parsing lets through but DNS (and our .env and TypeScript output) do not.
    ["https://a'b.example.com", /invalid host name/],
    ['https://a"b.example.com', /invalid host name/],
    ['https://a_b.example.com', /invalid host name/],
    ['https://example..com', /invalid host name/],
    ['http://[2001:db8::1]:3000', /must use https/],
    ['http://[::ffff:127.0.0.1]:3000', /must use https/],
    ['https://[::1', /not an absolute URL/],
    ['javascript:alert(1)', /must start with https:\/\/ \(got javascript:\)/],
    ['file:///etc/passwd', /got file:/],
  ])('refuses %j', (input, message) => {
    const result = validateBaseUrl(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(message);
  });

  it('shows hostile input escaped in the message, so it cannot drive the terminal', () => {
    const result = validateBaseUrl('https://example.com/\u001b[2J\u202e');
    expect(result).toEqual({ ok: false, error: expect.stringContaining('\\u001b[2J\\u202e') });
  });

  it('joins a base path prefix and the MCP path', () => {
    const base = validateBaseUrl('https://example.com/api/');
    const path = validateMcpPath('mcp');
    expect(base.ok && path.ok && joinMcpServerUrl(base.value, path.value)).toBe('https://example.com/api/mcp');
  });
});

describe('validateScalekitEnvUrl', () => {
  it.each([
    ['https://acme.scalekit.com', 'https://acme.scalekit.com'],
    ['https://acme.scalekit.com/', 'https://acme.scalekit.com'],
    ['https://auth.acme.com', 'https://auth.acme.com'],
    ['http://localhost:9000', 'http://localhost:9000'],
    [PLACEHOLDER_ENV_URL, PLACEHOLDER_ENV_URL],
    [`${PLACEHOLDER_ENV_URL}/`, PLACEHOLDER_ENV_URL],
  ])('accepts %j as %j', (input, expected) => {
    expect(validateScalekitEnvUrl(input)).toEqual({ ok: true, value: expected });
  });

  it('refuses a path, and suggests the origin', () => {
    const result = validateScalekitEnvUrl('https://acme.scalekit.com/oauth/authorize');
    expect(result).toEqual({
      ok: false,
      error: expect.stringMatching(/without a path; did you mean https:\/\/acme\.scalekit\.com\?/),
    });
  });

  it.each(['http://acme.scalekit.com', 'acme.scalekit.com', 'https://acme.scalekit.com?x=1', ''])(
    'refuses %j',
    (input) => {
      expect(validateScalekitEnvUrl(input).ok).toBe(false);
    },
  );
});

describe('validateMcpPath', () => {
  it.each([
    ['/mcp', '/mcp'],
    ['mcp', '/mcp'],
    ['/mcp/', '/mcp'],
    ['/api/v1/mcp', '/api/v1/mcp'],
    ['/mcp-1.x_y-z', '/mcp-1.x_y-z'],
  ])('accepts %j as %j', (input, expected) => {
    expect(validateMcpPath(input)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['/', /"\/" alone/],
    ['//', /"\/" alone/],
    ['', /empty/],
    ['/a/../mcp', /\.\./],
    ['/./mcp', /\. or \.\./],
    ['/mcp?x', /without \? or #/],
    ['/mcp#x', /without \? or #/],
    ['/a//b', /empty segment/],
    ['/m cp', /not allowed in a URL path/],
    ['/mcp%zz', /not allowed/],
    ['/mcp"', /not allowed/],
    // Escapes and sub-delimiters: the path is written unquoted into .env and routed by Express/Hono, which
    // decode %XX differently, and `%2e%2e` would be resolved as `..` by every URL parser.
    ['/m%20cp', /not allowed/],
    ['/%2e%2e', /not allowed/],
    ['/mcp~1', /not allowed/],
    ["/a'b", /not allowed/],
    ['/a$b', /not allowed/],
    ['/a(b)', /not allowed/],
  ])('refuses %j', (input, message) => {
    const result = validateMcpPath(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(message);
  });
});
