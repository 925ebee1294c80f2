/**
 * `add` showing and applying its change: unified diffs git accepts, the all-or-nothing patch writer, and the command's
 * safety rules.
 */
import { execa } from 'execa';
import { chmod, cp, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { unifiedDiff } from '../../src/add/diff.js';
import { main } from '../../src/cli.js';
import { writePatch } from '../../src/write/patch-project.js';
import { WriteError } from '../../src/write/write-project.js';
import { captureIo } from './helpers/io.js';
import { tempDir } from './helpers/temp-dir.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/add/', import.meta.url));
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});
async function scratch(): Promise<string> {
  const { dir, cleanup } = await tempDir('cmo-add-');
  cleanups.push(cleanup);
  return dir;
}

describe('unifiedDiff', () => {
  it('produces patches git applies exactly, for changed and new files', async () => {
    const dir = await scratch();
    const before = Array.from({ length: 30 }, (_, index) => `line ${index + 1}`).join('\n') + '\n';
    const after = before
      .replace('line 3\n', 'line 3\ninserted\n')
      .replace('line 20\n', '')
      .replace('line 28', 'line twenty-eight');
    await writeFile(path.join(dir, 'a.txt'), before);
    await execa('git', ['init', '-q'], { cwd: dir });
    const patch = unifiedDiff('a.txt', before, after) + unifiedDiff('sub/new.txt', undefined, 'hello\nworld\n');
    expect(patch.match(/^@@/gm)).toHaveLength(4);
    await writeFile(path.join(dir, 'change.patch'), patch);
    await execa('git', ['apply', 'change.patch'], { cwd: dir });
    expect(await readFile(path.join(dir, 'a.txt'), 'utf8')).toBe(after);
    expect(await readFile(path.join(dir, 'sub/new.txt'), 'utf8')).toBe('hello\nworld\n');
    expect(unifiedDiff('same.txt', 'x\n', 'x\n')).toBe('');
  });
});

describe('writePatch', () => {
  it('writes every file, keeping an executable entry executable', async () => {
    const dir = await scratch();
    await writeFile(path.join(dir, 'server.js'), 'old\n');
    await chmod(path.join(dir, 'server.js'), 0o755);
    await writePatch({
      fs,
      targetDir: dir,
      changes: [
        { path: 'server.js', before: 'old\n', after: 'new\n' },
        { path: 'lib/auth.js', after: 'auth\n' },
      ],
    });
    expect(await readFile(path.join(dir, 'server.js'), 'utf8')).toBe('new\n');
    expect((await stat(path.join(dir, 'server.js'))).mode & 0o777).toBe(0o755);
    expect(await readFile(path.join(dir, 'lib/auth.js'), 'utf8')).toBe('auth\n');
  });

  it('writes nothing when a file changed since the diff was computed, or a new one appeared', async () => {
    const dir = await scratch();
    await writeFile(path.join(dir, 'server.js'), 'edited meanwhile\n');
    const changes = [
      { path: 'lib/auth.js', after: 'auth\n' },
      { path: 'server.js', before: 'old\n', after: 'new\n' },
    ];
    await expect(writePatch({ fs, targetDir: dir, changes })).rejects.toThrow(WriteError);
    await expect(stat(path.join(dir, 'lib'))).rejects.toThrow();
    await writeFile(path.join(dir, 'server.js'), 'old\n');
    await writeFile(path.join(dir, 'appeared.js'), '');
    await expect(
      writePatch({ fs, targetDir: dir, changes: [...changes, { path: 'appeared.js', after: 'x' }] }),
    ).rejects.toThrow(/appeared\.js appeared/);
    expect(await readFile(path.join(dir, 'server.js'), 'utf8')).toBe('old\n');
  });

  it('names the file of yours that is where a new folder goes, and writes nothing', async () => {
    const dir = await scratch();
    await mkdir(path.join(dir, 'test'));
    await writeFile(path.join(dir, 'test/stress'), 'my notes about stress testing\n');
    await writeFile(path.join(dir, 'server.js'), 'old\n');
    const changes = [
      { path: 'server.js', before: 'old\n', after: 'new\n' },
      { path: 'test/stress/load.test.ts', after: 'test\n' },
    ];
    await expect(writePatch({ fs, targetDir: dir, changes, command: 'upgrade' })).rejects.toThrow(
      'test/stress/load.test.ts goes in a folder, but test/stress is a file of yours; move it away and run upgrade ' +
        'again; nothing was changed',
    );
    expect(await readFile(path.join(dir, 'server.js'), 'utf8')).toBe('old\n');
  });
});

