/**
 * `--client-id` + `--client-secret[-env]`: fetch a machine token from the authorization server's token endpoint
 * (client credentials grant; `resource` = the PRM resource (RFC 8707), `scope` = its scopes_supported), so the token
 * checks
 * can run without a host.
 * The secret goes to that token endpoint only, and only if it lives on the authorization server's origin.
 */
import type { DoctorContext } from '../context.js';
import { CredentialLeakError, formUrlEncode } from '../guard.js';
import { describeOutcome, excerpt, isJsonObject, parseJson } from '../http.js';
import { fail, pass, type Check } from '../report.js';
import type { AuthorizationServerFindings } from './authorization-server.js';

const id = 'token.source';
const step = 'token' as const;
const title = 'A machine token is issued (client credentials)';

export async function fetchClientCredentialsToken(
  ctx: DoctorContext,
  client: { clientId: string; clientSecret: string },
  authorizationServer: string | undefined,
  as: AuthorizationServerFindings,
  prm: { resource?: string; scopesSupported?: string[] },
): Promise<{ check: Check; token?: string }> {
  const why = 'A token for this resource lets doctor check what the server does with real credentials.';
  if (!authorizationServer || !as.tokenEndpoint) {
    return {
      check: fail({
        id,
        step,
        title,
        seen: 'no token endpoint known (see steps 2 and 3)',
        why,
        fix: 'Fix the discovery failures above, or pass --token.',
      }),
    };
  }
  let tokenEndpoint: URL;
  try {
    tokenEndpoint = new URL(as.tokenEndpoint);
    ctx.guard.allowClientSecretTo(tokenEndpoint, new URL(authorizationServer));
  } catch (error) {
    const reason =
      error instanceof CredentialLeakError ? error.message : `token_endpoint ${as.tokenEndpoint} is not a URL`;
    return {
      check: fail({
        id,
        step,
        title,
        seen: reason,
        why: 'The client secret is only ever sent to the authorization server that issued it.',
        fix: 'Check authorization_servers[0] and its metadata.',
      }),
    };
  }

  const methods = Array.isArray(as.metadata?.token_endpoint_auth_methods_supported)
    ? (as.metadata.token_endpoint_auth_methods_supported as unknown[])
    : undefined;
  // RFC 8414: client_secret_basic is the default when the list is absent.
  const useBasic = !methods || methods.includes('client_secret_basic') || !methods.includes('client_secret_post');
  // Like a host without a challenge scope: ask for the server's scopes. Without `scope`, some authorization servers
  // (oidc-provider among them) issue a token with no scopes at all, which would make every tool refuse it.
  const scope = prm.scopesSupported && prm.scopesSupported.length > 0 ? prm.scopesSupported.join(' ') : undefined;
  const request = (withScope: boolean) => {
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (prm.resource) form.set('resource', prm.resource);
    if (withScope && scope) form.set('scope', scope);
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    };
    if (useBasic) {
      const credentials = `${formUrlEncode(client.clientId)}:${formUrlEncode(client.clientSecret)}`;
      headers.authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
    } else {
      form.set('client_id', client.clientId);
      form.set('client_secret', client.clientSecret);
    }
    const details = [
      'client_credentials',
      `client ${client.clientId}`,
      useBasic ? 'client_secret_basic' : 'client_secret_post',
      ...(prm.resource ? [`resource=${prm.resource}`] : []),
      ...(withScope && scope ? [`scope=${scope}`] : []),
    ];
    const described = `POST ${tokenEndpoint.href} (${details.join(', ')})`;
    return {
      described,
      send: () => ctx.http.send({ url: tokenEndpoint, method: 'POST', headers, body: form.toString() }),
    };
  };

  let attempt = request(true);
  let outcome = await attempt.send();
  const notes: string[] = [];
  // A machine client may be limited to some of the scopes: then take whatever it is allowed, and say so.
  if (scope && outcome.kind === 'response' && outcome.status === 400 && errorCode(outcome.body) === 'invalid_scope') {
    notes.push(`${attempt.described}: HTTP 400 (invalid_scope); retried without scope`);
    attempt = request(false);
    outcome = await attempt.send();
  }
  const seenPrefix = notes.map((note) => `${note}\n`).join('');
  if (outcome.kind !== 'response') {
    return {
      check: fail({
        id,
        step,
        title,
        seen: `${seenPrefix}${attempt.described}: ${describeOutcome(outcome)}`,
        why,
        fix: 'Check the authorization server is reachable from here.',
      }),
    };
  }
  const json = parseJson(outcome.body);
  const token = isJsonObject(json) && typeof json.access_token === 'string' ? json.access_token : undefined;
  if (outcome.status === 200 && token) {
    const type = isJsonObject(json) && typeof json.token_type === 'string' ? json.token_type : '?';
    return {
      token,
      check: pass({ id, step, title, seen: `${seenPrefix}${attempt.described}: HTTP 200, token_type ${type}`, why }),
    };
  }
  const error = isJsonObject(json)
    ? [json.error, json.error_description].filter((part) => typeof part === 'string').join(': ')
    : excerpt(outcome.body, 120);
  return {
    check: fail({
      id,
      step,
      title,
      seen: `${seenPrefix}${attempt.described}: HTTP ${outcome.status}${error ? ` (${error})` : ''}`,
      why,
      fix:
        'Check the client id and secret (an M2M client of this environment), that it may request ' +
        'this resource, and that the resource is the PRM resource registered for your MCP server.',
    }),
  };
}

function errorCode(body: string): unknown {
  const json = parseJson(body);
  return isJsonObject(json) ? json.error : undefined;
}
