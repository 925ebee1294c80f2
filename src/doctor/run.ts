/**
 * Runs every check as early as its inputs allow. Independent requests start together (the challenge, the
 * well-known PRM URLs, the browser probes, the metadata mirror, and the authenticated session when a token is
 * given); only true dependencies wait (PRM → authorization server → JWKS, client credentials → token checks).
 * With a hanging server, the whole run is bounded by a few timeouts in sequence, not one per request.
 */
import {
  mirrorCheck,
  runAuthorizationServerChecks,
  startMirrorFetch,
  type AuthorizationServerFindings,
} from './checks/authorization-server.js';
import { runBrowserChecks } from './checks/browser.js';
import { followableRedirect, runChallengeChecks } from './checks/challenge.js';
import { fetchClientCredentialsToken } from './checks/client-credentials.js';
import { runPrmChecks, startWellKnownPrmFetches, type PrmFindings } from './checks/prm.js';
import { runTokenClaimChecks } from './checks/token.js';
import { evaluateSession, runSession } from './checks/tools.js';
import type { DoctorContext } from './context.js';
import { CredentialGuard, scrubText } from './guard.js';
import { createHttpClient } from './http.js';
import { McpSession } from './mcp-session.js';
import {
  DEFAULT_BROWSER_ORIGIN,
  DEFAULT_TIMEOUT_MS,
  HOSTILE_ORIGIN,
  isRegistrationMode,
  MAX_TIMEOUT_MS,
  parseMcpUrl,
  type DoctorDeps,
  type DoctorOptions,
} from './options.js';
import {
  fail,
  orderChecks,
  pass,
  skip,
  summarize,
  type Check,
  type DiscoveredFacts,
  type DoctorReport,
  type Step,
} from './report.js';

interface TokenInput {
  token?: string;
  source: DoctorReport['tokenSource'];
  /** Set when the user asked for a token we could not read (e.g. an empty environment variable). */
  problem?: string;
  client?: { clientId: string; clientSecret: string };
  /** Set when a token was given but is not sent in this run, and why. */
  withheld?: string;
}

export async function runDoctor(options: DoctorOptions, deps: DoctorDeps = {}): Promise<DoctorReport> {
  const started = performance.now();
  const first = await runAt(options, deps, { started });
  if (!first.redirect) return first.report;
  // The endpoint redirects within its origin with 307/308, which fetch-based hosts follow with the method, body and
  // token intact: check what they reach, and say that the redirect itself is a problem for browsers.
  // The token goes only to the URL the user named, never across a redirect: the token checks wait for a run
  // against the URL it leads to.
  const { target, check } = first.redirect;
  const withheld =
    `not sent: ${options.url} redirects to ${target.href}, and doctor sends the token only to the URL given. ` +
    `Run doctor ${target.href} with the token to check it.`;
  const followed = await runAt({ ...options, url: target.href }, deps, {
    started,
    reportedUrl: options.url,
    leading: [check],
    withheld,
  });
  return followed.report;
}

interface RunSetup {
  started: number;
  /** The URL the user asked about, when the checks ran against where it redirects. */
  reportedUrl?: string;
  /** Checks made before this run (the redirect it follows). */
  leading?: Check[];
  /** A given token (or client credentials) is not used in this run, for this reason. */
  withheld?: string;
}

