/**
 * MCP hosts without a human: the official MCP clients (v2 `@modelcontextprotocol/client` and v1
 * `@modelcontextprotocol/sdk`) with a real `OAuthClientProvider` whose "browser" is the local
 * authorization server's headless login. Everything else (PRM discovery from the 401 challenge, AS
 * metadata, DCR, PKCE, the token request, step-up on 403) is the SDKs' own code.
 *
 * The flow is the one every interactive host runs: a request fails with `UnauthorizedError` after the
 * SDK called `redirectToAuthorization`; the host waits for the redirect back (here: the headless login
 * has already produced it), calls `transport.finishAuth(code)` and retries the request.
 */
import {
  Client,
  StreamableHTTPClientTransport,
  UnauthorizedError,
  type OAuthClientProvider,
  type OAuthDiscoveryState,
  type StoredOAuthClientInformation,
  type StoredOAuthTokens,
} from '@modelcontextprotocol/client';
import { Client as ClientV1 } from '@modelcontextprotocol/sdk/client/index.js';
import {
  UnauthorizedError as UnauthorizedErrorV1,
  type OAuthClientProvider as OAuthClientProviderV1,
  type OAuthDiscoveryState as OAuthDiscoveryStateV1,
} from '@modelcontextprotocol/sdk/client/auth.js';
import { StreamableHTTPClientTransport as StreamableHTTPClientTransportV1 } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { OAuthClientInformationMixed, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { completeLoginHeadlessly, type HeadlessLoginOptions } from '../../templates/base/dev/local-scalekit.js';

/** Never contacted: the headless login stops at the redirect back to the client. */
export const REDIRECT_URI = 'http://127.0.0.1:53682/oauth/callback';

export interface HostOptions {
  /** Pre-registered client (DCR off): the host starts with this client id and never registers. */
  clientId?: string;
  /** What the user does on the sign-in page; change it between sign-ins (e.g. grant less, then all). */
  login?: HeadlessLoginOptions;
}

/** Storage and "browser" shared by both SDK generations; the subclasses only pin the SDK types. */
class HeadlessHost<
  ClientInformation extends { client_id: string },
  Tokens extends { access_token: string },
  DiscoveryState,
> {
  /** Every authorization request the SDK sent the user to, in order. */
  readonly authorizationUrls: URL[] = [];
  login: HeadlessLoginOptions;
  #client?: ClientInformation;
  #tokens?: Tokens;
  #verifier = '';
  #callback?: URL;
  #discovery?: DiscoveryState;

  constructor(options: HostOptions = {}) {
    this.login = options.login ?? {};
    if (options.clientId) this.#client = { client_id: options.clientId } as ClientInformation;
  }

  get redirectUrl(): string {
    return REDIRECT_URI;
  }
  get clientMetadata() {
    return {
      client_name: 'create-mcp-oauth e2e host',
      redirect_uris: [REDIRECT_URI],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }
  clientInformation(): ClientInformation | undefined {
    return this.#client;
  }
  saveClientInformation(information: ClientInformation): void {
    this.#client = information;
  }
  tokens(): Tokens | undefined {
    return this.#tokens;
  }
  saveTokens(tokens: Tokens): void {
    this.#tokens = tokens;
  }
  saveCodeVerifier(verifier: string): void {
    this.#verifier = verifier;
  }
  codeVerifier(): string {
    return this.#verifier;
  }
  /** Kept like the code verifier, as hosts must: the SDK checks the redirect back against it. */
  saveDiscoveryState(state: DiscoveryState): void {
    this.#discovery = state;
  }
  discoveryState(): DiscoveryState | undefined {
    return this.#discovery;
  }
  invalidateCredentials(scope: 'all' | 'client' | 'tokens' | 'verifier' | 'discovery'): void {
    if (scope === 'all' || scope === 'client') this.#client = undefined;
    if (scope === 'all' || scope === 'tokens') this.#tokens = undefined;
    if (scope === 'all' || scope === 'discovery') this.#discovery = undefined;
  }
  /** The "browser": signs in and consents right away, and keeps the redirect back for finishAuth. */
  async redirectToAuthorization(url: URL): Promise<void> {
    this.authorizationUrls.push(url);
    this.#callback = await completeLoginHeadlessly(url, this.login);
  }

  /** The code (and `iss`) of the last redirect back; each one is used once. */
  takeAuthorizationResponse(): { code: string; iss?: string } {
    const callback = this.#callback;
    this.#callback = undefined;
    const code = callback?.searchParams.get('code');
    if (!code) throw new Error(`No authorization code to finish with: ${callback?.href ?? 'no redirect yet'}`);
    return { code, iss: callback?.searchParams.get('iss') ?? undefined };
  }

  /** The current access token's claims (unverified: the server under test does the verifying). */
  claims(): Record<string, unknown> {
    const token = this.#tokens?.access_token;
    if (!token) throw new Error('No access token yet');
    return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  }
  header(): Record<string, unknown> {
    const token = this.#tokens?.access_token ?? '';
    return JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  }
}

export class HostV2
  extends HeadlessHost<StoredOAuthClientInformation, StoredOAuthTokens, OAuthDiscoveryState>
  implements OAuthClientProvider {}
export class HostV1
  extends HeadlessHost<OAuthClientInformationMixed, OAuthTokens, OAuthDiscoveryStateV1>
  implements OAuthClientProviderV1 {}

const CLIENT_INFO = { name: 'create-mcp-oauth-e2e', version: '1.0.0' };

/** A connected v2 client, and `run` to retry an operation after the user signs in, as hosts do. */
export interface SessionV2 {
  client: Client;
  transport: StreamableHTTPClientTransport;
  run<T>(operation: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export async function connectV2(mcpUrl: string, host: HostV2): Promise<SessionV2> {
  let transport = new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: host });
  let client = new Client(CLIENT_INFO);
  const finish = async () => {
    const { code, iss } = host.takeAuthorizationResponse();
    await transport.finishAuth(code, iss);
  };
  try {
    await client.connect(transport);
  } catch (error) {
    if (!(error instanceof UnauthorizedError)) throw error;
    await finish();
    await client.close().catch(() => undefined);
    // As the SDK's own OAuth example does: a fresh transport once the provider holds a token.
    transport = new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: host });
    client = new Client(CLIENT_INFO);
    await client.connect(transport);
  }
  return {
    client,
    transport,
    async run(operation) {
      try {
        return await operation();
      } catch (error) {
        if (!(error instanceof UnauthorizedError)) throw error;
        await finish();
        return operation();
      }
    },
    close: () => client.close(),
  };
}

