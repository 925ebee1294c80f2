/**
 * Step 5b: what the server does with the token. The host's sequence (initialize, tools/list) must succeed; and a
 * tool whose scope the token lacks must answer 403 `insufficient_scope` with the scopes to request, because
 * that is the only answer a host can step up from (a 401 makes it discard a perfectly good token and start over).
 * Tools are only called with --probe-tools: a tool call can have side effects. With it, each listed prompt is
 * also fetched and each listed resource (and resource template, with a made-up value) read, with the same verdicts.
 */
import { SERVER_SILENT, type DoctorContext } from '../context.js';
import { describeOutcome, excerpt, type HttpOutcome } from '../http.js';
import { isEventStream } from '../mcp-protocol.js';
import type { ListedTool, McpExchange, McpSession } from '../mcp-session.js';
import { fail, pass, skip, warn, type Check } from '../report.js';
import { DASHBOARD, ENV } from '../scalekit.js';
import { findChallenge, parseWwwAuthenticate, splitScopes } from '../www-authenticate.js';

const step = 'token' as const;
const PROBE_CONCURRENCY = 4;

export interface SessionResults {
  initialize: McpExchange;
  list?: { exchange: McpExchange; tools: ListedTool[] };
  /** Per tool, in list order; only with --probe-tools. */
  calls?: Array<{ tool: string; exchange: McpExchange }>;
  /**
   * Per listed prompt (prompts/get), then per listed resource
   * and resource template (resources/read); only with --probe-tools.
   */
  prompts?: Array<{ tool: string; exchange: McpExchange }>;
  resources?: Array<{ tool: string; exchange: McpExchange }>;
  negotiatedProtocolVersion: string;
  hasSession: boolean;
}

/** Runs the host's sequence; pure network, evaluated later once the claims and PRM are known. */
export async function runSession(ctx: DoctorContext, session: McpSession): Promise<SessionResults> {
  const initialize = await session.initialize();
  const results: SessionResults = {
    initialize,
    negotiatedProtocolVersion: session.negotiatedProtocolVersion,
    hasSession: session.hasSession,
  };
  if (!isSuccess(initialize)) return results;
  results.list = await session.listTools();
  if (ctx.probeTools) {
    if (results.list.tools.length > 0) {
      results.calls = await probeEach(
        results.list.tools.map((tool) => tool.name),
        (tool) => session.callTool(tool),
      );
    }
    const capabilities = (initialize.message?.result?.capabilities ?? {}) as Record<string, unknown>;
    if (capabilities.prompts) {
      const { names } = await session.listNames('prompts/list', 'prompts', 'name');
      results.prompts = await probeEach(names, (name) => session.getPrompt(name));
    }
    if (capabilities.resources) {
      const [listed, templates] = await Promise.all([
        session.listNames('resources/list', 'resources', 'uri'),
        session.listNames('resources/templates/list', 'resourceTemplates', 'uriTemplate'),
      ]);
      // A template is read with every variable set to a made-up value: the scope check does not depend on it.
      const uris = [
        ...new Set([
          ...listed.names,
          ...templates.names.map((template) => template.replace(/\{[^}]*\}/g, 'doctor-probe')),
        ]),
      ];
      results.resources = await probeEach(uris, (uri) => session.readResource(uri));
    }
  }
  await session.close();
  return results;
}

/** Runs `probe` for each name, a few at a time, and keeps the answers in the names' order. */
async function probeEach(
  names: string[],
  probe: (name: string) => Promise<McpExchange>,
): Promise<Array<{ tool: string; exchange: McpExchange }>> {
  const answers: Array<{ tool: string; exchange: McpExchange }> = new Array(names.length);
  let next = 0;
  const worker = async () => {
    while (next < names.length) {
      const index = next++;
      const name = names[index]!;
      answers[index] = { tool: name, exchange: await probe(name) };
    }
  };
  await Promise.all(Array.from({ length: Math.min(PROBE_CONCURRENCY, names.length) }, worker));
  return answers;
}

function isSuccess(exchange: McpExchange): boolean {
  return (
    exchange.outcome.kind === 'response' &&
    exchange.outcome.status >= 200 &&
    exchange.outcome.status < 300 &&
    exchange.message?.result !== undefined
  );
}

interface ChallengeInfo {
  error?: string;
  description?: string;
  scope?: string;
  resourceMetadata?: string;
  raw?: string;
}

function challengeOf(outcome: HttpOutcome): ChallengeInfo {
  if (outcome.kind !== 'response') return {};
  const raw = outcome.headers.get('www-authenticate') ?? undefined;
  if (!raw) return {};
  const bearer = findChallenge(parseWwwAuthenticate(raw), 'bearer');
  return {
    raw,
    error: bearer?.params.error,
    description: bearer?.params.error_description,
    scope: bearer?.params.scope,
    resourceMetadata: bearer?.params.resource_metadata,
  };
}

