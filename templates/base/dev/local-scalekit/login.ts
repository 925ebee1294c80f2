// The login + consent page of the local test authorization server.
//
// There is no password: whoever opens the page picks any user name or email and
// signs in as that user. One POST both logs in and records consent for the
// scopes left ticked, so a test can complete it with plain `fetch`
// (see headless.ts). It stands in for Scalekit's hosted login and consent.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { escapeHtml, userIdFor, type Provider } from './provider.js';

export const DEFAULT_USER = 'demo@example.com';

interface PageContext {
  serverUrl: string;
  scopes: readonly string[];
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
      if (body.length > 64 * 1024) reject(new Error('request body too large'));
    });
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(html);
}

function requestedScopes(params: Record<string, unknown>): string[] {
  return typeof params.scope === 'string' ? params.scope.split(' ').filter(Boolean) : [];
}

function renderPage(action: string, clientLabel: string, resource: string, scopes: string[]): string {
  const boxes = scopes
    .map(
      (scope) =>
        `<label><input type="checkbox" name="scope" value="${escapeHtml(scope)}" checked> ${escapeHtml(scope)}</label><br>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in (local test server)</title>
<style>body{font-family:system-ui,sans-serif;max-width:34rem;margin:2rem auto;padding:0 1rem}
.warn{background:#fff3cd;border:1px solid #e0c060;padding:.75rem;border-radius:6px}
button{font-size:1rem;padding:.4rem 1.2rem;margin-right:.5rem}</style></head>
<body>
<p class="warn"><strong>LOCAL TEST AUTHORIZATION SERVER</strong> - not Scalekit, not for production.
There are no passwords: anyone on this machine can sign in as anyone.</p>
<h1>Sign in and allow access</h1>
<p><strong>${escapeHtml(clientLabel)}</strong> wants to access <code>${escapeHtml(resource)}</code>.</p>
<form method="post" action="${escapeHtml(action)}">
<p><label>User name or email<br><input name="user" value="${escapeHtml(DEFAULT_USER)}" size="32"></label></p>
<fieldset><legend>Scopes to grant</legend>
${boxes || '<em>none requested</em>'}
</fieldset>
<p><button type="submit" name="action" value="allow">Allow</button>
<button type="submit" name="action" value="deny">Deny</button></p>
</form>
</body></html>`;
}

/** Serves GET (the form) and POST (log in + consent) for one pending interaction. */
export async function handleLogin(
  provider: Provider,
  page: PageContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  let details: Awaited<ReturnType<Provider['interactionDetails']>>;
  try {
    details = await provider.interactionDetails(req, res);
  } catch {
    send(res, 400, '<!doctype html><p>This sign-in request has expired or is unknown. Start again from the app.</p>');
    return;
  }
  const params = details.params;
  const clientId = String(params.client_id);
  const resource = typeof params.resource === 'string' ? params.resource : page.serverUrl;
  const requested = requestedScopes(params);
  // Only the MCP server's scopes and offline_access can be granted; anything else
  // requested (e.g. `openid`) is refused without asking.
  const offered = requested.filter((scope) => page.scopes.includes(scope) || scope === 'offline_access');

  if (req.method === 'GET') {
    const client = await provider.Client.find(clientId);
    const label = client?.clientName ? `${client.clientName} (${clientId})` : clientId;
    const action = new URL(req.url ?? '/', 'http://x').pathname;
    send(res, 200, renderPage(action, label, resource, offered));
    return;
  }

  const form = new URLSearchParams(await readBody(req));
  if (form.get('action') === 'deny') {
    await provider.interactionFinished(
      req,
      res,
      { error: 'access_denied', error_description: 'The user denied the request' },
      { mergeWithLastSubmission: false },
    );
    return;
  }

  const accountId = userIdFor(form.get('user') || DEFAULT_USER);
  const ticked = new Set(form.getAll('scope'));

  // oidc-provider tracks scopes of the server itself and of the resource (the MCP
  // server) separately; the MCP scopes are both (see provider.ts). Scopes left
  // unticked are recorded as rejected, so the user is not asked again in this
  // request: the token simply carries fewer scopes.
  const grant = new provider.Grant({ accountId, clientId });
  for (const scope of requested) {
    const isResourceScope = page.scopes.includes(scope);
    if (offered.includes(scope) && ticked.has(scope)) {
      grant.addOIDCScope(scope);
      if (isResourceScope) grant.addResourceScope(resource, scope);
    } else {
      grant.rejectOIDCScope(scope);
      if (isResourceScope) grant.rejectResourceScope(resource, scope);
    }
  }
  const grantId = await grant.save();

  await provider.interactionFinished(
    req,
    res,
    { login: { accountId }, consent: { grantId } },
    { mergeWithLastSubmission: false },
  );
}
