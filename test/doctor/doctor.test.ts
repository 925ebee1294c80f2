import { afterEach, describe, expect, it } from 'vitest';
import {
  doctorExitCode,
  formatReport,
  runDoctor,
  type Check,
  type DoctorOptions,
  type DoctorReport,
} from '../../src/doctor/index.js';
import {
  closedPort,
  startAuthorizationServer,
  startHangingServer,
  startMcpServer,
  startServer,
  type AuthorizationServerOptions,
  type FakeAuthorizationServer,
  type FakeMcpServer,
  type McpServerOptions,
  type RunningServer,
} from './support/servers.js';

const running: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()));
});

async function setup(
  mcpOptions: Omit<McpServerOptions, 'as'> = {},
  asOptions: AuthorizationServerOptions = {},
): Promise<{ as: FakeAuthorizationServer; mcp: FakeMcpServer }> {
  const as = await startAuthorizationServer(asOptions);
  running.push(as);
  const mcp = await startMcpServer({ as, ...mcpOptions });
  running.push(mcp);
  return { as, mcp };
}

/** A user token as a host would get it after login with only todo:read: enough to list tools, not to add one. */
async function readOnlyToken(as: FakeAuthorizationServer, mcp: FakeMcpServer): Promise<string> {
  return as.signToken({ scopes: ['todo:read'], aud: [as.resourceId, mcp.url] });
}

function doctor(options: DoctorOptions): Promise<DoctorReport> {
  return runDoctor({ timeoutMs: 2_000, registration: 'both', ...options });
}

