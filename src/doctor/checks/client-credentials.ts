/**
 * `--client-id` + `--client-secret[-env]`: fetch a machine token from the authorization server's token endpoint
 * (client credentials grant, RFC 8707 `resource` = the PRM resource), so the token checks can run without a host.
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
  resource: string | undefined,
): Promise<{ check: Check; token?: string }> {
  const why = 'A token for this resource lets doctor check what the server does with real credentials.';
  if (!authorizationServer || !as.tokenEndpoint) {
    return { check: fail({ id, step, title, seen: 'no token endpoint known (see steps 2 and 3)', why, fix: 'Fix the discovery failures above, or pass --token.' }) };
  }
  let tokenEndpoint: URL;
  try {
    tokenEndpoint = new URL(as.tokenEndpoint);
    ctx.guard.allowClientSecretTo(tokenEndpoint, new URL(authorizationServer));
  } catch (error) {
    const reason = error instanceof CredentialLeakError ? error.message : `token_endpoint ${as.tokenEndpoint} is not a URL`;
    return { check: fail({ id, step, title, seen: reason, why: 'The client secret is only ever sent to the authorization server that issued it.', fix: 'Check authorization_servers[0] and its metadata.' }) };
  }

  const methods = Array.isArray(as.metadata?.token_endpoint_auth_methods_supported) ? (as.metadata.token_endpoint_auth_methods_supported as unknown[]) : undefined;
  // RFC 8414: client_secret_basic is the default when the list is absent.
  const useBasic = !methods || methods.includes('client_secret_basic') || !methods.includes('client_secret_post');
  const form = new URLSearchParams({ grant_type: 'client_credentials' });
  if (resource) form.set('resource', resource);
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  if (useBasic) {
    headers.authorization = `Basic ${Buffer.from(`${formUrlEncode(client.clientId)}:${formUrlEncode(client.clientSecret)}`).toString('base64')}`;
  } else {
    form.set('client_id', client.clientId);
    form.set('client_secret', client.clientSecret);
  }

  const outcome = await ctx.http.send({ url: tokenEndpoint, method: 'POST', headers, body: form.toString() });
  const request = `POST ${tokenEndpoint.href} (client_credentials, client ${client.clientId}, ${useBasic ? 'client_secret_basic' : 'client_secret_post'}${resource ? `, resource=${resource}` : ''})`;
  if (outcome.kind !== 'response') {
    return { check: fail({ id, step, title, seen: `${request}: ${describeOutcome(outcome)}`, why, fix: 'Check the authorization server is reachable from here.' }) };
  }
  const json = parseJson(outcome.body);
  const token = isJsonObject(json) && typeof json.access_token === 'string' ? json.access_token : undefined;
  if (outcome.status === 200 && token) {
    const type = isJsonObject(json) && typeof json.token_type === 'string' ? json.token_type : '?';
    return { token, check: pass({ id, step, title, seen: `${request}: HTTP 200, token_type ${type}`, why }) };
  }
  const error = isJsonObject(json) ? [json.error, json.error_description].filter((part) => typeof part === 'string').join(': ') : excerpt(outcome.body, 120);
  return {
    check: fail({
      id,
      step,
      title,
      seen: `${request}: HTTP ${outcome.status}${error ? ` (${error})` : ''}`,
      why,
      fix: 'Check the client id and secret (an M2M client of this environment), that it may request this resource, and that the resource is the PRM resource registered for your MCP server.',
    }),
  };
}
