/**
 * The hostile-input battery: the BUILT CLI, run as CI and scripts run it (no terminal), with one bad
 * input at a time. Every case must end with exit code 1, an error that names the flag or field, no
 * crash ("unexpected failure"), no raw control characters echoed to the terminal, and the sandbox
 * byte-for-byte (and mtime-for-mtime) as it was. A summary line with the counts is printed at the end.
 *
 * Not in the table: a NUL byte in an argument. The OS cannot carry one in argv (Node refuses to spawn
 * it), so it can only arrive through a prompt; validate-names.test.ts covers that at the validator.
 */
import { execa } from 'execa';
import { chmod, cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_BIN, runCli, type CliResult } from '../support/cli.js';
import { buildCli } from './helpers/build.js';
import { snapshotTree } from './helpers/tree-snapshot.js';

const VALID: Record<string, string> = {
  '--framework': 'express',
  '--base-url': 'https://mcp.example.com',
  '--scalekit-env-url': 'https://acme.scalekit.com',
  '--resource-id': 'res_123',
};

/** argv for `dir` with every required flag valid, except those in `set` (a value, or null to leave it out). */
function argv(dir: string | null, set: Record<string, string | null> = {}, extra: string[] = []): string[] {
  const flags = { ...VALID, ...set };
  const args = dir === null ? [] : [dir];
  for (const [flag, value] of Object.entries(flags)) if (value !== null) args.push(flag, value);
  return [...args, ...extra, '--no-install', '--no-git'];
}

interface HostileCase {
  input: string;
  args: string[];
  /** What the error must name: the flag, `[dir]`, or the missing inputs. */
  names: RegExp;
  /** Where the CLI runs: the sandbox's work directory (default) or its read-only directory. */
  cwd?: 'work' | 'readonly';
  env?: Record<string, string>;
}

const bad = (input: string, args: string[], names: RegExp, more: Partial<HostileCase> = {}): HostileCase => ({
  input,
  args,
  names,
  ...more,
});
const baseUrl = (value: string) =>
  bad(`--base-url ${JSON.stringify(value)}`, argv('app', { '--base-url': value }), /^error: --base-url: /m);
const envUrl = (value: string) =>
  bad(
    `--scalekit-env-url ${JSON.stringify(value)}`,
    argv('app', { '--scalekit-env-url': value }),
    /^error: --scalekit-env-url: /m,
  );
const mcpPath = (value: string) =>
  bad(`--mcp-path ${JSON.stringify(value)}`, argv('app', {}, ['--mcp-path', value]), /^error: --mcp-path: /m);
const resourceId = (value: string) =>
  bad(`--resource-id ${JSON.stringify(value)}`, argv('app', { '--resource-id': value }), /^error: --resource-id: /m);
const scopes = (...values: string[]) =>
  bad(
    `--scope ${values.map((v) => JSON.stringify(v)).join(' --scope ')}`,
    argv(
      'app',
      {},
      values.flatMap((v) => ['--scope', v]),
    ),
    /^error: --scope\b/m,
  );
const tools = (...values: string[]) =>
  bad(
    `--tool ${values.map((v) => JSON.stringify(v)).join(' --tool ')}`,
    argv(
      'app',
      {},
      values.flatMap((v) => ['--tool', v]),
    ),
    /^error: --tool\b/m,
  );
const dir = (value: string, more: Partial<HostileCase> = {}) =>
  bad(`[dir] ${JSON.stringify(value)}`, argv(value), /^error: \[dir\]: /m, more);

