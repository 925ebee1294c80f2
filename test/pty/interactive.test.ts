import { cp, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BIN, buildCli } from '../unit/helpers/build.js';
import { tempDir } from '../unit/helpers/temp-dir.js';
import { KEY, PtySession } from './pty-session.js';

/**
 * The built CLI in a real pseudo-terminal: stdin and stdout are TTYs, so it prompts.
 * CI must not be set, or the CLI would (rightly) refuse to prompt.
 */
function interactiveEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm-256color' };
  delete env.CI;
  delete env.npm_config_user_agent;
  return env;
}

let dir: string;
let cleanup: () => Promise<void>;
let session: PtySession | undefined;

// Building under load (other suites running) can take longer than the default hook timeout.
beforeAll(() => buildCli(), 120_000);
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir('cmo-pty-'));
});
afterEach(async () => {
  session?.kill();
  session = undefined;
  await cleanup();
});

async function findFileContaining(root: string, needle: string): Promise<string | undefined> {
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    if ((await readFile(file, 'utf8')).includes(needle)) return path.relative(root, file);
  }
  return undefined;
}

describe('interactive prompts (pseudo-terminal)', () => {
  it('asks for everything and writes the answers into the project', async () => {
    session = new PtySession(process.execPath, [BIN, '--no-install', '--no-git'], { cwd: dir, env: interactiveEnv() });
    const s = session;
    await s.answer('Where should the project go?', `my-notes${KEY.enter}`);
    await s.answer('Which framework?', `${KEY.down}${KEY.enter}`); // Hono
    await s.answer('Where will the server run?', `${KEY.down}${KEY.enter}`); // Docker and Kubernetes
    await s.answer('Public base URL', `https://mcp.example.com/${KEY.enter}`);
    await s.answer('Path of the MCP endpoint', `api/mcp${KEY.enter}`);
    await s.answer('Scalekit environment URL', `https://acme.scalekit.com${KEY.enter}`);
    await s.answer('Scalekit resource ID', `res_abc123${KEY.enter}`);
    await s.answer('Did you set the resource', 'y');
    await s.answer('Which scopes should the server define?', `${KEY.down}${KEY.enter}`); // define my own
    await s.answer('Scope name', `notes:read${KEY.enter}`);
    await s.answer('What does notes:read allow?', `Read your notes${KEY.enter}`);
    await s.answer('Another scope name', KEY.enter);
    await s.answer('Which tools should the server have?', `${KEY.down}${KEY.enter}`); // define my own
    await s.answer('Tool name', `list_notes${KEY.enter}`);
    await s.answer('Scopes list_notes requires', `${KEY.space}${KEY.enter}`);
    await s.answer('Another tool name', KEY.enter);
    // The example resource and prompt need todo:read, which is not defined: "define my own" comes first.
    await s.answer('Does the server offer resources or prompts too?', `${KEY.up}${KEY.enter}`);
    await s.answer('Resource URI or URI template', `notes://notes/{id}${KEY.enter}`);
    await s.answer('Scopes notes://notes/{id} requires', `${KEY.space}${KEY.enter}`);
    await s.answer('Another resource URI', KEY.enter);
    await s.answer('Prompt name', `summarize_notes${KEY.enter}`);
    await s.answer('Scopes summarize_notes requires', `${KEY.space}${KEY.enter}`);
    await s.answer('Another prompt name', KEY.enter);
    await s.answer("Show each client only the tools, prompts and resources its token's scopes allow?", 'y');
    await s.answer('How do MCP clients register', `${KEY.down}${KEY.enter}`); // DCR only
    const { exitCode } = await s.exited;
    expect(exitCode, s.text()).toBe(0);
    expect(s.text()).toMatch(/Next steps/);

    const project = path.join(dir, 'my-notes');
    const pkg = JSON.parse(await readFile(path.join(project, 'package.json'), 'utf8')) as {
      name: string;
      dependencies: Record<string, string>;
    };
    expect(pkg.name).toBe('my-notes');
    expect(Object.keys(pkg.dependencies)).toContain('hono');
    expect(Object.keys(pkg.dependencies)).not.toContain('express');

    const env = await readFile(path.join(project, '.env'), 'utf8');
    expect(env).toMatch(/^SCALEKIT_ENVIRONMENT_URL=https:\/\/acme\.scalekit\.com$/m);
    expect(env).toMatch(/^SCALEKIT_RESOURCE_ID=res_abc123$/m);
    expect(env).toContain('https://mcp.example.com/api/mcp');
    expect(env).toMatch(/IN_AUDIENCE=true/);
    expect(await readFile(path.join(project, 'Dockerfile'), 'utf8')).toMatch(/^FROM node:/m);
    expect(await readFile(path.join(project, 'deploy', 'kubernetes.yaml'), 'utf8')).toContain('kind: Deployment');

    expect(await findFileContaining(project, 'list_notes')).toBeDefined();
    expect(await findFileContaining(project, 'notes:read')).toBeDefined();
    expect(await findFileContaining(project, 'Read your notes')).toBeDefined();
    const policy = await readFile(path.join(project, 'src/mcp-oauth/tool-scopes.ts'), 'utf8');
    expect(policy).toContain("'notes://notes/{id}': ['notes:read'],");
    expect(policy).toContain("summarize_notes: ['notes:read'],");
    expect(policy).toContain('export const FILTER_LISTS_BY_SCOPE = true;');
    // The example scopes are gone from the server (dev/ documents the local test server with them).
    expect(await findFileContaining(path.join(project, 'src'), 'todo:read')).toBeUndefined();
  });

  it('Ctrl-C at a prompt prints Cancelled, exits 130 and creates nothing', async () => {
    session = new PtySession(process.execPath, [BIN, '--no-install', '--no-git'], { cwd: dir, env: interactiveEnv() });
    const s = session;
    await s.answer('Where should the project go?', `should-not-exist${KEY.enter}`);
    await s.answer('Which framework?', KEY.enter);
    await s.answer('Where will the server run?', KEY.enter);
    await s.answer('Public base URL', `https://mcp.exa`);
    await s.answer('', KEY.ctrlC);
    const { exitCode } = await s.exited;
    expect(exitCode, s.text()).toBe(130);
    expect(s.text()).toMatch(/Cancelled/);
    expect(await readdir(dir)).toEqual([]);
  });
});