function describeChallenge(challenge: ChallengeInfo): string {
  const parts = [
    challenge.error && `error="${challenge.error}"`,
    challenge.description && `error_description="${excerpt(challenge.description, 100)}"`,
    challenge.scope !== undefined && `scope="${challenge.scope}"`,
  ].filter(Boolean);
  if (parts.length > 0) return parts.join(', ');
  return challenge.raw ? excerpt(challenge.raw, 120) : 'no WWW-Authenticate';
}

export function evaluateSession(
  ctx: DoctorContext,
  results: SessionResults,
  context: { grantedScopes?: string[]; scopesSupported?: string[]; claimFailures: string[]; endpointAnswered: boolean },
): { checks: Check[]; tools?: string[] } {
  const accepted =
    !context.endpointAnswered && results.initialize.outcome.kind !== 'response'
      ? skip({ id: 'token.accepted', step, title: 'The server accepts the token (initialize)', seen: SERVER_SILENT })
      : acceptedCheck(results, context.claimFailures);
  const checks = [accepted];
  if (!results.list) {
    checks.push(
      skip({
        id: 'token.tools-list',
        step,
        title: 'tools/list succeeds with the token',
        seen: 'not evaluated: initialize did not succeed',
      }),
    );
    checks.push(
      skip({
        id: 'token.step-up',
        step,
        title: 'Tools lacking a scope answer 403 insufficient_scope',
        seen: 'not evaluated: initialize did not succeed',
      }),
    );
    return { checks };
  }
  const list = listCheck(results.list);
  checks.push(list);
  const tools = results.list.tools;
  if (list.status === 'fail' || tools.length === 0) {
    checks.push(
      skip({
        id: 'token.step-up',
        step,
        title: 'Tools lacking a scope answer 403 insufficient_scope',
        seen: tools.length === 0 ? 'no tools listed' : 'not evaluated: tools/list failed',
      }),
    );
    return { checks, tools: tools.map((tool) => tool.name) };
  }
  checks.push(results.calls ? stepUpCheck(results.calls, context) : unprobedCheck(ctx, tools, context.grantedScopes));
  if (results.prompts?.length) checks.push(stepUpCheck(results.prompts, context, PROMPT_PROBE));
  if (results.resources?.length) checks.push(stepUpCheck(results.resources, context, RESOURCE_PROBE));
  return { checks, tools: tools.map((tool) => tool.name) };
}

/** How the step-up check names what it probed. */
interface ProbeKind {
  id: string;
  title: string;
  /** Plural noun for the summary line. */
  plural: string;
}

const TOOL_PROBE: ProbeKind = {
  id: 'token.step-up',
  title: 'Tools lacking a scope answer 403 insufficient_scope',
  plural: 'tool',
};
const PROMPT_PROBE: ProbeKind = {
  id: 'token.prompt-step-up',
  title: 'Prompts lacking a scope answer 403 insufficient_scope (prompts/get)',
  plural: 'prompt',
};
const RESOURCE_PROBE: ProbeKind = {
  id: 'token.resource-step-up',
  title: 'Resources lacking a scope answer 403 insufficient_scope (resources/read)',
  plural: 'resource',
};