export interface SessionV1 {
  client: ClientV1;
  transport: StreamableHTTPClientTransportV1;
  run<T>(operation: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export async function connectV1(mcpUrl: string, host: HostV1): Promise<SessionV1> {
  let transport = new StreamableHTTPClientTransportV1(new URL(mcpUrl), { authProvider: host });
  let client = new ClientV1(CLIENT_INFO);
  const finish = async () => {
    // v1's finishAuth takes the code only.
    await transport.finishAuth(host.takeAuthorizationResponse().code);
  };
  try {
    await client.connect(transport);
  } catch (error) {
    if (!(error instanceof UnauthorizedErrorV1)) throw error;
    await finish();
    await client.close().catch(() => undefined);
    transport = new StreamableHTTPClientTransportV1(new URL(mcpUrl), { authProvider: host });
    client = new ClientV1(CLIENT_INFO);
    await client.connect(transport);
  }
  return {
    client,
    transport,
    async run(operation) {
      try {
        return await operation();
      } catch (error) {
        if (!(error instanceof UnauthorizedErrorV1)) throw error;
        await finish();
        return operation();
      }
    },
    close: () => client.close(),
  };
}

/** The text of a tool result's first content block. */
export function textOf(result: unknown): string {
  const content = (result as { content?: { type: string; text?: string }[] }).content ?? [];
  return content.find((block) => block.type === 'text')?.text ?? '';
}

/** Scopes of an authorization request, as a sorted list. */
export function requestedScopes(url: URL | undefined): string[] {
  return (url?.searchParams.get('scope') ?? '').split(' ').filter(Boolean).sort();
}
