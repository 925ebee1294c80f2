/**
 * The promise `doctor` makes: the access token goes only to the MCP URL under test, and the client secret only to
 * the authorization server's token endpoint. Every outgoing request passes through `CredentialGuard.assertAllowed`,
 * which looks for each secret (and its encoded forms) anywhere in the URL, headers or body, so a future code path
 * that forgets the rule fails loudly instead of leaking.
 */

export class CredentialLeakError extends Error {
  constructor(what: string, destination: string) {
    super(`refusing to send the ${what} to ${destination}: it may only go to its own destination`);
    this.name = 'CredentialLeakError';
  }
}

type SecretKind = 'access token' | 'client secret';

interface GuardedSecret {
  kind: SecretKind;
  /** The literal forms the secret can take on the wire (raw, URL-encoded, inside HTTP Basic credentials). */
  forms: string[];
  /** Exact destinations (origin + path) the secret may be sent to; empty until one is approved. */
  allowed: Set<string>;
}

export class CredentialGuard {
  private readonly secrets: GuardedSecret[] = [];

  /** The access token may be sent to the MCP endpoint only: same origin, same path. */
  protectToken(token: string, mcpUrl: URL): void {
    const secret = this.register('access token', [token]);
    secret?.allowed.add(destinationKey(mcpUrl));
  }

  /** Registers the client secret with no allowed destination: nothing may carry it until `allowClientSecretTo`. */
  protectClientSecret(clientId: string, secret: string): void {
    const basic = (id: string, value: string) => Buffer.from(`${id}:${value}`).toString('base64');
    this.register('client secret', [
      secret,
      encodeURIComponent(secret),
      formUrlEncode(secret),
      basic(clientId, secret),
      basic(formUrlEncode(clientId), formUrlEncode(secret)),
    ]);
  }

  /**
   * Approves the token endpoint for the client secret, but only when it lives on the authorization server's own
   * origin: metadata pointing the secret elsewhere is refused rather than trusted.
   */
  allowClientSecretTo(tokenEndpoint: URL, authorizationServer: URL): void {
    if (tokenEndpoint.origin !== authorizationServer.origin) {
      throw new CredentialLeakError(
        'client secret',
        `${tokenEndpoint.origin} (not the authorization server's origin ${authorizationServer.origin})`,
      );
    }
    for (const secret of this.secrets) {
      if (secret.kind === 'client secret') secret.allowed.add(destinationKey(tokenEndpoint));
    }
  }

  /** Every form of every secret, for scrubbing output. */
  secretValues(): string[] {
    return this.secrets.flatMap((secret) => secret.forms);
  }

  assertAllowed(url: URL, headers: Record<string, string>, body: string | undefined): void {
    const destination = destinationKey(url);
    const carriers = [url.href, body ?? '', ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`)];
    for (const secret of this.secrets) {
      if (secret.allowed.has(destination)) continue;
      if (secret.forms.some((form) => carriers.some((carrier) => carrier.includes(form)))) {
        throw new CredentialLeakError(secret.kind, url.origin + url.pathname);
      }
    }
  }

  private register(kind: SecretKind, forms: string[]): GuardedSecret | undefined {
    const usable = [...new Set(forms.filter((form) => form.length > 0))];
    if (usable.length === 0) return undefined;
    const existing = this.secrets.find((secret) => secret.kind === kind && secret.forms[0] === usable[0]);
    if (existing) return existing;
    const secret: GuardedSecret = { kind, forms: usable, allowed: new Set() };
    this.secrets.push(secret);
    return secret;
  }
}

function destinationKey(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

/** application/x-www-form-urlencoded, as RFC 6749 §2.3.1 asks for client_secret_basic credentials. */
export function formUrlEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}

/** Shortest prefix of a secret that counts as (part of) the secret when it shows up in output. */
const MIN_REDACTED_RUN = 12;

/**
 * Replaces each secret in `text` with `[redacted]`, including truncated copies: output cuts long bodies short, so a
 * server that echoes the token would otherwise leak its first part. Any run of characters matching the start of a
 * secret (or of one of a JWT's segments) for at least 12 characters is redacted. Used on the final report as a last
 * line of defence; over-redacting a lookalike is harmless, under-redacting is not.
 */
export function scrubText(text: string, secrets: readonly string[]): string {
  const forms = new Set<string>();
  for (const secret of secrets) {
    forms.add(secret);
    for (const segment of secret.split('.')) forms.add(segment);
  }
  let result = text;
  for (const form of [...forms].sort((a, b) => b.length - a.length)) {
    if (form.length < MIN_REDACTED_RUN) continue;
    const probe = form.slice(0, MIN_REDACTED_RUN);
    let from = 0;
    for (;;) {
      const start = result.indexOf(probe, from);
      if (start === -1) break;
      let end = start + probe.length;
      while (end < result.length && end - start < form.length && result[end] === form[end - start]) end++;
      result = `${result.slice(0, start)}[redacted]${result.slice(end)}`;
      from = start + '[redacted]'.length;
    }
  }
  return result;
}
