/**
 * Where each check's requirement is written: the MCP authorization specification or the RFC it builds on.
 * A failing or warning check prints its references, so a reader can look the rule up in its source.
 */

interface Reference {
  name: string;
  url: string;
}

const MCP = 'https://modelcontextprotocol.io/specification/2025-11-25/basic';
const mcpAuthorization = (section: string): Reference => ({
  name: `MCP authorization, "${section}"`,
  url: `${MCP}/authorization`,
});
const rfc = (number: number, section: string): Reference => ({
  name: `RFC ${number} §${section}`,
  url: `https://www.rfc-editor.org/rfc/rfc${number}#section-${section}`,
});

const CHALLENGE = [rfc(9728, '5.1'), rfc(6750, '3')];
const PRM = [mcpAuthorization('Protected Resource Metadata Discovery Requirements'), rfc(9728, '3')];
const AS_METADATA = [mcpAuthorization('Authorization Server Metadata Discovery'), rfc(8414, '3')];
const FETCH = 'https://fetch.spec.whatwg.org/';
const CORS = [{ name: 'Fetch standard, CORS protocol', url: `${FETCH}#http-cors-protocol` }];

/** References per check id (see the ids in checks/); a check without an entry prints none. */
const BY_CHECK: Record<string, Reference[]> = {
  'challenge.status': CHALLENGE,
  'challenge.www-authenticate': [rfc(9110, '11.6.1'), ...CHALLENGE],
  'challenge.redirect': [{ name: 'Fetch standard, HTTP-redirect fetch', url: `${FETCH}#http-redirect-fetch` }, ...CORS],
  'challenge.resource-metadata': CHALLENGE,
  'challenge.url': CHALLENGE,
  'challenge.scope': [mcpAuthorization('Scope Selection Strategy'), rfc(6750, '3')],
  'challenge.invalid-token': [mcpAuthorization('Token Handling'), rfc(6750, '3.1')],
  'challenge.other-methods': [mcpAuthorization('Token Requirements'), rfc(6750, '3')],
  'prm.challenge-url': PRM,
  'prm.path-suffixed': PRM,
  'prm.consistency': PRM,
  'prm.fields': PRM,
  'prm.resource': [mcpAuthorization('Canonical Server URI'), rfc(9728, '3.3')],
  'prm.scopes': [rfc(9728, '2'), mcpAuthorization('Scope Selection Strategy')],
  'prm.cors': CORS,
  'authorization-server.metadata': AS_METADATA,
  'authorization-server.endpoints': AS_METADATA,
  'authorization-server.issuer': [rfc(8414, '3.3')],
  'authorization-server.pkce': [mcpAuthorization('Authorization Code Protection'), rfc(7636, '4')],
  'authorization-server.registration': [mcpAuthorization('Client Registration Approaches')],
  'authorization-server.registration-option': [mcpAuthorization('Client Registration Approaches')],
  'authorization-server.jwks': [rfc(8414, '2')],
  'authorization-server.mirror': AS_METADATA,
  'browser.cors-headers': CORS,
  'browser.preflight': CORS,
  'browser.origin': [{ name: 'MCP transports, "Security Warning"', url: `${MCP}/transports` }],
  'token.audience': [mcpAuthorization('Token Audience Binding and Validation'), rfc(8707, '2')],
  'token.step-up': [mcpAuthorization('Scope Challenge Handling'), rfc(6750, '3.1')],
  'token.accepted': [mcpAuthorization('Token Handling'), rfc(6750, '2.1')],
};

/** The references of a check, one per line (`RFC 9728 §3: https://…`); empty when it has none. */
export function specFor(checkId: string): string {
  return (BY_CHECK[checkId] ?? []).map((reference) => `${reference.name}: ${reference.url}`).join('\n');
}
