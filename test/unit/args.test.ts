import { Command } from 'commander';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defineScaffoldOptions, readScaffoldFlags, type ScaffoldFlags } from '../../src/args/scaffold-options.js';
import { main } from '../../src/cli.js';
import { captureIo } from './helpers/io.js';

/** Parse argv with the real scaffold option definitions, without running the scaffold. */
async function parse(argv: string[]): Promise<ScaffoldFlags> {
  let flags: ScaffoldFlags | undefined;
  const command = defineScaffoldOptions(new Command('test').exitOverride().configureOutput({ writeErr: () => {} }));
  command.action((dir: string | undefined, options: Record<string, unknown>) => {
    flags = readScaffoldFlags(dir, options);
  });
  await command.parseAsync(argv, { from: 'user' });
  return flags!;
}

describe('scaffold flags', () => {
  it('leaves everything not given undefined, and switches at their defaults', async () => {
    expect(await parse([])).toEqual({
      dir: undefined,
      framework: undefined,
      deploy: undefined,
      baseUrl: undefined,
      mcpPath: undefined,
      scalekitEnvUrl: undefined,
      resourceId: undefined,
      serverUrlInAudience: undefined,
      scopes: undefined,
      tools: undefined,
      resources: undefined,
      prompts: undefined,
      filterLists: undefined,
      registration: undefined,
      packageManager: undefined,
      install: true,
      git: true,
      yes: false,
      force: false,
      dryRun: false,
    });
  });

  it('reads every flag', async () => {
    const flags = await parse([
      'my-dir',
      '--framework',
      'hono',
      '--deploy',
      'docker',
      '--base-url',
      'https://mcp.example.com',
      '--mcp-path',
      '/api/mcp',
      '--scalekit-env-url',
      'https://acme.scalekit.com',
      '--resource-id',
      'res_1',
      '--server-url-in-audience',
      '--scope',
      'a=first',
      '--scope',
      'b=second, with = signs',
      '--tool',
      'one=a',
      '--tool',
      'two=',
      '--resource',
      'todo://todos/{id}=a',
      '--resource',
      'config://app?x=1=',
      '--prompt',
      'review=a,b',
      '--filter-lists',
      '--registration',
      'dcr',
      '--package-manager',
      'pnpm',
      '--no-install',
      '--no-git',
      '-y',
      '--force',
      '--dry-run',
    ]);
    expect(flags).toEqual({
      dir: 'my-dir',
      framework: 'hono',
      deploy: 'docker',
      baseUrl: 'https://mcp.example.com',
      mcpPath: '/api/mcp',
      scalekitEnvUrl: 'https://acme.scalekit.com',
      resourceId: 'res_1',
      serverUrlInAudience: true,
      scopes: ['a=first', 'b=second, with = signs'],
      tools: ['one=a', 'two='],
      resources: ['todo://todos/{id}=a', 'config://app?x=1='],
      prompts: ['review=a,b'],
      filterLists: true,
      registration: 'dcr',
      packageManager: 'pnpm',
      install: false,
      git: false,
      yes: true,
      force: true,
      dryRun: true,
    });
  });

  it('has an explicit off switch for --server-url-in-audience', async () => {
    expect((await parse(['--no-server-url-in-audience'])).serverUrlInAudience).toBe(false);
    expect((await parse(['--yes'])).serverUrlInAudience).toBeUndefined();
  });

  it('accepts --flag=value', async () => {
    expect((await parse(['--framework=hono', '--scope=x=y'])).scopes).toEqual(['x=y']);
  });
});

describe('command line errors', () => {
  it('names an unknown flag and exits 1', async () => {
    const io = captureIo();
    expect(await main(['demo', '--framwork', 'hono'], io)).toBe(1);
    expect(io.stderrText()).toMatch(/unknown option '--framwork'/);
    expect(io.stderrText()).toMatch(/Did you mean --framework/);
  });

  it('refuses a second positional argument', async () => {
    const io = captureIo();
    expect(await main(['one', 'two'], io)).toBe(1);
    expect(io.stderrText()).toMatch(/too many arguments/);
  });

  it('names the flag when a value is missing', async () => {
    const io = captureIo();
    expect(await main(['demo', '--base-url'], io)).toBe(1);
    expect(io.stderrText()).toMatch(/--base-url <url>' argument missing/);
  });

  it('prints help and version with exit code 0', async () => {
    const help = captureIo();
    expect(await main(['--help'], help)).toBe(0);
    expect(help.stdoutText()).toMatch(/Usage: create-mcp-oauth \[options\] (\[command\] )?\[dir\]/);
    for (const flag of [
      '--framework',
      '--deploy',
      '--base-url',
      '--mcp-path',
      '--scalekit-env-url',
      '--resource-id',
      '--server-url-in-audience',
      '--no-server-url-in-audience',
      '--scope',
      '--tool',
      '--registration',
      '--package-manager',
      '--no-install',
      '--no-git',
      '--yes',
      '--force',
      '--dry-run',
    ]) {
      expect(help.stdoutText()).toContain(flag);
    }
    const version = captureIo();
    expect(await main(['--version'], version)).toBe(0);
    expect(version.stdoutText()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('names --deploy and its targets for an unknown target, and writes nothing', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'deploy-flag-'));
    const io = captureIo({ cwd });
    expect(await main(['demo', '--yes', '--no-install', '--deploy', 'heroku'], io)).toBe(1);
    expect(io.stderrText()).toMatch(/^error: --deploy: "heroku" is not one of node, docker/);
    expect(await readdir(cwd)).toEqual([]);
  });

  it('reports a bad value with the flag name and writes nothing', async () => {
    const io = captureIo();
    expect(await main(['demo', '--yes', '--mcp-path', '/'], io)).toBe(1);
    expect(io.stderrText()).toMatch(/^error: --mcp-path: /);
    expect(io.stderrText()).not.toMatch(/\n\s+at /); // no stack trace
  });
});