async function runAt(
  options: DoctorOptions,
  deps: DoctorDeps,
  setup: RunSetup,
): Promise<{ report: DoctorReport; redirect?: { target: URL; check: Check } }> {
  const { started, leading = [] } = setup;
  const now = deps.now ?? Date.now;
  const env = deps.env ?? process.env;
  const timeoutMs =
    options.timeoutMs !== undefined &&
    Number.isFinite(options.timeoutMs) &&
    options.timeoutMs > 0 &&
    options.timeoutMs <= MAX_TIMEOUT_MS
      ? options.timeoutMs
      : DEFAULT_TIMEOUT_MS;
  const guard = new CredentialGuard();
  const resolved = resolveToken(options, env);
  const tokenInput: TokenInput =
    setup.withheld && (resolved.token || resolved.client)
      ? { source: resolved.source, withheld: setup.withheld }
      : resolved;

  const report: DoctorReport = {
    schemaVersion: 1,
    url: setup.reportedUrl ?? options.url,
    startedAt: new Date(now()).toISOString(),
    durationMs: 0,
    tokenSource: tokenInput.source,
    registration: options.registration,
    probeTools: options.probeTools === true,
    timeoutMs,
    discovered: {},
    checks: [],
    summary: summarize([]),
  };

  // Secrets are registered before the first request, so nothing can carry them anywhere unapproved.
  const mcpUrl = parseMcpUrl(options.url);
  if (tokenInput.token && typeof mcpUrl !== 'string') guard.protectToken(tokenInput.token, mcpUrl);
  if (tokenInput.client) guard.protectClientSecret(tokenInput.client.clientId, tokenInput.client.clientSecret);

  const finish = (checks: Check[], discovered: DiscoveredFacts = {}): DoctorReport => {
    report.checks = orderChecks([...leading, ...checks]);
    report.summary = summarize(report.checks);
    report.discovered = discovered;
    report.durationMs = Math.round(performance.now() - started);
    return scrubReport(report, [...guard.secretValues(), ...(tokenInput.token ? [tokenInput.token] : [])]);
  };

  const inputProblems = inputChecks(options, mcpUrl);
  if (typeof mcpUrl === 'string') return { report: finish(inputProblems) };

  let reportAnswered: (answered: boolean) => void = () => {};
  const endpointAnswered = new Promise<boolean>((resolve) => (reportAnswered = resolve));
  const ctx: DoctorContext = {
    mcpUrl,
    http: createHttpClient({ fetch: deps.fetch ?? globalThis.fetch, timeoutMs, guard }),
    guard,
    now,
    registration: options.registration && isRegistrationMode(options.registration) ? options.registration : undefined,
    resourceId: options.resourceId,
    probeTools: options.probeTools === true,
    browserOrigin: (options.origin ?? DEFAULT_BROWSER_ORIGIN).replace(/\/$/, ''),
    hostileOrigin: HOSTILE_ORIGIN,
    endpointAnswered,
  };

  // Everything that depends on nothing starts now.
  const wellKnown = startWellKnownPrmFetches(ctx);
  const mirror = startMirrorFetch(ctx);
  const challenge = runChallengeChecks(ctx).then(
    (result) => (reportAnswered(result.findings.outcome.kind === 'response'), result),
    (error: unknown) => {
      reportAnswered(true);
      throw error;
    },
  );
  const browser = runBrowserChecks(ctx);
  const prm = challenge.then((result) => runPrmChecks(ctx, result.findings, wellKnown));
  const prmFindings = prm.then(
    (result) => result.findings,
    (): PrmFindings => ({}),
  );
  const authorizationServer = prmFindings.then((findings) =>
    runAuthorizationServerChecks(ctx, findings.authorizationServer),
  );
  const asFindings = authorizationServer.then(
    (result) => result.findings,
    (): AuthorizationServerFindings => ({}),
  );
  const token = runTokenStep(ctx, tokenInput, prmFindings, asFindings);

  const groups = await Promise.all([
    settle(
      'challenge',
      challenge.then((result) => result.checks),
    ),
    settle(
      'prm',
      prm.then(async (result) => [...result.checks, await result.cors]),
    ),
    settle(
      'authorization-server',
      authorizationServer.then(async (result) => [
        ...result.checks,
        mirrorCheck(ctx, await mirror, result.findings, await endpointAnswered),
      ]),
    ),
    settle('browser', browser),
    settle(
      'token',
      token.then((result) => result.checks),
    ),
  ]);

  const [prmResult, asResult, tokenResult] = await Promise.all([prmFindings, asFindings, token.catch(() => undefined)]);
  const challengeFindings = await challenge.then((result) => result.findings).catch(() => undefined);
  const discovered: DiscoveredFacts = {
    resourceMetadataUrl: challengeFindings?.resourceMetadataUrl?.href ?? prmResult.effective?.url.href,
    resource: prmResult.resource,
    authorizationServer: prmResult.authorizationServer,
    authorizationServerMetadataUrl: asResult.metadataUrl,
    issuer: asResult.issuer,
    jwksUri: asResult.jwksUri,
    scopesSupported: prmResult.scopesSupported,
    challengeScope: challengeFindings?.scope,
    tools: tokenResult?.tools,
  };
  const finished = finish([...inputProblems, ...groups.flat()], dropUndefined(discovered));
  const redirect =
    leading.length === 0 && challengeFindings ? followableRedirect(mcpUrl, challengeFindings.outcome) : undefined;
  return { report: finished, redirect };
}

function resolveToken(options: DoctorOptions, env: Record<string, string | undefined>): TokenInput {
  // People paste "Bearer eyJ…" as often as "eyJ…".
  const clean = (value: string | undefined) => value?.trim().replace(/^bearer\s+/i, '') || undefined;
  let clientSecret = options.clientSecret;
  if (clientSecret === undefined && options.clientSecretEnv) clientSecret = env[options.clientSecretEnv];
  const client = options.clientId && clientSecret ? { clientId: options.clientId, clientSecret } : undefined;

  if (options.token !== undefined) {
    const token = clean(options.token);
    return token ? { token, source: 'flag', client } : { source: 'flag', problem: '--token is empty', client };
  }
  if (options.tokenEnv) {
    const token = clean(env[options.tokenEnv]);
    return token
      ? { token, source: 'env', client }
      : { source: 'env', problem: `environment variable ${options.tokenEnv} is empty or not set`, client };
  }
  if (options.clientId && !clientSecret) {
    const problem = options.clientSecretEnv
      ? `environment variable ${options.clientSecretEnv} is empty or not set`
      : '--client-id needs --client-secret or --client-secret-env';
    return { source: 'client-credentials', problem };
  }
  return client ? { source: 'client-credentials', client } : { source: 'none' };
}