/**
 * `add` in a real pseudo-terminal: it shows what it detected, asks the scaffold's questions (the tools to map
 * come from the project's own registerTool calls), shows the diff, asks before writing, then patches.
 */
describe('interactive add (pseudo-terminal)', () => {
  const FIXTURES = fileURLToPath(new URL('../fixtures/add/', import.meta.url));

  it('asks what it cannot detect, offers the detected tools for the scope map, patches on confirmation', async () => {
    await cp(path.join(FIXTURES, 'express-v2-ts'), dir, { recursive: true });
    session = new PtySession(process.execPath, [BIN, 'add', '--no-install'], { cwd: dir, env: interactiveEnv() });
    const s = session;
    await s.waitFor('Express');
    await s.waitFor('list_notes, add_note, server_time'); // detected: the project's own tools
    await s.answer('Path of the MCP endpoint', KEY.enter); // pre-filled: the detected route
    await s.answer('Public base URL', KEY.enter); // pre-filled from the port the app listens on
    await s.answer('Scalekit environment URL', `https://acme.scalekit.com${KEY.enter}`);
    await s.answer('Scalekit resource ID', `res_abc123${KEY.enter}`);
    await s.answer('Did you set the resource', 'n');
    await s.answer('Which scopes should the server define?', `${KEY.down}${KEY.enter}`); // define my own
    await s.answer('Scope name', `notes:read${KEY.enter}`);
    await s.answer('What does notes:read allow?', `Read your notes${KEY.enter}`);
    await s.answer('Another scope name', `notes:write${KEY.enter}`);
    await s.answer('What does notes:write allow?', KEY.enter);
    await s.answer('Another scope name', KEY.enter);
    // Pre-filled by the tool's name: list_… reads, the others write.
    await s.answer('Scopes the tool list_notes requires', KEY.enter);
    await s.answer('Scopes the tool add_note requires', KEY.enter);
    await s.answer('Scopes the tool server_time requires', `${KEY.down}${KEY.space}${KEY.enter}`);
    await s.answer('How do MCP clients register', KEY.enter);
    await s.answer('Apply these changes', KEY.enter);
    const { exitCode } = await s.exited;
    expect(exitCode, s.text()).toBe(0);
    expect(s.text()).toContain('+++ b/src/index.ts');

    const scopes = await readFile(path.join(dir, 'src/mcp-oauth/tool-scopes.ts'), 'utf8');
    expect(scopes).toContain("list_notes: ['notes:read'],");
    expect(scopes).toContain("add_note: ['notes:write'],");
    expect(scopes).toContain('server_time: [],');
    expect(scopes).toContain("'Read your notes'");
    expect(await readFile(path.join(dir, 'src/index.ts'), 'utf8')).toContain("app.use(mcpOAuth({ mcpPath: '/mcp' }));");
    const env = await readFile(path.join(dir, '.env.example'), 'utf8');
    expect(env).toMatch(/^SCALEKIT_ENVIRONMENT_URL=https:\/\/acme\.scalekit\.com$/m);
    expect(env).toMatch(/^SCALEKIT_RESOURCE_ID=res_abc123$/m);
  }, 120_000);

  it('offers to write only the module files when it does not understand the route, says what to paste', async () => {
    await cp(path.join(FIXTURES, 'unrecognised-entry'), dir, { recursive: true });
    const main = await readFile(path.join(dir, 'src/main.ts'), 'utf8');
    session = new PtySession(process.execPath, [BIN, 'add', '--no-install', '--no-git-check'], {
      cwd: dir,
      env: interactiveEnv(),
    });
    const s = session;
    await s.answer('Path of the MCP endpoint', KEY.enter);
    await s.answer('Write only the OAuth module files', KEY.enter);
    await s.answer('Public base URL', KEY.enter);
    await s.answer('Scalekit environment URL', KEY.enter);
    await s.answer('Scalekit resource ID', KEY.enter);
    await s.answer('Did you set the resource', 'n');
    await s.answer('Which scopes should the server define?', `${KEY.down}${KEY.down}${KEY.enter}`); // none
    await s.answer('How do MCP clients register', KEY.enter);
    await s.answer('Apply these changes', KEY.enter);
    const { exitCode } = await s.exited;
    expect(exitCode, s.text()).toBe(0);
    expect(s.text()).toContain('Paste into src/main.ts');
    expect(s.text()).toContain("app.use(mcpOAuth({ mcpPath: '/mcp' }));");
    expect(await readFile(path.join(dir, 'src/main.ts'), 'utf8')).toBe(main);
    expect(await readFile(path.join(dir, 'src/mcp-oauth/index.ts'), 'utf8')).toContain(
      'export function createMcpOAuth',
    );
  }, 120_000);

  it('pre-fills the mounted MCP path, the scopes suggested for the project and for each tool', async () => {
    await cp(path.join(FIXTURES, 'hono-v2-basepath'), dir, { recursive: true });
    session = new PtySession(process.execPath, [BIN, 'add', '--no-install', '--no-git-check'], {
      cwd: dir,
      env: interactiveEnv(),
    });
    const s = session;
    await s.waitFor('/api/mcp on mcpRoutes'); // detected through the mounts
    await s.answer('Path of the MCP endpoint', KEY.enter); // pre-filled: /api/mcp, basePath included
    await s.answer('Public base URL', KEY.enter); // pre-filled: the port src/index.ts serves on
    await s.answer('Scalekit environment URL', `https://acme.scalekit.com${KEY.enter}`);
    await s.answer('Scalekit resource ID', `res_abc123${KEY.enter}`);
    await s.answer('Did you set the resource', 'n');
    await s.answer('Which scopes should the server define?', KEY.enter); // suggested: journal:read, journal:write
    await s.answer('Scopes the tool write_entry requires', KEY.enter);
    await s.answer('Scopes the tool list_entries requires', KEY.enter);
    await s.answer('How do MCP clients register', KEY.enter);
    await s.answer('Apply these changes', KEY.enter);
    const { exitCode } = await s.exited;
    expect(exitCode, s.text()).toBe(0);
    expect(s.text()).toContain('+++ b/src/app.ts');

    expect(await readFile(path.join(dir, 'src/app.ts'), 'utf8')).toContain(
      "export const app = new Hono().use(mcpOAuth({ mcpPath: '/api/mcp' })).basePath('/api');",
    );
    expect(await readFile(path.join(dir, 'src/routes/mcp.ts'), 'utf8')).toContain(
      "mcpRoutes.all('/mcp', (c) => mcp.fetch(c.req.raw, { authInfo: authInfoOf(c) }));",
    );
    const scopes = await readFile(path.join(dir, 'src/mcp-oauth/tool-scopes.ts'), 'utf8');
    expect(scopes).toContain("list_entries: ['journal:read'],");
    expect(scopes).toContain("write_entry: ['journal:write'],");
    expect(await readFile(path.join(dir, '.env.example'), 'utf8')).toMatch(
      /^MCP_SERVER_URL=http:\/\/localhost:8787\/api\/mcp$/m,
    );
  }, 120_000);

  it('takes the public path from the prompt when a mount prefix is not a literal', async () => {
    await cp(path.join(FIXTURES, 'express-v2-ts-router-prefix'), dir, { recursive: true });
    const app = path.join(dir, 'src/app.ts');
    await writeFile(
      app,
      (await readFile(app, 'utf8')).replace("app.use('/api',", "app.use(process.env.API_PREFIX ?? '/api',"),
    );
    session = new PtySession(process.execPath, [BIN, 'add', '--no-install', '--no-git-check', '--yes'], {
      cwd: dir,
      env: interactiveEnv(),
    });
    const s = session;
    await s.waitFor('which is not a literal path');
    expect(s.text()).not.toContain('Path of the MCP endpoint'); // --yes: no question, a refusal
    const refused = await s.exited;
    expect(refused.exitCode).toBe(1);

    session = new PtySession(process.execPath, [BIN, 'add', '--no-install', '--no-git-check'], {
      cwd: dir,
      env: interactiveEnv(),
    });
    const t = session;
    await t.answer('Path of the MCP endpoint', `/api/mcp${KEY.enter}`);
    await t.answer('Public base URL', KEY.enter);
    await t.answer('Scalekit environment URL', KEY.enter);
    await t.answer('Scalekit resource ID', KEY.enter);
    await t.answer('Did you set the resource', 'n');
    await t.answer('Which scopes should the server define?', `${KEY.down}${KEY.down}${KEY.enter}`); // none
    await t.answer('How do MCP clients register', KEY.enter);
    await t.answer('Apply these changes', KEY.enter);
    const { exitCode } = await t.exited;
    expect(exitCode, t.text()).toBe(0);
    expect(await readFile(app, 'utf8')).toContain("app.use(mcpOAuth({ mcpPath: '/api/mcp' }));");
  }, 120_000);

  it('takes the public path from the prompt when the router is mounted where add cannot see', async () => {
    await cp(path.join(FIXTURES, 'express-v1-cjs-loader'), dir, { recursive: true });
    const routes = path.join(dir, 'src/routes/api.js');
    session = new PtySession(process.execPath, [BIN, 'add', '--no-install', '--no-git-check'], {
      cwd: dir,
      env: interactiveEnv(),
    });
    const s = session;
    await s.waitFor('whose mount could not be found'); // said before the question, not a refusal
    await s.answer('Path of the MCP endpoint', `/api/mcp${KEY.enter}`);
    await s.answer('Public base URL', KEY.enter);
    await s.answer('Scalekit environment URL', `https://acme.scalekit.com${KEY.enter}`);
    await s.answer('Scalekit resource ID', `res_abc123${KEY.enter}`);
    await s.answer('Did you set the resource', 'n');
    await s.answer('Which scopes should the server define?', `${KEY.down}${KEY.down}${KEY.enter}`); // none
    await s.answer('How do MCP clients register', KEY.enter);
    await s.answer('Apply these changes', KEY.enter);
    const { exitCode } = await s.exited;
    expect(exitCode, s.text()).toBe(0);
    expect(await readFile(routes, 'utf8')).toContain("router.use(mcpOAuth({ mcpPath: '/api/mcp' }));");
  }, 120_000);
});
