/** The server refuses to start misconfigured, naming the variable to fix. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/mcp-oauth/config.js';

const valid = {
  SCALEKIT_ENVIRONMENT_URL: 'https://acme.scalekit.com',
  SCALEKIT_RESOURCE_ID: 'res_123',
  MCP_SERVER_URL: 'https://mcp.acme.com/mcp',
};

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('loadConfig', () => {
  it('derives the Scalekit endpoints', () => {
    const config = loadConfig(valid);
    expect(config.scalekit.authorizationServer).toBe('https://acme.scalekit.com/resources/res_123');
    expect(config.scalekit.jwksUrl.href).toBe('https://acme.scalekit.com/keys');
    expect(config.scalekit.issuers).toEqual([
      'https://acme.scalekit.com/resources/res_123',
      'https://acme.scalekit.com',
    ]);
    expect(config.mcpPath).toBe('/mcp');
    expect(config.host).toBe('0.0.0.0');
  });

  it('binds to loopback when the server URL is localhost', () => {
    expect(loadConfig({ ...valid, MCP_SERVER_URL: 'http://localhost:3000/mcp' }).host).toBe('127.0.0.1');
  });

  it('refuses the placeholders create-mcp-oauth writes when values are unknown', () => {
    const problems = problemsOf({
      ...valid,
      SCALEKIT_ENVIRONMENT_URL: 'https://REPLACE-ME.scalekit.com',
      SCALEKIT_RESOURCE_ID: 'res_REPLACE_ME',
    });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^SCALEKIT_ENVIRONMENT_URL .*placeholder/);
    expect(problems[1]).toMatch(/^SCALEKIT_RESOURCE_ID .*placeholder/);
  });

  it.each([
    ['SCALEKIT_ENVIRONMENT_URL', { SCALEKIT_ENVIRONMENT_URL: undefined }],
    ['SCALEKIT_ENVIRONMENT_URL', { SCALEKIT_ENVIRONMENT_URL: 'http://acme.scalekit.com' }],
    ['SCALEKIT_ENVIRONMENT_URL', { SCALEKIT_ENVIRONMENT_URL: 'https://acme.scalekit.com/resources/res_123' }],
    ['SCALEKIT_RESOURCE_ID', { SCALEKIT_RESOURCE_ID: 'https://mcp.acme.com' }],
    ['MCP_SERVER_URL', { MCP_SERVER_URL: 'https://mcp.acme.com/mcp/' }],
    ['MCP_SERVER_URL', { MCP_SERVER_URL: 'mcp.acme.com/mcp' }],
    ['MCP_SERVER_URL', { MCP_SERVER_URL: 'http://mcp.acme.com/mcp' }],
    ['PORT', { PORT: 'eighty' }],
    ['MCP_SERVER_URL_IN_AUDIENCE', { MCP_SERVER_URL_IN_AUDIENCE: 'maybe' }],
  ])('names %s when it is wrong', (variable, override) => {
    const problems = problemsOf({ ...valid, ...override });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(variable);
  });
});