const CASES: HostileCase[] = [
  // Malformed, relative and non-http URLs
  baseUrl('not a url'),
  baseUrl('mcp.example.com'),
  baseUrl('/mcp'),
  baseUrl('//mcp.example.com'),
  baseUrl('https:mcp.example.com'),
  baseUrl('https://'),
  baseUrl(''),
  baseUrl('javascript:alert(1)'),
  baseUrl('file:///etc/passwd'),
  baseUrl('ftp://mcp.example.com'),
  baseUrl('data:text/html,<script>alert(1)</script>'),
  // Credentials, query, fragment
  baseUrl('https://user:pass@mcp.example.com'),
  baseUrl('https://@mcp.example.com'),
  baseUrl('https://mcp.example.com/?x=1'),
  baseUrl('https://mcp.example.com/?'),
  baseUrl('https://mcp.example.com/#top'),
  // Plain http for a host that is not this machine
  baseUrl('http://mcp.example.com'),
  baseUrl('http://localhost.evil.com'),
  baseUrl('http://127.0.0.1.nip.io'),
  baseUrl('http://0.0.0.0:3000'),
  baseUrl('http://[2001:db8::1]:3000'),
  baseUrl('http://[::ffff:127.0.0.1]:3000'),
  envUrl('http://acme.scalekit.com'),
  // IPv6, unicode and odd host spellings URL parsing would rewrite
  baseUrl('https://[::1'),
  baseUrl('http://[0:0:0:0:0:0:0:1]:3000'),
  baseUrl('https://bücher.example'),
  baseUrl('https://mcp.example.com/ü'),
  baseUrl('http://127.1:3000'),
  baseUrl('https://mcp.example.com:99999'),
  baseUrl("https://a'b.example.com"),
  baseUrl('https://a_b.example.com'),
  baseUrl('https://mcp.example.com\\admin'),
  // Whitespace and control characters inside URLs
  baseUrl('https://mcp.example.com/a b'),
  baseUrl('https://mcp.example.com/\tx'),
  baseUrl('https://mcp.example.com/\nx'),
  baseUrl('https://mcp.example.com/\u001b[2J'),
  // Paths that would not survive .env, routing or URL resolution
  baseUrl('https://mcp.example.com/${HOME}'),
  baseUrl('https://mcp.example.com/%2e%2e/admin'),
  baseUrl('https://mcp.example.com/a/../b'),
  envUrl('https://acme.scalekit.com/oauth/authorize'),
  envUrl('https://acme.scalekit.com?tenant=x'),
  mcpPath('/'),
  mcpPath('/a/../b'),
  mcpPath('/mcp?x=1'),
  mcpPath("/a'b"),
  mcpPath('/m cp'),
  mcpPath('/%2e%2e'),
  mcpPath('/~user'),
  // Scalekit resource ids
  resourceId('app_123'),
  resourceId('res_1;rm -rf ~'),
  resourceId(''),
  // Scope names
  scopes('two words'),
  scopes('quo"te'),
  scopes('back\\slash'),
  scopes(''),
  scopes('=only a description'),
  scopes('offline_access'),
  scopes('émoji'),
  scopes('ansi\u001b[31m'),
  scopes('__proto__=pollutes the scope map'),
  scopes('notes:read=one', 'notes:read=two'),
  // Tool names
  tools('has space='),
  tools('slash/name='),
  tools(`${'x'.repeat(129)}=`),
  tools('='),
  tools(''),
  tools('no-equals'),
  tools('ünï='),
  tools('__proto__='),
  tools('t=', 't=notes:read'),
  tools('t=offline_access'),
  tools('t=bad scope'),
  // Directory names
  dir('..'),
  dir('../../etc'),
  dir('../sibling'),
  dir('/'),
  dir(' '),
  dir('a\nb'),
  dir('tab\there'),
  dir('\u202egnp.exe'),
  dir('!!!'),
  dir('x'.repeat(300)),
  // A file where the directory should be, a non-empty directory, a directory we may not write
  dir('existing-file'),
  dir('existing-file/app'),
  dir('not-empty'),
  dir('app', { cwd: 'readonly' }),
  // Unknown choices and flags
  bad(
    '--framework fastify',
    argv('app', { '--framework': 'fastify' }),
    /^error: --framework: "fastify" is not one of express, hono/m,
  ),
  bad('--framework ""', argv('app', { '--framework': '' }), /^error: --framework: /m),
  bad('--registration auto', argv('app', {}, ['--registration', 'auto']), /^error: --registration: /m),
  bad('--package-manager deno', argv('app', {}, ['--package-manager', 'deno']), /^error: --package-manager: /m),
  bad(
    '--package-manager "npm; rm -rf /"',
    argv('app', {}, ['--package-manager', 'npm; rm -rf /']),
    /^error: --package-manager: /m,
  ),
  bad('--frobnicate', argv('app', {}, ['--frobnicate']), /unknown option '--frobnicate'/),
  bad('a second [dir]', argv('app', {}, ['other']), /too many arguments/),
  bad(
    '--base-url without its value',
    [...argv('app', { '--base-url': null }), '--base-url'],
    /option '--base-url <url>' argument missing/,
  ),
  // What only a prompt could resolve, without a terminal
  bad(
    'nothing at all, CI=true',
    [],
    /missing \[dir\][\s\S]*missing --framework[\s\S]*missing --base-url[\s\S]*missing --scalekit-env-url[\s\S]*missing --resource-id[\s\S]*can't prompt: CI is set/,
  ),
  bad('[dir] only, on pipes', ['app'], /missing --framework[\s\S]*can't prompt: stdin\/stdout is not a terminal/, {
    env: { CI: '' },
  }),
  bad(
    '--scalekit-env-url and --resource-id left out',
    argv('app', { '--scalekit-env-url': null, '--resource-id': null }),
    /missing --scalekit-env-url[\s\S]*missing --resource-id/,
  ),
];

/** Running as root, permission bits do not stop writes: run the unwritable case as `nobody` instead. */
const IS_ROOT = process.getuid?.() === 0;
const NOBODY = 65534;