function acceptedCheck(results: SessionResults, claimFailures: string[]): Check {
  const id = 'token.accepted';
  const title = 'The server accepts the token (initialize)';
  const why = 'This is the first request a host sends with the token.';
  const { outcome, message, problem } = results.initialize;
  const request = 'POST initialize with the token';
  if (outcome.kind !== 'response')
    return fail({
      id,
      step,
      title,
      seen: `${request}: ${describeOutcome(outcome)}`,
      why,
      fix: 'The server must answer authenticated requests promptly; see its log.',
    });
  const seen = `${request}: ${describeOutcome(outcome)}`;
  const status = outcome.status;
  if (status >= 200 && status < 300) {
    if (message?.result) {
      const serverInfo = message.result.serverInfo as { name?: unknown; version?: unknown } | undefined;
      const details = [
        isEventStream(outcome.headers.get('content-type')) ? 'SSE' : 'JSON',
        `protocol ${results.negotiatedProtocolVersion}`,
        results.hasSession ? 'session id issued' : 'stateless',
        serverInfo?.name ? `server ${String(serverInfo.name)} ${String(serverInfo.version ?? '')}`.trim() : undefined,
      ].filter(Boolean);
      return pass({ id, step, title, seen: `${seen} (${details.join(', ')})`, why });
    }
    const detail = message?.error
      ? `JSON-RPC error ${String(message.error.code)}: ${excerpt(String(message.error.message ?? ''), 120)}`
      : (problem ?? 'no JSON-RPC result');
    return fail({
      id,
      step,
      title,
      seen: `${seen}, ${detail}`,
      why,
      fix: 'Make initialize succeed for an authenticated request (the server must support 2025-era initialize).',
    });
  }
  const challenge = challengeOf(outcome);
  if (status === 401) {
    const explained = claimFailures.length > 0 ? `\nexplained by: ${claimFailures.join(', ')}` : '';
    return fail({
      id,
      step,
      title,
      seen: `${seen}, ${describeChallenge(challenge)}${explained}`,
      why: 'The server rejects this token, so a host logging in the same way would be rejected too.',
      fix:
        claimFailures.length > 0
          ? 'Fix the problems named above first.'
          : `The token looks right but the server disagrees: compare the server's ${ENV.environmentUrl}, ` +
            `${ENV.resourceId} and ${ENV.serverUrl} with the token's ` +
            `iss and aud, and check the server can reach the JWKS.`,
    });
  }
  if (status === 403 && challenge.error === 'insufficient_scope') {
    return warn({
      id,
      step,
      title,
      seen: `${seen}, ${describeChallenge(challenge)}`,
      why: 'Requiring a scope for initialize locks out every token without it, before the host can even list tools.',
      fix: 'Require scopes per tool (tools/call), not for initialize.',
    });
  }
  if (status >= 300 && status < 400) {
    return fail({
      id,
      step,
      title,
      seen:
        `${seen} to ${outcome.headers.get('location') ?? '(no Location)'} ` +
        `(not followed: a token never follows a redirect)`,
      why,
      fix: `Connect to the final URL and set ${ENV.serverUrl} to it.`,
    });
  }
  return fail({
    id,
    step,
    title,
    seen:
      `${seen}${challenge.raw ? `, ${describeChallenge(challenge)}` : ''}` +
      `${outcome.body ? ` (body: ${excerpt(outcome.body, 100)})` : ''}`,
    why,
    fix: 'See the server log for this request.',
  });
}

function listCheck(list: { exchange: McpExchange; tools: ListedTool[] }): Check {
  const id = 'token.tools-list';
  const title = 'tools/list succeeds with the token';
  const why = 'Hosts list tools right after initialize; a failure here leaves the user with no tools.';
  const { outcome, message, problem } = list.exchange;
  if (outcome.kind === 'response' && outcome.status >= 200 && outcome.status < 300 && message?.result) {
    const names = list.tools.map((tool) => tool.name);
    const shown =
      names.length > 12 ? `${names.slice(0, 12).join(', ')}, … (${names.length - 12} more)` : names.join(', ');
    return pass({ id, step, title, seen: `${list.tools.length} tool(s)${names.length > 0 ? `: ${shown}` : ''}`, why });
  }
  const seen = `POST tools/list: ${describeOutcome(outcome)}`;
  if (outcome.kind === 'response' && outcome.status === 403) {
    const challenge = challengeOf(outcome);
    if (challenge.error === 'insufficient_scope') {
      return warn({
        id,
        step,
        title,
        seen: `${seen}, ${describeChallenge(challenge)}`,
        why,
        fix: 'Listing tools should need only a valid token; require scopes when a tool is called.',
      });
    }
  }
  let detail = problem ? `, ${problem}` : '';
  if (message?.error) detail = `, JSON-RPC error: ${excerpt(String(message.error.message ?? ''), 120)}`;
  return fail({ id, step, title, seen: `${seen}${detail}`, why, fix: 'See the server log for this request.' });
}

type Verdict = 'ok' | 'warn' | 'fail';

function stepUpCheck(
  calls: Array<{ tool: string; exchange: McpExchange }>,
  context: { grantedScopes?: string[]; scopesSupported?: string[] },
  kind: ProbeKind = TOOL_PROBE,
): Check {
  const { id, title } = kind;
  const why =
    'On 403 insufficient_scope a host re-authorizes with the named scopes; on ' +
    '401 it throws the token away and loops through login without ever asking for more.';
  const lines: string[] = [];
  let worst: Verdict = 'ok';
  let stepUps = 0;
  const fixes = new Set<string>();
  for (const { tool, exchange } of calls) {
    const { verdict, line, fix, isStepUp } = classifyCall(exchange, context);
    if (isStepUp) stepUps++;
    if (verdict === 'fail' || (verdict === 'warn' && worst === 'ok')) worst = verdict;
    if (fix) fixes.add(fix);
    lines.push(`${tool}: ${line}`);
  }
  if (stepUps === 0 && worst === 'ok') {
    lines.push(`(no ${kind.plural} refused this token; to watch a step-up, use a token with fewer scopes)`);
  }
  const fields = { id, step, title, seen: lines.join('\n'), why, fix: [...fixes].join(' ') };
  if (worst === 'fail') return fail(fields);
  return worst === 'warn' ? warn(fields) : pass(fields);
}

