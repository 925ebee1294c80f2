/**
 * Step 4: browser hosts (MCP Inspector, web clients). A browser preflights every MCP request (it carries
 * Authorization and MCP headers), can only read `WWW-Authenticate` on a 401 if it is exposed, and the server must
 * refuse requests whose Origin it does not trust, so a web page cannot reach a local server by DNS rebinding.
 */
import { SERVER_SILENT, type DoctorContext } from '../context.js';
import { describeOutcome, headerList, type HttpOutcome } from '../http.js';
import { initializeBody, mcpHeaders } from '../mcp-protocol.js';
import { fail, pass, skip, warn, type Check } from '../report.js';

const step = 'browser' as const;

/** Headers a browser MCP client sends that are not CORS-safelisted: without them in Allow-Headers, nothing works. */
const REQUIRED_REQUEST_HEADERS = ['authorization', 'content-type', 'mcp-session-id', 'mcp-protocol-version'];
/** Needed for resumable streams and the 2026-07-28 routing headers. */
const RECOMMENDED_REQUEST_HEADERS = ['last-event-id', 'mcp-method', 'mcp-name'];
const REQUIRED_EXPOSED = ['www-authenticate'];
const RECOMMENDED_EXPOSED = ['mcp-session-id', 'mcp-protocol-version'];

export async function runBrowserChecks(ctx: DoctorContext): Promise<Check[]> {
  const [preflight, withOrigin, hostile] = await Promise.all([
    ctx.http.send({
      url: ctx.mcpUrl,
      method: 'OPTIONS',
      headers: {
        origin: ctx.browserOrigin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': [...REQUIRED_REQUEST_HEADERS, ...RECOMMENDED_REQUEST_HEADERS].join(','),
      },
    }),
    ctx.http.send({
      url: ctx.mcpUrl,
      method: 'POST',
      headers: { ...mcpHeaders(), origin: ctx.browserOrigin },
      body: initializeBody(1),
    }),
    ctx.http.send({
      url: ctx.mcpUrl,
      method: 'POST',
      headers: { ...mcpHeaders(), origin: ctx.hostileOrigin },
      body: initializeBody(1),
    }),
  ]);
  const preflightCheck = checkPreflight(ctx, preflight);
  const checks = [
    preflightCheck,
    checkExposedHeaders(ctx, withOrigin, preflightCheck),
    checkOriginValidation(ctx, hostile),
  ];
  if (await ctx.endpointAnswered) return checks;
  const outcomes = [preflight, withOrigin, hostile];
  return checks.map((check, index) =>
    outcomes[index]!.kind === 'response'
      ? check
      : skip({ id: check.id, step, title: check.title, seen: SERVER_SILENT }),
  );
}

function allowsOrigin(headers: Headers, origin: string): boolean {
  const value = headers.get('access-control-allow-origin');
  return value === '*' || value === origin;
}

function checkPreflight(ctx: DoctorContext, outcome: HttpOutcome): Check {
  const id = 'browser.preflight';
  const title = 'CORS preflight from a browser origin is answered';
  const why =
    'Browsers send an OPTIONS preflight before each MCP request; it must be answered ' +
    'before the bearer check, allowing Authorization and the MCP headers.';
  const request = `OPTIONS from ${ctx.browserOrigin}`;
  const fix =
    `Answer OPTIONS on ${ctx.mcpUrl.pathname} before authentication with 204, ` +
    `Access-Control-Allow-Origin, Access-Control-Allow-Methods: GET, POST, DELETE, OPTIONS and ` +
    `Access-Control-Allow-Headers: Authorization, Content-Type, Accept, ` +
    `MCP-Protocol-Version, Mcp-Session-Id, Last-Event-ID, Mcp-Method, Mcp-Name.`;
  if (outcome.kind !== 'response')
    return fail({ id, step, title, seen: `${request}: ${describeOutcome(outcome)}`, why, fix });
  const { status, headers } = outcome;
  const allowHeaders = headerList(headers, 'access-control-allow-headers');
  const allowMethods = headerList(headers, 'access-control-allow-methods');
  const seen = [
    `${request}: ${describeOutcome(outcome)}`,
    `Access-Control-Allow-Origin: ${headers.get('access-control-allow-origin') ?? '(none)'}`,
    `Access-Control-Allow-Methods: ${headers.get('access-control-allow-methods') ?? '(none)'}`,
    `Access-Control-Allow-Headers: ${headers.get('access-control-allow-headers') ?? '(none)'}`,
  ];
  if (status === 401) {
    return fail({ id, step, title, seen: `${seen[0]}\nthe preflight hit the bearer check`, why, fix });
  }
  if (status === 403) {
    return warn({
      id,
      step,
      title,
      seen: `${seen[0]}\nthe server refuses this origin`,
      why: 'Right if no browser host should use this server; MCP Inspector and web hosts cannot connect otherwise.',
      fix:
        `Add ${ctx.browserOrigin} to the server's allowed origins if browser ` +
        `hosts should connect (or re-run with --origin <the origin you use>).`,
    });
  }
  const problems: string[] = [];
  if (status < 200 || status >= 300) problems.push(`status ${status}, expected 204 or 200`);
  if (!allowsOrigin(headers, ctx.browserOrigin))
    problems.push('Access-Control-Allow-Origin does not allow this origin');
  if (!(allowMethods.includes('post') || allowMethods.includes('*'))) problems.push('POST is not an allowed method');
  // A wildcard never covers Authorization (Fetch standard), so it must be listed by name.
  const missing = REQUIRED_REQUEST_HEADERS.filter(
    (name) => !allowHeaders.includes(name) && !(name !== 'authorization' && allowHeaders.includes('*')),
  );
  if (missing.length > 0) problems.push(`not allowed: ${missing.join(', ')}`);
  if (problems.length > 0) return fail({ id, step, title, seen: [...seen, ...problems].join('\n'), why, fix });

  const missingRecommended = RECOMMENDED_REQUEST_HEADERS.filter(
    (name) => !allowHeaders.includes(name) && !allowHeaders.includes('*'),
  );
  const missingMethods = ['get', 'delete'].filter(
    (method) => !allowMethods.includes(method) && !allowMethods.includes('*'),
  );
  if (missingRecommended.length > 0 || missingMethods.length > 0) {
    const lines = [
      ...(missingRecommended.length > 0 ? [`not allowed (recommended): ${missingRecommended.join(', ')}`] : []),
      ...(missingMethods.length > 0
        ? [`methods not allowed: ${missingMethods.join(', ').toUpperCase()} (the SSE stream and session close)`]
        : []),
    ];
    return warn({ id, step, title, seen: [...seen, ...lines].join('\n'), why, fix });
  }
  return pass({ id, step, title, seen: seen.join('\n'), why });
}