/**
 * `nobody` may not be able to read the checkout (a clone in /root or a `mktemp -d` folder is 0700), so it runs
 * a copy of the built CLI (bin/, dist/ and package.json: what the package publishes) from a folder it can read.
 */
async function copyOfBuiltCli(): Promise<{ bin: string; remove: () => Promise<void> }> {
  const checkout = path.resolve(path.dirname(CLI_BIN), '..');
  const copy = await mkdtemp(path.join(os.tmpdir(), 'cmo-cli-copy-'));
  for (const part of ['bin', 'dist', 'package.json']) {
    await cp(path.join(checkout, part), path.join(copy, part), { recursive: true });
  }
  await chmod(copy, 0o755);
  return {
    bin: path.join(copy, 'bin', path.basename(CLI_BIN)),
    remove: () => rm(copy, { recursive: true, force: true }),
  };
}

async function runAsUnprivileged(args: string[], cwd: string): Promise<CliResult> {
  const cli = await copyOfBuiltCli();
  const result = await execa(process.execPath, [cli.bin, ...args], {
    cwd,
    env: { CI: 'true', NO_COLOR: '1', HOME: cwd },
    extendEnv: false,
    stdin: 'ignore',
    reject: false,
    all: true,
    uid: NOBODY,
    gid: NOBODY,
  }).finally(cli.remove);
  return {
    exitCode: result.exitCode,
    stdout: String(result.stdout),
    stderr: String(result.stderr),
    all: String(result.all),
  };
}

/** A fresh sandbox: work/ (the cwd) with a file and a non-empty directory in it, and a read-only directory. */
async function sandbox(): Promise<{ root: string; cwd: Record<'work' | 'readonly', string> }> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'cmo-hostile-'));
  const work = path.join(root, 'work');
  const readonly = path.join(root, 'readonly');
  await mkdir(path.join(work, 'not-empty'), { recursive: true });
  await writeFile(path.join(work, 'existing-file'), 'a file, not a directory\n');
  await writeFile(path.join(work, 'not-empty', 'README.md'), '# mine\n');
  await mkdir(readonly);
  await writeFile(path.join(readonly, 'keep.txt'), 'keep\n');
  await chmod(readonly, 0o555);
  // Traversable by the unprivileged user the root-only case runs as.
  await chmod(root, 0o755);
  return { root, cwd: { work, readonly } };
}

interface Outcome {
  input: string;
  accepted: boolean;
  changed: boolean;
  named: boolean;
  crashed: boolean;
}
const outcomes: Outcome[] = [];

beforeAll(() => buildCli(), 60_000);

afterAll(() => {
  const count = (key: keyof Omit<Outcome, 'input'>) => outcomes.filter((outcome) => outcome[key]).length;
  console.log(
    `hostile inputs: ${outcomes.length} tried, ${count('accepted')} ` +
      `accepted, ${count('changed')} changed the file system, ` +
      `${outcomes.length - count('named')} without the input named, ${count('crashed')} crashed`,
  );
});

describe.concurrent('hostile inputs to the built CLI', () => {
  it('has at least 40 distinct cases', () => {
    expect(new Set(CASES.map((c) => c.input)).size).toBe(CASES.length);
    expect(CASES.length).toBeGreaterThanOrEqual(40);
  });

  it.each(CASES.map((c) => [c.input, c] as const))('%s', async (_input, hostile) => {
    const { root, cwd } = await sandbox();
    try {
      const before = await snapshotTree(root, { mtimes: true });
      const where = cwd[hostile.cwd ?? 'work'];
      const run =
        hostile.cwd === 'readonly' && IS_ROOT
          ? await runAsUnprivileged(hostile.args, where)
          : await runCli(hostile.args, { cwd: where, env: hostile.env ?? {}, timeout: 20_000 });
      const after = await snapshotTree(root, { mtimes: true });
      const outcome: Outcome = {
        input: hostile.input,
        accepted: run.exitCode === 0,
        changed: JSON.stringify(after) !== JSON.stringify(before),
        named: hostile.names.test(run.stderr),
        crashed: /unexpected failure/.test(run.stderr),
      };
      outcomes.push(outcome);

      expect(run.exitCode, run.all).toBe(1);
      expect(run.stderr, run.all).toMatch(hostile.names);
      expect(run.stderr).not.toMatch(/unexpected failure/);
      expect(run.stdout).not.toMatch(/Created|Wrote/);
      // Whatever was typed, the terminal only ever gets printable text and line breaks back.
      // eslint-disable-next-line no-control-regex -- the assertion is about control characters
      expect(run.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f\u202e]/);
      expect(after).toEqual(before);
    } finally {
      await chmod(path.join(root, 'readonly'), 0o755);
      await rm(root, { recursive: true, force: true });
    }
  });
});