function classifyCall(
  exchange: McpExchange,
  context: { grantedScopes?: string[]; scopesSupported?: string[] },
): { verdict: Verdict; line: string; fix?: string; isStepUp?: boolean } {
  const { outcome, message, problem } = exchange;
  const scopeFix =
    "For a valid token lacking a tool's scope, answer 403 with WWW-Authenticate: Bearer " +
    'error="insufficient_scope", scope="<all scopes the tool ' +
    'needs>", resource_metadata="<PRM URL>", error_description="…".';
  if (outcome.kind !== 'response')
    return { verdict: 'warn', line: describeOutcome(outcome), fix: 'Tool calls must answer promptly.' };
  const status = outcome.status;
  if (status >= 200 && status < 300) {
    const errorText = message?.error ? String(message.error.message ?? '') : toolErrorText(message?.result);
    if (
      errorText &&
      /insufficient[_ ]scope|missing scope|required scope|forbidden|not authori[sz]ed|permission/i.test(errorText)
    ) {
      return {
        verdict: 'warn',
        line:
          `HTTP ${status} but the call failed with "${excerpt(errorText, 80)}" ` +
          `(a scope failure hosts cannot step up from)`,
        fix: scopeFix,
      };
    }
    if (!message) return { verdict: 'warn', line: `HTTP ${status}, ${problem ?? 'no JSON-RPC answer'}` };
    return { verdict: 'ok', line: `allowed (HTTP ${status}${message.error ? ', rejected the empty arguments' : ''})` };
  }
  const challenge = challengeOf(outcome);
  if (status === 401) {
    return {
      verdict: 'fail',
      line:
        `HTTP 401 (${describeChallenge(challenge)}) for a token ` +
        `the server just accepted: should be 403 insufficient_scope`,
      fix: scopeFix,
    };
  }
  if (status === 403) {
    if (challenge.error !== 'insufficient_scope')
      return {
        verdict: 'fail',
        line: `HTTP 403 without error="insufficient_scope" (${describeChallenge(challenge)})`,
        fix: scopeFix,
      };
    const requested = splitScopes(challenge.scope);
    if (requested.length === 0)
      return {
        verdict: 'warn',
        line: 'HTTP 403 insufficient_scope without scope=: the host cannot tell what to request',
        fix: scopeFix,
        isStepUp: true,
      };
    const notes: string[] = [];
    let verdict: Verdict = 'ok';
    const unsupported = context.scopesSupported
      ? requested.filter((scope) => !context.scopesSupported!.includes(scope))
      : [];
    if (unsupported.length > 0) {
      verdict = 'warn';
      notes.push(`${unsupported.join(' ')} not in scopes_supported`);
    }
    if (context.grantedScopes && requested.every((scope) => context.grantedScopes!.includes(scope))) {
      verdict = 'warn';
      notes.push('the token already has every named scope, so stepping up cannot help');
    }
    if (!challenge.resourceMetadata) notes.push('no resource_metadata');
    let fix = verdict === 'warn' ? scopeFix : undefined;
    if (unsupported.length > 0) fix = `Add the missing scopes to scopes_supported and ${DASHBOARD.scopes}.`;
    return {
      verdict,
      line:
        `403 insufficient_scope, scope="${challenge.scope ?? ''}"` +
        `${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`,
      fix,
      isStepUp: true,
    };
  }
  return {
    verdict: 'warn',
    line: `${describeOutcome(outcome)}${outcome.body ? ` (body: ${excerpt(outcome.body, 80)})` : ''}`,
  };
}

function toolErrorText(result: Record<string, unknown> | undefined): string {
  if (!result || result.isError !== true || !Array.isArray(result.content)) return '';
  return result.content
    .map((item) =>
      item && typeof item === 'object' && typeof (item as { text?: unknown }).text === 'string'
        ? (item as { text: string }).text
        : '',
    )
    .join(' ');
}

function unprobedCheck(ctx: DoctorContext, tools: ListedTool[], grantedScopes: string[] | undefined): Check {
  const id = 'token.step-up';
  const title = 'Tools lacking a scope answer 403 insufficient_scope';
  const lines = [
    `${tools.length} tool(s) listed, none called (a tool call can have side ` +
      `effects); re-run with --probe-tools to check each one's scope challenge`,
  ];
  for (const tool of tools) {
    if (!tool.declaredScopes) continue;
    const missing = grantedScopes ? tool.declaredScopes.filter((scope) => !grantedScopes.includes(scope)) : [];
    lines.push(
      `${tool.name} declares ${tool.declaredScopes.join(' ')}${
        missing.length > 0 ? ` (token lacks ` + `${missing.join(' ')})` : ''
      }`,
    );
  }
  return skip({ id, step, title, seen: lines.join('\n'), why: ctx.probeTools ? '' : 'Calling tools is opt-in.' });
}
