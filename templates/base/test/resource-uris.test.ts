/**
 * Resource URIs are attacker-chosen strings: none of them may get around a resource's scope check. The SDK
 * parses the URI once and uses the result both to pick the scope check and to pick the handler, so a URI
 * that names a protected resource in a roundabout way (`..` segments, an upper-case scheme) is checked like
 * the plain one, and a URI that matches nothing is "not found", never content.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESOURCE_SCOPES } from '../src/mcp-oauth/tool-scopes.js';
import { mcpPost, readResource, rpcResult, startTestServer, uriFor, type TestServer } from './support/test-server.js';

let server: TestServer;
beforeAll(async () => {
  // Everything registered for every caller, as by default (filtered lists: see list-filtering.test.ts).
  server = await startTestServer({ filterLists: false });
});
afterAll(() => server.close());

async function readWith(uri: string, scope: string) {
  const response = await mcpPost(server, readResource(uri), { token: await server.token({ scope }) });
  return { status: response.status, ...(response.status === 200 ? await rpcResult(response) : {}) };
}

/** `scheme://authority/path` with a `x/../` detour put in front of the path. */
function withDotSegments(uri: string): string {
  return uri.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/]*\/)/i, '$1x/../');
}

const protectedResources = Object.entries<readonly string[]>(RESOURCE_SCOPES).filter(
  ([, required]) => required.length > 0,
);

describe.each(protectedResources)('resource %s', (uriOrTemplate, required: readonly string[]) => {
  const plain = uriFor(uriOrTemplate, '1');

  if (uriOrTemplate.includes('{')) {
    it('decides the same whatever the template variables hold', async () => {
      for (const value of ['1', '2', '424242', 'abc', 'x-y_z']) {
        expect((await readWith(uriFor(uriOrTemplate, value), '')).status).toBe(403);
        expect((await readWith(uriFor(uriOrTemplate, value), required.join(' '))).status).toBe(200);
      }
    });
  }

  it('checks a URI that names it in a roundabout way like the plain one', async () => {
    const scheme = /^[a-z][a-z0-9+.-]*/i.exec(plain)![0];
    const variants = [withDotSegments(plain), `${scheme.toUpperCase()}${plain.slice(scheme.length)}`];
    // (A URI without a path, like config://app, has no dot-segment variant.)
    for (const variant of variants.filter((candidate) => candidate !== plain)) {
      expect((await readWith(variant, '')).status).toBe(403);
    }
  });

  it('never serves content without the scopes, whatever the URI', async () => {
    const hostile = [
      uriFor(uriOrTemplate, '..'),
      uriFor(uriOrTemplate, '%2e%2e'),
      uriFor(uriOrTemplate, '1%2F..%2F2'),
      uriFor(uriOrTemplate, '..%2F..%2Fetc%2Fpasswd'),
      uriFor(uriOrTemplate, '1/../../2'),
      `${plain}/../../..`,
      `${plain}/extra`,
      `${plain}?x=1`,
      `${plain}#fragment`,
      plain.replace('://', '://elsewhere.'),
      'file:///etc/passwd',
      'not a uri',
    ];
    for (const uri of hostile) {
      const answer = await readWith(uri, '');
      // 403 (the check applied) or a JSON-RPC error (nothing matched); never a result.
      expect([403, 200]).toContain(answer.status);
      if (answer.status === 200) {
        expect(answer.result, uri).toBeUndefined();
        expect(answer.error, uri).toBeDefined();
      }
    }
  });
});
