/**
 * `.env.example` gets the variables the OAuth guard reads, each only if it is missing, appended as one
 * commented block. Existing lines stay as they are, and `.env` itself (real values) is never touched.
 */
import { ENV } from '../core/env.js';
import { envValue } from '../plan/literals.js';

export interface EnvVariable {
  name: string;
  value: string;
  comment: string;
}

export function oauthEnvVariables(values: {
  scalekitEnvUrl: string;
  resourceId: string;
  mcpServerUrl: string;
  serverUrlInAudience: boolean;
}): EnvVariable[] {
  return [
    {
      name: ENV.environmentUrl,
      value: values.scalekitEnvUrl,
      comment:
        'Your Scalekit environment URL: dashboard > Settings > API credentials (e.g. https://acme.scalekit.com).',
    },
    {
      name: ENV.resourceId,
      value: values.resourceId,
      comment: 'The resource id of this MCP server: dashboard > MCP Servers > your server (starts with res_).',
    },
    {
      name: ENV.serverUrl,
      value: values.mcpServerUrl,
      comment: 'The public URL of the MCP endpoint, exactly as clients connect to it (https, no trailing slash).',
    },
    {
      name: ENV.serverUrlInAudience,
      value: String(values.serverUrlInAudience),
      comment: `true if you set "Server URL" in Scalekit to ${ENV.serverUrl}: tokens then carry it in \`aud\`.`,
    },
  ];
}

/** Names already defined (or commented out as `# NAME=`) in an env file. */
export function definedNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*(?:#\s*)?(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(line);
    if (match) names.add(match[1]!);
  }
  return names;
}

/** The new `.env.example`, or undefined when every variable is already there. */
export function addEnvVariables(
  existing: string | undefined,
  variables: readonly EnvVariable[],
): { text: string; added: string[] } | undefined {
  const defined = definedNames(existing ?? '');
  const missing = variables.filter((variable) => !defined.has(variable.name));
  if (missing.length === 0) return undefined;
  const newline = existing?.includes('\r\n') ? '\r\n' : '\n';
  const block = [
    '# Scalekit OAuth for the MCP endpoint (added by create-mcp-oauth add). Copy to .env for local development;',
    '# in production, set these as real environment variables.',
    ...missing.flatMap((variable) => [`# ${variable.comment}`, `${variable.name}=${envValue(variable.value)}`]),
  ].join(newline);
  const before =
    existing === undefined || existing === ''
      ? ''
      : existing.endsWith('\n')
        ? `${existing}${newline}`
        : `${existing}${newline}${newline}`;
  return { text: `${before}${block}${newline}`, added: missing.map((variable) => variable.name) };
}