function check(report: DoctorReport, id: string): Check {
  const found = report.checks.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no check ${id} in ${report.checks.map((c) => c.id).join(', ')}`);
  return found;
}

const idsWith = (report: DoctorReport, status: Check['status']) =>
  report.checks.filter((c) => c.status === status).map((c) => c.id);

/** Shows the whole report when an assertion about it fails. */
function explain(report: DoctorReport): string {
  return formatReport(report, { color: false });
}

describe('doctor against a healthy server', () => {
  it(
    'passes every check of a correctly configured server ' + '(JSON responses, token with todo:read, --probe-tools)',
    async () => {
      const { as, mcp } = await setup();
      const token = await readOnlyToken(as, mcp);
      const report = await doctor({ url: mcp.url, token, probeTools: true });

      expect(idsWith(report, 'fail'), explain(report)).toEqual([]);
      expect(idsWith(report, 'warn'), explain(report)).toEqual([]);
      // Nothing is skipped when everything is available.
      expect(idsWith(report, 'skip'), explain(report)).toEqual([]);
      expect(doctorExitCode(report)).toBe(0);
      expect(report.checks.map((c) => c.id)).toEqual([
        'challenge.status',
        'challenge.www-authenticate',
        'challenge.resource-metadata',
        'challenge.scope',
        'challenge.invalid-token',
        'challenge.other-methods',
        'prm.challenge-url',
        'prm.path-suffixed',
        'prm.root',
        'prm.consistency',
        'prm.fields',
        'prm.resource',
        'prm.scopes',
        'prm.cors',
        'authorization-server.metadata',
        'authorization-server.issuer',
        'authorization-server.endpoints',
        'authorization-server.pkce',
        'authorization-server.registration',
        'authorization-server.jwks',
        'authorization-server.mirror',
        'browser.preflight',
        'browser.cors-headers',
        'browser.origin',
        'token.source',
        'token.format',
        'token.issuer',
        'token.audience',
        'token.expiry',
        'token.scopes',
        'token.accepted',
        'token.tools-list',
        'token.step-up',
      ]);
      // The step-up probe saw add_todo refused with the scope to request, and list_todos allowed.
      expect(check(report, 'token.step-up').seen).toContain('add_todo: 403 insufficient_scope, scope="todo:write"');
      expect(check(report, 'token.step-up').seen).toContain('list_todos: allowed');
      expect(report.discovered).toMatchObject({
        resource: mcp.url,
        authorizationServer: as.resourceIssuer,
        issuer: as.resourceIssuer,
        jwksUri: as.jwksUri,
        scopesSupported: ['todo:read', 'todo:write'],
        tools: ['list_todos', 'add_todo'],
      });
    },
  );

  it('reads answers from an SSE stream that stays open, and accepts the older Scalekit issuer form', async () => {
    const { as, mcp } = await setup({ responseMode: 'sse' });
    // Older Scalekit tokens carry the bare environment URL as iss, and scopes only as a string.
    const token = await as.signToken({
      scopes: ['todo:read'],
      iss: as.environmentUrl,
      aud: [as.resourceId],
      scopeClaims: 'string',
    });
    const started = performance.now();
    const report = await doctor({ url: mcp.url, token, probeTools: true });

    expect(idsWith(report, 'fail'), explain(report)).toEqual([]);
    expect(idsWith(report, 'warn'), explain(report)).toEqual([]);
    expect(check(report, 'token.accepted').seen).toContain('SSE');
    // Did not wait for the streams to end (they never do).
    expect(performance.now() - started).toBeLessThan(1_500);
  });

  it('skips the token step without a token and still exits 0', async () => {
    const { mcp } = await setup();
    const report = await doctor({ url: mcp.url });
    expect(idsWith(report, 'fail'), explain(report)).toEqual([]);
    expect(idsWith(report, 'warn'), explain(report)).toEqual([]);
    expect(idsWith(report, 'skip')).toEqual(['token.source']);
    expect(doctorExitCode(report)).toBe(0);
  });

  it('reports the tools without calling them when --probe-tools is not given', async () => {
    const { as, mcp } = await setup();
    const report = await doctor({ url: mcp.url, token: await readOnlyToken(as, mcp) });
    expect(check(report, 'token.step-up').status).toBe('skip');
    expect(check(report, 'token.step-up').seen).toContain('--probe-tools');
    expect(mcp.requests.filter((request) => request.body.includes('tools/call'))).toEqual([]);
  });

  it('fetches a machine token with client credentials, sending the secret only to the token endpoint', async () => {
    const { as, mcp } = await setup();
    const report = await runDoctor(
      {
        url: mcp.url,
        clientId: as.client.id,
        clientSecretEnv: 'DOCTOR_TEST_SECRET',
        registration: 'both',
        timeoutMs: 2_000,
      },
      { env: { DOCTOR_TEST_SECRET: as.client.secret } },
    );
    expect(idsWith(report, 'fail'), explain(report)).toEqual([]);
    expect(check(report, 'token.source').status).toBe('pass');
    expect(check(report, 'token.accepted').status).toBe('pass');
    expect(report.tokenSource).toBe('client-credentials');

    const tokenRequests = as.requests.filter((request) => request.path.endsWith('/oauth/token'));
    expect(tokenRequests).toHaveLength(1);
    // RFC 8707: the token was requested for the PRM resource, with the server's scopes (as a host would ask).
    expect(new URLSearchParams(tokenRequests[0]!.body).get('resource')).toBe(mcp.url);
    expect(new URLSearchParams(tokenRequests[0]!.body).get('scope')).toBe('todo:read todo:write');
    const everywhereElse = [
      ...mcp.requests,
      ...as.requests.filter((request) => !request.path.endsWith('/oauth/token')),
    ];
    expect(JSON.stringify(everywhereElse)).not.toContain(as.client.secret);
    expect(JSON.stringify(report)).not.toContain(as.client.secret);
  });
});

describe('doctor names each deliberate defect', () => {
  it('a 401 without WWW-Authenticate', async () => {
    const { mcp } = await setup({ omitChallengeHeader: true });
    const report = await doctor({ url: mcp.url });
    expect(check(report, 'challenge.www-authenticate').status).toBe('fail');
    expect(idsWith(report, 'fail'), explain(report)).toEqual(['challenge.www-authenticate']);
    expect(doctorExitCode(report)).toBe(1);
    // Discovery still works through the well-known URLs, so the rest is checked.
    expect(check(report, 'authorization-server.issuer').status).toBe('pass');
  });

  it('PRM served only at the root, with a resource on another origin (localhost vs 127.0.0.1)', async () => {
    const { mcp } = await setup({
      prmAt: { suffixed: false, root: true },
      challengeMetadata: 'root',
      prmResource: (url) => url.replace('127.0.0.1', 'localhost'),
    });
    const report = await doctor({ url: mcp.url });
    const resource = check(report, 'prm.resource');
    expect(resource.status).toBe('fail');
    expect(resource.seen).toContain('localhost and 127.0.0.1 are different origins');
    expect(resource.fix).toContain('MCP_SERVER_URL');
    expect(idsWith(report, 'fail'), explain(report)).toEqual(['prm.resource']);
    // Root-only works (clients fall back to it) but is worth fixing.
    expect(check(report, 'prm.path-suffixed').status).toBe('warn');
    expect(doctorExitCode(report)).toBe(1);
  });

  it.each([
    [
      'a single-page app answers 200 HTML',
      { status: 200, contentType: 'text/html', body: '<!doctype html><div id="root"></div>' },
    ],
    ['an error page answers 500', { status: 500, contentType: 'text/plain', body: 'Internal Server Error' }],
  ])(
    'PRM at the root only, while the path-suffixed URL is not a 4xx (%s): clients never fall back',
    async (_, answer) => {
      // Without resource_metadata, clients probe the path-suffixed URL and go on to the root only after a 4xx.
      const { mcp } = await setup({ challengeMetadata: 'none', suffixedPrmAnswer: answer });
      const report = await doctor({ url: mcp.url });
      const suffixed = check(report, 'prm.path-suffixed');
      expect(suffixed.status, explain(report)).toBe('fail');
      expect(suffixed.why).toContain('only after a 4xx or no answer');
      expect(suffixed.fix).toContain('answer 404');
      expect(check(report, 'prm.root').status).toBe('pass');
      expect(doctorExitCode(report)).toBe(1);
    },
  );

  it('PRM at the root only, the path-suffixed URL a 404: clients fall back, so only a warning', async () => {
    const { mcp } = await setup({ challengeMetadata: 'none', prmAt: { suffixed: false, root: true } });
    const report = await doctor({ url: mcp.url });
    expect(check(report, 'prm.path-suffixed').status, explain(report)).toBe('warn');
    expect(idsWith(report, 'fail'), explain(report)).toEqual([]);
    expect(doctorExitCode(report)).toBe(0);
  });

  it('a same-origin 307 from the MCP URL: a warning, and the rest is checked where it leads', async () => {
    // Hosts built on fetch (the official SDK) follow a same-origin 307 with the method and body.
    const { mcp } = await setup({ redirectToMcp: { from: '/mcp/', status: 307 } });
    const asked = `${mcp.url}/`;
    const report = await doctor({ url: asked });
    const redirect = check(report, 'challenge.redirect');
    expect(redirect.status, explain(report)).toBe('warn');
    expect(redirect.seen).toContain(`HTTP 307 → ${mcp.url}`);
    expect(redirect.why).toContain('a CORS preflight is never redirected');
    expect(redirect.fix).toContain(`Connect hosts to ${mcp.url}`);
    expect(report.checks[0]?.id).toBe('challenge.redirect');
    expect(report.url).toBe(asked);
    expect(check(report, 'challenge.status').status).toBe('pass');
    expect(check(report, 'prm.resource').status).toBe('pass');
    expect(idsWith(report, 'fail'), explain(report)).toEqual([]);
    expect(doctorExitCode(report)).toBe(0);
  });

  it('never sends the token across the redirect, even a same-origin 307', async () => {
    const { as, mcp } = await setup({ redirectToMcp: { from: '/mcp/', status: 307 } });
    const token = await as.signToken({ aud: [as.resourceId, mcp.url] });
    const report = await doctor({ url: `${mcp.url}/`, token });
    expect(check(report, 'token.source').status, explain(report)).toBe('skip');
    expect(check(report, 'token.source').seen).toContain(`Run doctor ${mcp.url} with the token`);
    const carried = mcp.requests.filter((request) => request.headers.authorization === `Bearer ${token}`);
    // Only the first run's requests to the URL given carry it; every request after the redirect goes without.
    expect(new Set(carried.map((request) => request.path))).toEqual(new Set(['/mcp/']));
  });

  it('an MCP URL that redirects with 301: fetch turns the POST into a GET, so nothing works', async () => {
    const { mcp } = await setup({ redirectToMcp: { from: '/mcp/', status: 301 } });
    const report = await doctor({ url: `${mcp.url}/` });
    const status = check(report, 'challenge.status');
    expect(status.status, explain(report)).toBe('fail');
    expect(status.why).toContain('A 301 turns the POST into a GET');
    expect(report.checks.some((c) => c.id === 'challenge.redirect')).toBe(false);
    expect(doctorExitCode(report)).toBe(1);
  });

  it('a legacy HTTP+SSE endpoint is named as such, and what POST cannot show is not reported as failures', async () => {
    // The 2024-11-05 transport: GET /sse opens the stream (behind a bearer check), POST there is not allowed.
    const sse = await startServer((req, res) => {
      if (req.method === 'GET') {
        res.writeHead(401, { 'www-authenticate': 'Bearer resource_metadata="http://127.0.0.1:1/x"' }).end();
      } else res.writeHead(405, { allow: 'GET' }).end();
    });
    running.push(sse);
    const report = await doctor({ url: `${sse.origin}/sse` });
    const status = check(report, 'challenge.status');
    expect(status.status, explain(report)).toBe('fail');
    expect(status.why).toContain('deprecated HTTP+SSE transport');
    expect(status.seen).toContain('GET (text/event-stream): HTTP 401');
    expect(check(report, 'challenge.invalid-token').status).toBe('skip');
    expect(check(report, 'challenge.other-methods').status).toBe('skip');
  });

  it('a path with no MCP endpoint at all says so once', async () => {
    const missing = await startServer((_req, res) => res.writeHead(404).end('Not Found'));
    running.push(missing);
    const report = await doctor({ url: `${missing.origin}/mcp` });
    expect(check(report, 'challenge.status').why, explain(report)).toContain('There is no MCP endpoint at this path');
    expect(check(report, 'challenge.invalid-token').seen).toContain('POST is not served at this URL (HTTP 404');
  });

  it('a challenge without scope and with error= on a request that sent no token: each problem named once', async () => {
    // The shape of the MCP conformance suite's mock servers: `Bearer error="invalid_token", resource_metadata=…`.
    const { mcp } = await setup({ noTokenChallengeParams: { error: 'invalid_token' } });
    const report = await doctor({ url: mcp.url });
    const scope = check(report, 'challenge.scope');
    expect(scope.status, explain(report)).toBe('warn');
    expect(scope.seen?.split('\n')).toEqual([
      'no scope parameter',
      'error="invalid_token" on a request that carried no token',
    ]);
    expect(scope.fix).toContain('Omit error= when no token was sent');
  });

  it('initialize served without a token, what follows protected: a warning, and that 401 is checked', async () => {
    // The design of the MCP conformance suite's step-up server: hosts on the official SDK start OAuth at the first
    // 401 after connecting, so it is not "unprotected".
    const { as, mcp } = await setup({ publicMethods: ['initialize'] });
    const report = await doctor({ url: mcp.url, token: await readOnlyToken(as, mcp), probeTools: true });
    const status = check(report, 'challenge.status');
    expect(status.status, explain(report)).toBe('warn');
    expect(status.seen).toContain('(initialize, no token): HTTP 200');
    expect(status.seen).toContain('tools/list after it, no token: HTTP 401');
    // The challenge of that 401 is what the rest of the step reads; a made-up token on tools/list gets 401 too.
    for (const id of [
      'challenge.www-authenticate',
      'challenge.resource-metadata',
      'challenge.scope',
      'challenge.invalid-token',
    ]) {
      expect(check(report, id).status, `${id}\n${explain(report)}`).toBe('pass');
    }
    expect(idsWith(report, 'fail'), explain(report)).toEqual([]);
    expect(report.discovered.tools).toEqual(['list_todos', 'add_todo']);
  });

  it('a server that serves initialize and tools/list without a token is unprotected', async () => {
    const { mcp } = await setup({ publicMethods: ['initialize', 'tools/list'] });
    const report = await doctor({ url: mcp.url });
    expect(check(report, 'challenge.status').status, explain(report)).toBe('fail');
    expect(check(report, 'challenge.status').why).toContain('not protected');
  });

  it('a PRM resource with a trailing slash', async () => {
    const { mcp } = await setup({ prmResource: (url) => `${url}/` });
    const report = await doctor({ url: mcp.url });
    const resource = check(report, 'prm.resource');
    expect(resource.status).toBe('fail');
    expect(resource.seen).toContain('trailing-slash trap');
    expect(idsWith(report, 'fail'), explain(report)).toEqual(['prm.resource']);
    expect(doctorExitCode(report)).toBe(1);
  });

  it('an issuer that differs from authorization_servers[0]', async () => {
    // The classic: metadata says the bare environment URL while PRM names the per-resource issuer.
    const { as, mcp } = await setup({}, { issuer: (resourceIssuer) => resourceIssuer.replace(/\/resources\/.*$/, '') });
    const report = await doctor({ url: mcp.url });
    const issuer = check(report, 'authorization-server.issuer');
    expect(issuer.status).toBe('fail');
    expect(issuer.seen).toContain(`authorization_servers[0]: "${as.resourceIssuer}"`);
    expect(issuer.seen).toContain(`issuer: "${as.environmentUrl}"`);
    expect(idsWith(report, 'fail'), explain(report)).toEqual(['authorization-server.issuer']);
    expect(doctorExitCode(report)).toBe(1);
  });

  it("401 instead of 403 for a token lacking a tool's scope (--probe-tools)", async () => {
    const { as, mcp } = await setup({ insufficientScopeStatus: 401 });
    const report = await doctor({ url: mcp.url, token: await readOnlyToken(as, mcp), probeTools: true });
    const stepUp = check(report, 'token.step-up');
    expect(stepUp.status).toBe('fail');
    expect(stepUp.seen).toContain('add_todo: HTTP 401');
    expect(stepUp.fix).toContain('insufficient_scope');
    expect(idsWith(report, 'fail'), explain(report)).toEqual(['token.step-up']);
    expect(doctorExitCode(report)).toBe(1);
  });

  it('CORS that does not expose WWW-Authenticate', async () => {
    const { mcp } = await setup({ omitExposeHeaders: true });
    const report = await doctor({ url: mcp.url });
    const cors = check(report, 'browser.cors-headers');
    expect(cors.status).toBe('fail');
    expect(cors.seen).toContain('not exposed: www-authenticate');
    expect(idsWith(report, 'fail'), explain(report)).toEqual(['browser.cors-headers']);
    expect(doctorExitCode(report)).toBe(1);
  });

  it('Origin not checked', async () => {
    const { mcp } = await setup({ skipOriginCheck: true });
    const report = await doctor({ url: mcp.url });
    const origin = check(report, 'browser.origin');
    expect(origin.status).toBe('fail');
    expect(origin.seen).toContain('HTTP 401');
    expect(idsWith(report, 'fail'), explain(report)).toEqual(['browser.origin']);
    expect(doctorExitCode(report)).toBe(1);
  });

  it('JWKS down', async () => {
    const { as, mcp } = await setup({}, { jwksDown: true });
    const report = await doctor({ url: mcp.url, token: await readOnlyToken(as, mcp) });
    const jwks = check(report, 'authorization-server.jwks');
    expect(jwks.status).toBe('fail');
    expect(jwks.seen).toContain('HTTP 503');
    // The server cannot verify tokens either: the same defect, seen from the token's side.
    expect(idsWith(report, 'fail'), explain(report)).toEqual(['authorization-server.jwks', 'token.accepted']);
    expect(check(report, 'token.accepted').seen).toContain('explained by: authorization-server.jwks');
    expect(doctorExitCode(report)).toBe(1);
  });

  it('an expired token', async () => {
    const { as, mcp } = await setup();
    const token = await as.signToken({
      scopes: ['todo:read'],
      aud: [as.resourceId, mcp.url],
      exp: Math.floor(Date.now() / 1000) - 600,
    });
    const report = await doctor({ url: mcp.url, token });
    const expiry = check(report, 'token.expiry');
    expect(expiry.status).toBe('fail');
    expect(expiry.seen).toMatch(/^expired 10 min ago/);
    expect(idsWith(report, 'fail'), explain(report)).toEqual(['token.expiry', 'token.accepted']);
    expect(check(report, 'token.accepted').seen).toContain('explained by: token.expiry');
    expect(doctorExitCode(report)).toBe(1);
  });

  it('a token for another resource (wrong audience)', async () => {
    const { as, mcp } = await setup();
    const token = await as.signToken({ scopes: ['todo:read'], aud: ['res_99999', 'https://other.example.com/mcp'] });
    const report = await doctor({ url: mcp.url, token });
    const audience = check(report, 'token.audience');
    expect(audience.status).toBe('fail');
    expect(audience.seen).toContain(`aud lacks ${as.resourceId}`);
    expect(idsWith(report, 'fail'), explain(report)).toEqual(['token.audience', 'token.accepted']);
    expect(doctorExitCode(report)).toBe(1);
  });
});

describe('doctor reads the authorization server like the official client', () => {
  it(
    'warns when metadata is only at the Scalekit location ' + '(the SDK looks at RFC 8414 and OpenID locations only)',
    async () => {
      const { mcp } = await setup({}, { rfc8414: false });
      const report = await doctor({ url: mcp.url });
      const metadata = check(report, 'authorization-server.metadata');
      expect(metadata.status).toBe('warn');
      expect(metadata.seen).toMatch(/\/resources\/res_12345\/\.well-known\/oauth-authorization-server: served/);
      // Everything else is still evaluated from the document found there.
      expect(idsWith(report, 'fail'), explain(report)).toEqual([]);
      expect(idsWith(report, 'warn')).toEqual(['authorization-server.metadata']);
      expect(doctorExitCode(report)).toBe(0);
    },
  );

  it('says what answered instead of the metadata: an HTML page at HTTP 200 is named as such', async () => {
    const { mcp } = await setup({}, { htmlEverywhere: true });
    const report = await doctor({ url: mcp.url });
    const metadata = check(report, 'authorization-server.metadata');
    expect(metadata.status, explain(report)).toBe('fail');
    expect(metadata.seen).toMatch(
      /\/\.well-known\/oauth-authorization-server\/resources\/res_12345: HTTP 200 but not a JSON object \(text\/html; charset=utf-8: <!doctype html><title>Sign in<\/title>\)/,
    );
  });

  it('warns when the metadata mirror is stale (DCR turned off upstream, the server not restarted)', async () => {
    const { mcp } = await setup(
      { mirrorPatch: { registration_endpoint: 'http://127.0.0.1:1/api/v1/resources/res_42/clients:register' } },
      { dcr: false },
    );
    const report = await doctor({ url: mcp.url, registration: 'cimd' });
    const mirror = check(report, 'authorization-server.mirror');
    expect(mirror.status, explain(report)).toBe('warn');
    expect(mirror.seen).toMatch(
      /registration_endpoint: mirror "http:\/\/127\.0\.0\.1:1\/.*", authorization server \(absent\)/,
    );
    expect(mirror.fix).toMatch(/Restart the MCP server/);
    expect(doctorExitCode(report)).toBe(0);
  });

  it('fails when the expected registration mode is off, naming the dashboard toggle', async () => {
    const { mcp } = await setup({}, { dcr: false });
    const report = await doctor({ url: mcp.url, registration: 'dcr' });
    const registration = check(report, 'authorization-server.registration');
    expect(registration.status).toBe('fail');
    expect(registration.fix).toContain('Dynamic Client Registration');
    expect(registration.fix).toContain('Restart the MCP server');
    // CIMD alone is what --registration cimd expects: fine.
    expect(
      check(await doctor({ url: mcp.url, registration: 'cimd' }), 'authorization-server.registration').status,
    ).toBe('pass');
  });
});

describe('doctor judges tokens against its clock', () => {
  it('warns about a token that expires within a minute (deps.now)', async () => {
    const { as, mcp } = await setup();
    const exp = Math.floor(Date.now() / 1000) + 3600;
    const token = await as.signToken({ scopes: ['todo:read'], aud: [as.resourceId, mcp.url], exp });
    const report = await runDoctor({ url: mcp.url, token, timeoutMs: 2_000 }, { now: () => (exp - 30) * 1000 });
    expect(check(report, 'token.expiry')).toMatchObject({
      status: 'warn',
      seen: expect.stringMatching(/^expires in 30 s/),
    });
  });
});

describe("doctor's output", () => {
  it('prints one line per check, then indented seen / why / fix / spec for failures', async () => {
    const { mcp } = await setup({ prmResource: (url) => `${url}/` });
    const text = formatReport(await doctor({ url: mcp.url }), { color: false });
    expect(text).toContain(
      `create-mcp-oauth doctor  ${mcp.url}\n\n1. Unauthenticated ` +
        `request\n  ✓ An unauthenticated initialize is refused with 401\n`,
    );
    expect(text).toMatch(
      /\n {2}✗ PRM resource matches the MCP URL\n {6}seen {2}resource "[^"]+\/mcp\/", MCP URL "[^"]+\/mcp"\n {12}trailing-slash trap[^\n]*\n {6}why {3}[^\n]+\n {6}fix {3}Set MCP_SERVER_URL to exactly /,
    );
    // The rule is named in words with links to where it is written, not with an internal label.
    expect(text).toMatch(
      new RegExp(
        String.raw`\n {6}spec {2}MCP authorization, "Canonical Server URI": ` +
          String.raw`https://modelcontextprotocol\.io/specification/[\d-]+/basic/authorization\n` +
          String.raw` {12}RFC 9728 §3\.3: https://www\.rfc-editor\.org/rfc/rfc9728#section-3\.3\n`,
      ),
    );
    expect(text).not.toMatch(/\bR\d{1,2}\b|fact sheet/);
    expect(text).toMatch(/\n1 failed, 0 warnings, \d+ passed, 1 skipped {2}\(\d+ ms\)\n$/);
    const json = JSON.parse(formatReport(await doctor({ url: mcp.url }), { json: true })) as DoctorReport;
    expect(json.schemaVersion).toBe(1);
    expect(json.checks.find((c) => c.id === 'prm.resource')).toMatchObject({
      step: 'prm',
      status: 'fail',
      title: 'PRM resource matches the MCP URL',
      spec: expect.stringContaining('RFC 9728 §3.3: https://www.rfc-editor.org/rfc/rfc9728#section-3.3'),
    });
    expect(json.checks.filter((c) => c.status === 'pass').map((c) => c.spec)).toEqual(
      json.checks.filter((c) => c.status === 'pass').map(() => ''),
    );
  });
});