describe('the add command', () => {
  const FLAGS = ['--scalekit-env-url', 'https://acme.scalekit.com', '--resource-id', 'res_1', '--no-install'];

  async function project(fixture = 'express-v2-ts'): Promise<string> {
    const dir = path.join(await scratch(), fixture);
    await cp(path.join(FIXTURES, fixture), dir, { recursive: true });
    return dir;
  }
  async function run(args: string[]) {
    const io = captureIo();
    const code = await main(['add', ...args], io);
    return { code, stdout: io.stdoutText(), stderr: io.stderrText() };
  }

  it('refuses a git work tree with uncommitted changes, unless --no-git-check', async () => {
    const dir = await project();
    const git = (...args: string[]) =>
      execa('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: dir });
    await git('init', '-q');
    await git('add', '-A');
    await git('commit', '-qm', 'init');
    await writeFile(path.join(dir, 'src/notes.ts'), '// work in progress\n', { flag: 'a' });
    const refused = await run([dir, ...FLAGS, '--yes']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/uncommitted changes \(src\/notes\.ts\).*--no-git-check/s);
    expect((await execa('git', ['status', '--porcelain'], { cwd: dir })).stdout.trim()).toBe('M src/notes.ts');
    const forced = await run([dir, ...FLAGS, '--yes', '--no-git-check']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(await readFile(path.join(dir, 'src/index.ts'), 'utf8')).toContain("app.use(mcpOAuth({ mcpPath: '/mcp' }));");
  });

  it('without a terminal and without --yes: shows the diff, writes nothing, says how to apply', async () => {
    const dir = await project();
    const before = await readFile(path.join(dir, 'src/index.ts'), 'utf8');
    const result = await run([dir, ...FLAGS]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('+++ b/src/index.ts');
    expect(result.stderr).toContain('run again with --yes to apply it');
    expect(await readFile(path.join(dir, 'src/index.ts'), 'utf8')).toBe(before);
    await expect(stat(path.join(dir, 'src/mcp-oauth'))).rejects.toThrow();
  });

  it('says how to fix a CommonJS TypeScript build that cannot require jose ("module": "node16")', async () => {
    const dir = await project('express-v1-ts-cjs-nodenext');
    const tsconfig = path.join(dir, 'tsconfig.json');
    await writeFile(tsconfig, (await readFile(tsconfig, 'utf8')).replaceAll('nodenext', 'node16'));
    const warned = await run([dir, ...FLAGS, '--dry-run']);
    expect(warned.code, warned.stderr).toBe(0);
    expect(warned.stderr).toContain(
      'warning: tsconfig.json compiles to CommonJS with "module": "node16", where TypeScript refuses to require jose 6',
    );
    expect(warned.stderr).toContain('set "module" and "moduleResolution" to "nodenext" with TypeScript 5.8 or later');
    // "nodenext" with TypeScript 5.9 (the fixture as it is) builds: nothing to say.
    const fine = await run([await project('express-v1-ts-cjs-nodenext'), ...FLAGS, '--dry-run']);
    expect(fine.stderr).not.toContain('tsconfig.json compiles to CommonJS');
  });

  it('names the prefix of a route on a root app created with basePath (Hono on Vercel)', async () => {
    const dir = await scratch();
    await mkdir(path.join(dir, 'api'));
    const dependencies = { '@hono/mcp': '^0.3.2', '@modelcontextprotocol/sdk': '^1.25.1', hono: '^4.11.4' };
    await writeFile(path.join(dir, 'package.json'), JSON.stringify({ type: 'module', dependencies }));
    const source = [
      "import { StreamableHTTPTransport } from '@hono/mcp';",
      "import { Hono } from 'hono';",
      "import { handle } from 'hono/vercel';",
      "import { server } from '../lib/server.js';",
      '',
      "const app = new Hono().basePath('/api');",
      '',
      "app.all('/mcp', async (c) => {",
      '  const transport = new StreamableHTTPTransport();',
      '  await server.connect(transport);',
      '  return transport.handleRequest(c);',
      '});',
      '',
      'export const GET = handle(app);',
      'export const POST = handle(app);',
      '',
    ];
    await writeFile(path.join(dir, 'api/[[...route]].ts'), source.join('\n'));
    const result = await run([dir, ...FLAGS, '--dry-run']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('api/[[...route]].ts: ALL /api/mcp on app (line 8), under /api (basePath of app)');
    expect(result.stdout).toContain("new Hono().use(mcpOAuth({ mcpPath: '/api/mcp' })).basePath('/api')");
    // On Vercel every file under api/ is a function of its own, except where a part of the path starts with `_`.
    expect(result.stdout).toContain('+++ b/api/_mcp-oauth/hono.ts');
    expect(result.stdout).toContain("import { mcpOAuth } from './_mcp-oauth/hono.js';");
    expect(result.stdout).not.toContain('b/api/mcp-oauth/');
  });

  it('keeps the module out of Vercel functions: an Express app in api/index.ts with a vercel.json', async () => {
    // Vercel's Express layout: the app, exported from api/index.ts, serves every path through one rewrite.
    const vercelExpress = async (withVercelJson: boolean) => {
      const dir = await scratch();
      await mkdir(path.join(dir, 'api'));
      const dependencies = { '@modelcontextprotocol/sdk': '^1.25.1', express: '^5.1.0' };
      await writeFile(path.join(dir, 'package.json'), JSON.stringify({ type: 'module', dependencies }));
      if (withVercelJson) {
        await writeFile(
          path.join(dir, 'vercel.json'),
          JSON.stringify({ rewrites: [{ source: '/(.*)', destination: '/api' }] }),
        );
      }
      const source = [
        "import express from 'express';",
        "import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';",
        "import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';",
        '',
        'const app = express();',
        'app.use(express.json());',
        '',
        "app.post('/mcp', async (req, res) => {",
        "  const server = new McpServer({ name: 'notes', version: '1.0.0' });",
        '  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });',
        "  res.on('close', () => transport.close());",
        '  await server.connect(transport);',
        '  await transport.handleRequest(req, res, req.body);',
        '});',
        '',
        'export default app;',
        '',
      ];
      await writeFile(path.join(dir, 'api/index.js'), source.join('\n'));
      return run([dir, ...FLAGS, '--dry-run']);
    };
    const onVercel = await vercelExpress(true);
    expect(onVercel.code, onVercel.stderr).toBe(0);
    expect(onVercel.stdout).toContain('+++ b/api/_mcp-oauth/express.js');
    expect(onVercel.stdout).toContain("import { mcpOAuth } from './_mcp-oauth/express.js';");
    expect(onVercel.stdout).not.toContain('b/api/mcp-oauth/');
    // The same layout without a sign of Vercel keeps the usual name.
    const elsewhere = await vercelExpress(false);
    expect(elsewhere.code, elsewhere.stderr).toBe(0);
    expect(elsewhere.stdout).toContain('+++ b/api/mcp-oauth/express.js');
  });

  it.each([
    // The v2 SDK's bearer-auth example (and its authorization docs): requireBearerAuth on the route.
    ['sdk-v2-example-bearer-auth', /src\/index\.ts:\d+: requireBearerAuth\(…\) on \/mcp/],
    // The v2 scoped-tools example: Protected Resource Metadata of its own (and a hand-written bearer check).
    [
      'sdk-v2-example-scoped-tools',
      /src\/index\.ts:\d+: a route of its own at \/\.well-known\/oauth-protected-resource\/mcp/,
    ],
    // The v1 SDK's examples with their demo authorization server: its routers and requireBearerAuth.
    ['sdk-v1-example-elicitation-url-example', /mcpAuthMetadataRouter\(…\), the SDK's OAuth routes.*requireBearerAuth/],
    ['sdk-v1-example-simple-streamable-http', /mcpAuthMetadataRouter\(…\), the SDK's OAuth routes.*requireBearerAuth/],
  ])(
    'refuses %s, which has OAuth of its own, naming it; --files-only writes the module only',
    async (fixture, named) => {
      const dir = await project(fixture);
      const entry = await readFile(path.join(dir, 'src/index.ts'), 'utf8');
      const refused = await run([dir, ...FLAGS, '--yes']);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/the server already has OAuth of its own/);
      expect(refused.stderr).toMatch(named);
      expect(refused.stderr).toContain('--files-only');
      expect(refused.stderr).not.toContain('warning:');
      expect(await readFile(path.join(dir, 'src/index.ts'), 'utf8')).toBe(entry);
      await expect(stat(path.join(dir, 'src/mcp-oauth'))).rejects.toThrow();
      const filesOnly = await run([dir, ...FLAGS, '--yes', '--files-only']);
      expect(filesOnly.code, filesOnly.stderr).toBe(0);
      expect(await readFile(path.join(dir, 'src/index.ts'), 'utf8')).toBe(entry);
      expect((await stat(path.join(dir, 'src/mcp-oauth'))).isDirectory()).toBe(true);
    },
  );

  it('names the missing Scalekit flags when it cannot prompt', async () => {
    const result = await run([await project(), '--dry-run']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('missing --scalekit-env-url');
    expect(result.stderr).toContain('missing --resource-id');
  });

  it('refuses a directory that is not a project, and a flag value that is wrong, naming them', async () => {
    expect((await run([await scratch(), ...FLAGS, '--yes'])).stderr).toContain('has no package.json');
    expect((await run([await project(), ...FLAGS, '--tool', 'add note=x', '--yes'])).stderr).toContain(
      '--tool: "add note" is not a valid MCP tool name',
    );
  });

  it('writes the rest and lists what it could not edit (a tool config that is not an object literal)', async () => {
    const dir = await project();
    const tools = path.join(dir, 'src/tools.ts');
    const source = await readFile(tools, 'utf8');
    await writeFile(
      tools,
      source.replace(
        "server.registerTool('server_time', { description: 'The current server time' },",
        "const timeConfig = { description: 'The current server " +
          "time' };\n  server.registerTool('server_time', timeConfig,",
      ),
    );
    const result = await run([dir, ...FLAGS, '--tool', 'server_time=time:read', '--yes']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('To do by hand');
    expect(result.stdout).toContain("scopeChallenge: scopeChallengeFor('server_time'),");
    expect(await readFile(tools, 'utf8')).toContain("scopeChallenge: scopeChallengeFor('list_notes')");
  });

  it('refuses a mount prefix that is not a literal, naming --mcp-path and --files-only; --mcp-path says', async () => {
    const dir = await project('express-v2-ts-router-prefix');
    const app = path.join(dir, 'src/app.ts');
    await writeFile(
      app,
      (await readFile(app, 'utf8')).replace("app.use('/api',", "app.use(process.env.API_PREFIX ?? '/api',"),
    );
    const before = await readFile(app, 'utf8');
    const refused = await run([dir, ...FLAGS, '--yes', '--no-git-check']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("src/app.ts:9 mounts at process.env.API_PREFIX ?? '/api', which is not a literal");
    expect(refused.stderr).toContain('--mcp-path <public path>');
    expect(refused.stderr).toContain('--files-only');
    expect(await readFile(app, 'utf8')).toBe(before);
    await expect(stat(path.join(dir, 'src/mcp-oauth'))).rejects.toThrow();

    const stated = await run([dir, ...FLAGS, '--mcp-path', '/api/mcp', '--yes', '--no-git-check']);
    expect(stated.code, stated.stderr).toBe(0);
    expect(await readFile(app, 'utf8')).toContain(
      "app.use(mcpOAuth({ mcpPath: '/api/mcp' }));\n  app.use(process.env.API_PREFIX ?? '/api', createMcpRouter());",
    );
    expect(await readFile(path.join(dir, '.env.example'), 'utf8')).toContain(
      'MCP_SERVER_URL=http://localhost:3000/api/mcp',
    );
  });

  it('refuses a router a directory loader mounts, naming it; --mcp-path states its public path', async () => {
    const dir = await project('express-v1-cjs-loader');
    const routes = path.join(dir, 'src/routes/api.js');
    const before = await readFile(routes, 'utf8');
    const refused = await run([dir, ...FLAGS, '--yes', '--no-git-check']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      'src/routes/api.js:7 serves MCP at /mcp on router (an Express router, src/routes/api.js:5)',
    );
    expect(refused.stderr).toContain('whose mount could not be found');
    expect(refused.stderr).toContain('--mcp-path <public path>');
    expect(refused.stderr).toContain('ending in /mcp');
    expect(refused.stderr).toContain('--files-only');
    expect(await readFile(routes, 'utf8')).toBe(before);
    await expect(stat(path.join(dir, 'src/mcp-oauth'))).rejects.toThrow();

    // A path that does not end with the route's own path is not this route.
    const elsewhere = await run([dir, ...FLAGS, '--mcp-path', '/api/rpc', '--yes', '--no-git-check']);
    expect(elsewhere.code).toBe(1);
    expect(await readFile(routes, 'utf8')).toBe(before);

    const stated = await run([dir, ...FLAGS, '--mcp-path', '/api/mcp', '--yes', '--no-git-check']);
    expect(stated.code, stated.stderr).toBe(0);
    expect(await readFile(routes, 'utf8')).toContain(
      "router.use(mcpOAuth({ mcpPath: '/api/mcp' }));\n\nrouter.post('/mcp',",
    );
    expect(stated.stdout + stated.stderr).toContain('/.well-known/oauth-protected-resource/api/mcp never reach it');
    expect(await readFile(path.join(dir, '.env.example'), 'utf8')).toContain(
      'MCP_SERVER_URL=http://localhost:3000/api/mcp',
    );
  });

  it('refuses a Hono sub-app mounted by a helper from a package; --mcp-path states the path', async () => {
    const dir = await project('hono-v2-modules');
    const mcp = path.join(dir, 'src/modules/mcp.ts');
    const before = await readFile(mcp, 'utf8');
    const refused = await run([dir, ...FLAGS, '--yes', '--no-git-check']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      'src/modules/mcp.ts:25 serves MCP at /mcp on mcp (a Hono sub-app, src/modules/mcp.ts:23), ' +
        'whose mount could not be found',
    );
    expect(refused.stderr).toContain('--mcp-path <public path>');
    expect(await readFile(mcp, 'utf8')).toBe(before);
    await expect(stat(path.join(dir, 'src/mcp-oauth'))).rejects.toThrow();

    const stated = await run([dir, ...FLAGS, '--mcp-path', '/support/mcp', '--yes', '--no-git-check']);
    expect(stated.code, stated.stderr).toBe(0);
    const patched = await readFile(mcp, 'utf8');
    expect(patched).toContain("mcp.use(mcpOAuth({ mcpPath: '/support/mcp' }));\n\nmcp.post('/mcp',");
    expect(patched).toContain('transport.handleRequest(c.req.raw, { authInfo: authInfoOf(c) })');
  });
});
