/**
 * The environment variable names are defined once for the CLI (src/core/env.ts); the templates spell them
 * out in generated code. A generated server, its `.env.example` and what the CLI prints about them must agree.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ENV } from '../../src/core/env.js';
import { oauthEnvVariables } from '../../src/add/patch-env-example.js';

const template = (file: string) => readFile(new URL(`../../templates/${file}`, import.meta.url), 'utf8');

describe('environment variable names', () => {
  it('are the ones the generated .env.example defines and the generated config reads', async () => {
    const envExample = await template('base/_env.example.hbs');
    const config = await template('mcp-oauth/config.ts');
    for (const name of Object.values(ENV)) {
      expect(envExample).toMatch(new RegExp(`^${name}=`, 'm'));
      expect(config).toContain(`'${name}'`);
    }
  });

  it('are the ones add appends to an existing .env.example', () => {
    const names = oauthEnvVariables({
      scalekitEnvUrl: 'https://acme.scalekit.com',
      resourceId: 'res_1',
      mcpServerUrl: 'http://localhost:3000/mcp',
      serverUrlInAudience: false,
    }).map((variable) => variable.name);
    expect(names).toEqual([ENV.environmentUrl, ENV.resourceId, ENV.serverUrl, ENV.serverUrlInAudience]);
  });
});