describe("doctor on the network's bad days", () => {
  it('reports an unreachable host as such, quickly and without throwing', async () => {
    const port = await closedPort();
    const report = await doctor({ url: `http://127.0.0.1:${port}/mcp`, timeoutMs: 1_000 });
    const status = check(report, 'challenge.status');
    expect(status.status).toBe('fail');
    expect(status.title).toBe('MCP endpoint is reachable');
    expect(status.seen).toMatch(/unreachable \(.*ECONNREFUSED/);
    expect(report.durationMs).toBeLessThan(1_000);
    expect(doctorExitCode(report)).toBe(1);
    expect(() => formatReport(report, { color: true })).not.toThrow();
  });

  it('reports a hanging server as a timeout, within the timeout (not one per request)', async () => {
    const hanging = await startHangingServer();
    running.push(hanging);
    const timeoutMs = 400;
    const started = performance.now();
    const report = await doctor({ url: `${hanging.origin}/mcp`, timeoutMs, token: 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln' });
    const elapsed = performance.now() - started;
    const status = check(report, 'challenge.status');
    expect(status.status).toBe('fail');
    expect(status.seen).toContain(`no answer within ${timeoutMs} ms (timed out)`);
    // Requests to the same silent endpoint defer to challenge.status instead of repeating it.
    expect(check(report, 'token.accepted')).toMatchObject({
      status: 'skip',
      seen: expect.stringContaining('see challenge.status'),
    });
    expect(check(report, 'browser.origin').status).toBe('skip');
    expect(idsWith(report, 'fail')).toEqual(['challenge.status']);
    // Independent requests run in parallel, so the run costs about one timeout, not one per request.
    expect(elapsed).toBeLessThan(timeoutMs * 2.5);
    expect(doctorExitCode(report)).toBe(1);
  });

  it('reports an invalid URL as a failed check instead of throwing', async () => {
    const report = await doctor({ url: 'not a url' });
    expect(idsWith(report, 'fail')).toEqual(['challenge.url']);
    expect(doctorExitCode(report)).toBe(1);
  });
});

describe('doctor keeps credentials where they belong', () => {
  it('never sends the token to another origin, nor follows a redirect with it, nor prints it', async () => {
    // A trap on another loopback port: authenticated MCP requests are redirected to it.
    const trap = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"jsonrpc":"2.0","id":1,"result":{}}');
    });
    running.push(trap);
    const { as, mcp } = await setup({ redirectAuthenticatedTo: `${trap.origin}/mcp` });
    const token = await readOnlyToken(as, mcp);
    // Also watch from the client side: every request doctor makes, wherever it goes.
    const sent: Array<{ url: string; headers: Record<string, string>; body: string }> = [];
    const recordingFetch: typeof fetch = (input, init) => {
      sent.push({
        url: String(input),
        headers: { ...(init?.headers as Record<string, string>) },
        body: String(init?.body ?? ''),
      });
      return fetch(input, init);
    };
    const report = await runDoctor(
      { url: mcp.url, token, probeTools: true, timeoutMs: 2_000 },
      { fetch: recordingFetch },
    );

    const carryingToken = sent.filter((request) => JSON.stringify(request).includes(token));
    expect(carryingToken.length).toBeGreaterThan(0);
    for (const request of carryingToken) expect(request.url).toBe(mcp.url);
    expect(new Set(sent.map((request) => new URL(request.url).origin))).toEqual(new Set([mcp.origin, as.origin]));

    // The redirect is reported, not followed.
    expect(check(report, 'token.accepted').status).toBe('fail');
    expect(check(report, 'token.accepted').seen).toContain('not followed');
    expect(trap.requests).toEqual([]);
    // The authorization server (another port) was consulted, but never with a token.
    expect(as.requests.length).toBeGreaterThan(0);
    for (const request of as.requests) {
      expect(request.headers.authorization).toBeUndefined();
      expect(JSON.stringify(request)).not.toContain(token);
    }
    // The token did reach the server under test (so the test above is meaningful).
    expect(mcp.requests.some((request) => request.headers.authorization === `Bearer ${token}`)).toBe(true);

    const signature = token.split('.')[2]!;
    for (const output of [
      formatReport(report, { color: false }),
      formatReport(report, { color: true }),
      formatReport(report, { json: true }),
    ]) {
      expect(output).not.toContain(token);
      expect(output).not.toContain(signature);
    }
  });

  it('scrubs the token from the report even when the server echoes it back', async () => {
    const as = await startAuthorizationServer();
    running.push(as);
    const echo = await startServer((req, res) => {
      // A badly behaved server that reflects the Authorization header in its error body.
      res.writeHead(req.headers.authorization ? 500 : 401, { 'content-type': 'text/plain' });
      res.end(`rejected ${req.headers.authorization ?? ''}`);
    });
    running.push(echo);
    const token = await as.signToken({ aud: [as.resourceId] });
    const report = await doctor({ url: `${echo.origin}/mcp`, token });
    expect(check(report, 'token.accepted').seen).toContain('[redacted]');
    expect(formatReport(report, { json: true })).not.toContain(token);
    expect(formatReport(report, {})).not.toContain(token);
  });

  it('retries the client credentials grant without scope when the client may not have all of them', async () => {
    const { as, mcp } = await setup({}, { machineAllowedScopes: ['todo:read'] });
    const report = await runDoctor(
      {
        url: mcp.url,
        clientId: as.client.id,
        clientSecretEnv: 'DOCTOR_TEST_SECRET',
        registration: 'both',
        timeoutMs: 2_000,
      },
      { env: { DOCTOR_TEST_SECRET: as.client.secret } },
    );
    expect(check(report, 'token.source').status, explain(report)).toBe('pass');
    expect(check(report, 'token.source').seen).toMatch(/HTTP 400 \(invalid_scope\); retried without scope/);
    const scopes = as.requests
      .filter((request) => request.path.endsWith('/oauth/token'))
      .map((request) => new URLSearchParams(request.body).get('scope'));
    expect(scopes).toEqual(['todo:read todo:write', null]);
    expect(check(report, 'token.accepted').status).toBe('pass');
  });

  it("refuses to send the client secret to a token endpoint outside the authorization server's origin", async () => {
    const trap = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"access_token":"x","token_type":"Bearer"}');
    });
    running.push(trap);
    const { as, mcp } = await setup({}, { tokenEndpoint: `${trap.origin}/oauth/token` });
    const report = await runDoctor({
      url: mcp.url,
      clientId: as.client.id,
      clientSecret: as.client.secret,
      timeoutMs: 2_000,
    });
    const source = check(report, 'token.source');
    expect(source.status).toBe('fail');
    expect(source.seen).toContain('refusing to send the client secret');
    expect(trap.requests).toEqual([]);
    expect(JSON.stringify(report)).not.toContain(as.client.secret);
  });
});