function inputChecks(options: DoctorOptions, mcpUrl: URL | string): Check[] {
  const checks: Check[] = [];
  if (typeof mcpUrl === 'string') {
    checks.push(
      fail({
        id: 'challenge.url',
        step: 'challenge',
        title: 'The MCP URL is usable',
        seen: mcpUrl,
        why: 'Doctor talks to the server exactly as a host would, at this URL.',
        fix: 'Pass the full MCP endpoint URL, e.g. https://mcp.example.com/mcp or http://localhost:3000/mcp.',
      }),
    );
  }
  if (options.registration !== undefined && !isRegistrationMode(options.registration)) {
    checks.push(
      fail({
        id: 'authorization-server.registration-option',
        step: 'authorization-server',
        title: 'The --registration value is known',
        seen: `--registration ${String(options.registration)}`,
        fix: 'Use dcr, cimd, both or preregistered.',
      }),
    );
  }
  return checks;
}

async function runTokenStep(
  ctx: DoctorContext,
  input: TokenInput,
  prmFindings: Promise<PrmFindings>,
  asFindings: Promise<AuthorizationServerFindings>,
): Promise<{ checks: Check[]; tools?: string[] }> {
  const step = 'token' as const;
  const title = 'An access token to test with';
  if (input.withheld) return { checks: [skip({ id: 'token.source', step, title, seen: input.withheld })] };
  if (input.problem) {
    return {
      checks: [
        fail({
          id: 'token.source',
          step,
          title,
          seen: input.problem,
          fix:
            'Pass a token with --token or --token-env NAME (the variable must be ' +
            'set), or client credentials with --client-id and --client-secret-env NAME.',
        }),
      ],
    };
  }
  const checks: Check[] = [];
  let token = input.token;
  if (token) {
    checks.push(
      pass({
        id: 'token.source',
        step,
        title,
        seen:
          input.source === 'env'
            ? 'token read from the environment (never printed)'
            : 'token given with --token (never printed)',
      }),
    );
  } else if (input.client) {
    const [prm, as] = await Promise.all([prmFindings, asFindings]);
    const fetched = await fetchClientCredentialsToken(ctx, input.client, prm.authorizationServer, as, prm);
    checks.push(fetched.check);
    if (!fetched.token) return { checks };
    token = fetched.token;
  } else {
    checks.push(
      skip({
        id: 'token.source',
        step,
        title,
        seen:
          'no token given: token checks skipped. Pass --token/--token-env (e.g. a token ' +
          "from a host's login) or --client-id with --client-secret-env (a machine token).",
      }),
    );
    return { checks };
  }

  const session = new McpSession(ctx, token);
  // The session needs nothing from discovery: it runs while PRM and metadata are still being fetched.
  const sessionResults = runSession(ctx, session);
  const [prm, as] = await Promise.all([prmFindings, asFindings]);
  const claims = runTokenClaimChecks(ctx, token, prm, as);
  const results = await sessionResults;
  const evaluated = evaluateSession(ctx, results, {
    grantedScopes: claims.findings.grantedScopes,
    scopesSupported: prm.scopesSupported,
    claimFailures: [
      ...claims.checks.filter((check) => check.status === 'fail').map((check) => check.id),
      // Keys doctor could not fetch are likely keys the server cannot fetch either.
      ...(as.jwksUri !== undefined && as.jwks === undefined ? ['authorization-server.jwks'] : []),
    ],
    endpointAnswered: await ctx.endpointAnswered,
  });
  return { checks: [...checks, ...claims.checks, ...evaluated.checks], tools: evaluated.tools };
}

/** A bug in one step must not hide the others' results (and must never crash the CLI). */
async function settle(step: Step, checks: Promise<Check[]>): Promise<Check[]> {
  try {
    return await checks;
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return [
      fail({
        id: `${step}.internal-error`,
        step,
        title: 'Doctor could not finish this step',
        seen: message,
        why: 'This is a bug in doctor, not necessarily in your server.',
        fix: 'Please report it with the --json output.',
      }),
    ];
  }
}

function scrubReport(report: DoctorReport, secrets: string[]): DoctorReport {
  if (secrets.length === 0) return report;
  const scrub = (value: unknown): unknown => {
    if (typeof value === 'string') return scrubText(value, secrets);
    if (Array.isArray(value)) return value.map(scrub);
    if (value && typeof value === 'object')
      return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, scrub(inner)]));
    return value;
  };
  return scrub(report) as DoctorReport;
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, inner]) => inner !== undefined)) as T;
}
