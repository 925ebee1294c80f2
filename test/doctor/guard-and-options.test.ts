import { describe, expect, it } from 'vitest';
import { CredentialGuard, CredentialLeakError, scrubText } from '../../src/doctor/guard.js';
import { validateDoctorOptions } from '../../src/doctor/index.js';

describe('CredentialGuard', () => {
  const mcpUrl = new URL('https://mcp.example.com/mcp');
  const token = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c3JfNDIifQ.c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmU';

  it('lets the token go to the MCP URL only', () => {
    const guard = new CredentialGuard();
    guard.protectToken(token, mcpUrl);
    const bearer = { authorization: `Bearer ${token}` };
    expect(() => guard.assertAllowed(new URL('https://mcp.example.com/mcp'), bearer, undefined)).not.toThrow();
    expect(() => guard.assertAllowed(new URL('https://mcp.example.com/other'), bearer, undefined)).toThrow(
      CredentialLeakError,
    );
    expect(() => guard.assertAllowed(new URL('https://auth.example.com/mcp'), bearer, undefined)).toThrow(
      CredentialLeakError,
    );
    // Anywhere in the request: query string, body, any header.
    expect(() => guard.assertAllowed(new URL(`https://auth.example.com/x?t=${token}`), {}, undefined)).toThrow(
      CredentialLeakError,
    );
    expect(() => guard.assertAllowed(new URL('https://auth.example.com/x'), {}, `token=${token}`)).toThrow(
      CredentialLeakError,
    );
    expect(() => guard.assertAllowed(new URL('https://auth.example.com/x'), { 'x-forward': token }, undefined)).toThrow(
      CredentialLeakError,
    );
    expect(() => guard.assertAllowed(new URL('https://auth.example.com/x'), {}, undefined)).not.toThrow();
  });

  it("lets the client secret go nowhere until its token endpoint is approved, and only on the issuer's origin", () => {
    const guard = new CredentialGuard();
    guard.protectClientSecret('client 1', 's3cret/with+chars');
    const basic = { authorization: `Basic ${Buffer.from('client+1:s3cret%2Fwith%2Bchars').toString('base64')}` };
    const tokenEndpoint = new URL('https://env.scalekit.com/resources/res_1/oauth/token');
    expect(() => guard.assertAllowed(tokenEndpoint, basic, undefined)).toThrow(CredentialLeakError);
    expect(() =>
      guard.allowClientSecretTo(
        new URL('https://evil.example.com/token'),
        new URL('https://env.scalekit.com/resources/res_1'),
      ),
    ).toThrow(CredentialLeakError);
    guard.allowClientSecretTo(tokenEndpoint, new URL('https://env.scalekit.com/resources/res_1'));
    expect(() => guard.assertAllowed(tokenEndpoint, basic, undefined)).not.toThrow();
    expect(() => guard.assertAllowed(mcpUrl, {}, 'client_secret=s3cret%2Fwith%2Bchars')).toThrow(CredentialLeakError);
  });
});

describe('scrubText', () => {
  const token = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c3JfNDIifQ.c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmU';

  it('redacts whole, truncated and partial copies of a secret', () => {
    expect(scrubText(`echo: Bearer ${token} end`, [token])).toBe('echo: Bearer [redacted] end');
    expect(scrubText(`body: Bearer ${token.slice(0, 40)}…`, [token])).toBe('body: Bearer [redacted]…');
    expect(scrubText(`bad signature ${token.split('.')[2]}`, [token])).toBe('bad signature [redacted]');
    expect(scrubText('nothing secret here', [token])).toBe('nothing secret here');
  });
});

describe('validateDoctorOptions', () => {
  it('accepts a minimal and a full set of options', () => {
    expect(validateDoctorOptions({ url: 'http://localhost:3000/mcp' })).toEqual([]);
    expect(
      validateDoctorOptions({
        url: 'https://mcp.example.com/mcp',
        registration: 'both',
        tokenEnv: 'TOKEN',
        probeTools: true,
        timeoutMs: 3000,
        origin: 'http://localhost:6274',
      }),
    ).toEqual([]);
    expect(validateDoctorOptions({ url: 'https://mcp.example.com/mcp', clientId: 'c', clientSecretEnv: 'S' })).toEqual(
      [],
    );
  });

  it('explains each usage error', () => {
    expect(validateDoctorOptions({ url: 'mcp.example.com/mcp' })[0]).toMatch(/not an absolute URL/);
    expect(validateDoctorOptions({ url: 'ftp://x/mcp' })[0]).toMatch(/http or https/);
    expect(validateDoctorOptions({ url: 'http://x/mcp', registration: 'magic' as never })[0]).toMatch(/--registration/);
    expect(validateDoctorOptions({ url: 'http://x/mcp', timeoutMs: 0 })[0]).toMatch(/--timeout/);
    expect(validateDoctorOptions({ url: 'http://x/mcp', timeoutMs: 2 ** 31 })[0]).toMatch(/--timeout .*2147483647/);
    expect(validateDoctorOptions({ url: 'http://x/mcp', token: 'a', tokenEnv: 'B' })[0]).toMatch(
      /either --token or --token-env/,
    );
    expect(validateDoctorOptions({ url: 'http://x/mcp', clientSecret: 's' })[0]).toMatch(/needs --client-id/);
    expect(validateDoctorOptions({ url: 'http://x/mcp', clientId: 'c' })[0]).toMatch(/needs --client-secret/);
    expect(validateDoctorOptions({ url: 'http://x/mcp', origin: 'http://localhost:6274/app' })[0]).toMatch(
      /bare origin/,
    );
    expect(
      validateDoctorOptions({ url: 'http://x/mcp', tokenEnv: 'T', clientId: 'c', clientSecretEnv: 'S' })[0],
    ).toMatch(/either a token .* or client credentials/);
  });
});