function checkExposedHeaders(ctx: DoctorContext, outcome: HttpOutcome, preflight: Check): Check {
  const id = 'browser.cors-headers';
  const title = 'A browser can read the 401 challenge (Access-Control-Expose-Headers)';
  const why =
    'Without Access-Control-Expose-Headers: WWW-Authenticate, a ' +
    'browser host sees a bare 401 and cannot discover where to log in.';
  const request = `POST initialize from ${ctx.browserOrigin}, no token`;
  if (outcome.kind !== 'response') return skip({ id, step, title, seen: `${request}: ${describeOutcome(outcome)}` });
  if (outcome.status === 403 && preflight.status === 'warn') {
    return skip({ id, step, title, seen: `${request}: HTTP 403 (this origin is refused; see browser.preflight)` });
  }
  if (outcome.status !== 401)
    return skip({ id, step, title, seen: `${request}: ${describeOutcome(outcome)}, not a 401 (see challenge.status)` });
  const exposed = headerList(outcome.headers, 'access-control-expose-headers');
  const seen = [
    `${request}: HTTP 401`,
    `Access-Control-Allow-Origin: ${outcome.headers.get('access-control-allow-origin') ?? '(none)'}`,
    `Access-Control-Expose-Headers: ${outcome.headers.get('access-control-expose-headers') ?? '(none)'}`,
  ];
  const fix =
    'Send CORS headers on every response, 401 and 403 included: Access-Control-Allow-Origin and ' +
    'Access-Control-Expose-Headers: WWW-Authenticate, Mcp-Session-Id, MCP-Protocol-Version.';
  const isExposed = (name: string) => exposed.includes(name) || exposed.includes('*');
  const problems: string[] = [];
  if (!allowsOrigin(outcome.headers, ctx.browserOrigin))
    problems.push('the 401 has no Access-Control-Allow-Origin for this origin: the browser hides the whole response');
  const missing = REQUIRED_EXPOSED.filter((name) => !isExposed(name));
  if (missing.length > 0) problems.push(`not exposed: ${missing.join(', ')}`);
  if (problems.length > 0) return fail({ id, step, title, seen: [...seen, ...problems].join('\n'), why, fix });
  const missingRecommended = RECOMMENDED_EXPOSED.filter((name) => !isExposed(name));
  if (missingRecommended.length > 0) {
    return warn({
      id,
      step,
      title,
      seen: [...seen, `not exposed: ${missingRecommended.join(', ')}`].join('\n'),
      why:
        'Browser hosts need Mcp-Session-Id to keep a session and ' +
        'MCP-Protocol-Version to know the negotiated revision.',
      fix,
    });
  }
  return pass({ id, step, title, seen: seen.join('\n'), why });
}

function checkOriginValidation(ctx: DoctorContext, outcome: HttpOutcome): Check {
  const id = 'browser.origin';
  const title = 'A request from an untrusted Origin is refused with 403';
  const why =
    'Servers must reject a present but disallowed Origin with 403, ' +
    'or any web page can reach the server through DNS rebinding.';
  const seen = `POST initialize with Origin ${ctx.hostileOrigin}: ${describeOutcome(outcome)}`;
  const fix =
    "Validate Origin before authentication: if present and not in the allowed list (the server's own " +
    'origin and the browser hosts you trust), answer 403. A missing Origin is fine (non-browser clients).';
  if (outcome.kind !== 'response') return fail({ id, step, title, seen, why, fix });
  if (outcome.status === 403) return pass({ id, step, title, seen, why });
  if (outcome.status === 401) {
    return fail({
      id,
      step,
      title,
      seen: `${seen}\nthe Origin was not checked (or only after authentication)`,
      why,
      fix,
    });
  }
  if (outcome.status >= 200 && outcome.status < 300) return fail({ id, step, title, seen, why, fix });
  return warn({ id, step, title, seen, why, fix });
}
