/** `add` detection: framework, SDK line, language, module system, package manager, entry, MCP route and tools. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DetectionError, detectProject, type ProjectSnapshot } from '../../src/add/detect.js';
import { findExistingAuth } from '../../src/add/existing-auth.js';
import { readProject } from '../../src/add/project-files.js';
import { findToolRegistrations } from '../../src/add/tools.js';
import { parseModule } from '../../src/add/ast.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/add/', import.meta.url));
const fixture = (name: string) => readProject(path.join(FIXTURES, name));

function snapshot(
  dependencies: Record<string, string>,
  files: Record<string, string>,
  extra: Partial<ProjectSnapshot> = {},
): ProjectSnapshot {
  return {
    packageJson: JSON.stringify({ name: 'demo', type: 'module', dependencies }),
    files: new Map(Object.entries(files)),
    lockfiles: [],
    ...extra,
  };
}

const EXPRESS_V1 = { '@modelcontextprotocol/sdk': '^1.32.0', express: '^4.21.2' };
const mcpRoute = (app: string, path: string) =>
  `${app}.post('${path}', async (req, res) => { await transport.handleRequest(req, res, req.body); });`;

describe('detectProject on the fixtures', () => {
  it('reads an Express 5 + v1 SDK TypeScript ESM project, its entry and tools', async () => {
    const facts = detectProject(await fixture('express-v1-ts-esm'));
    expect(facts).toMatchObject({
      framework: { name: 'express', major: 5 },
      sdk: 'v1',
      language: 'ts',
      moduleSystem: 'esm',
      port: 3000,
    });
    expect(facts.packageManager).toBeUndefined();
    expect(facts.entry).toMatchObject({
      kind: 'found',
      file: 'src/server.ts',
      route: { appName: 'app', path: '/mcp', methods: ['post'] },
    });
    expect(facts.tools.map((tool) => tool.name)).toEqual(['echo', 'list_notes', 'add_note']);
  });

  it('reads a Hono + v2 project and the package manager from its lockfile', async () => {
    const facts = detectProject(await fixture('hono-v2-ts'));
    expect(facts).toMatchObject({
      framework: { name: 'hono', major: 4 },
      sdk: 'v2',
      language: 'ts',
      packageManager: { name: 'pnpm', from: 'pnpm-lock.yaml' },
    });
    expect(facts.entry).toMatchObject({
      kind: 'found',
      file: 'src/main.ts',
      route: { path: '/mcp', methods: ['all'] },
    });
  });

  it('reads a plain JavaScript CommonJS Express 4 project', async () => {
    const facts = detectProject(await fixture('express-v1-js-cjs'));
    expect(facts).toMatchObject({
      framework: { name: 'express', major: 4 },
      sdk: 'v1',
      language: 'js',
      moduleSystem: 'cjs',
    });
    expect(facts.entry).toMatchObject({ kind: 'found', file: 'server.js' });
    expect(facts.tools.map((tool) => `${tool.name}:${tool.api}`)).toEqual(['list_notes:registerTool', 'add_note:tool']);
  });

  it('names the file that creates the app when it cannot find the MCP route', async () => {
    const facts = detectProject(await fixture('unrecognised-entry'));
    expect(facts.entry.kind).toBe('not-found');
    expect(facts.entry).toMatchObject({ file: 'src/main.ts' });
  });

  it('reads the public path of a CommonJS router mounted in a router, and the port from another file', async () => {
    const facts = detectProject(await fixture('express-v1-cjs-nested'));
    expect(facts).toMatchObject({ moduleSystem: 'cjs', port: 4000 });
    expect(facts.entry).toMatchObject({
      kind: 'found',
      file: 'src/routes/mcp.js',
      route: {
        path: '/api/v1/mcp',
        localPath: '/mcp',
        mount: { prefix: '/api/v1', guard: { file: 'src/app.js', appName: 'app', mode: 'before' } },
      },
    });
  });

  it('takes --mcp-path as the public path under a non-literal prefix, when it ends with the route', () => {
    const files = {
      'src/app.ts': [
        "import express from 'express';",
        "import { mcpRouter } from './mcp.js';",
        'const app = express();',
        "app.use(process.env.PREFIX ?? '/api', mcpRouter);",
      ].join('\n'),
      'src/mcp.ts': [
        "import { Router } from 'express';",
        'export const mcpRouter = Router();',
        mcpRoute('mcpRouter', '/mcp'),
      ].join('\n'),
    };
    const project = snapshot(EXPRESS_V1, files);
    expect(detectProject(project).entry).toMatchObject({
      kind: 'ambiguous',
      fix: expect.stringContaining('--mcp-path'),
    });
    expect(detectProject(project, { mcpPath: '/v2/api/mcp' }).entry).toMatchObject({
      kind: 'found',
      route: { path: '/v2/api/mcp', localPath: '/mcp', mount: { prefix: '/v2/api', guard: { file: 'src/app.ts' } } },
    });
    expect(detectProject(project, { mcpPath: '/api/other' }).entry.kind).toBe('not-found');
  });
});

describe('detectProject on shapes', () => {
  it('refuses a project without the MCP SDK or without Express/Hono, saying why', () => {
    expect(() => detectProject(snapshot({ express: '^5.0.0' }, {}))).toThrow(
      /neither @modelcontextprotocol\/sdk \(v1\) nor @modelcontextprotocol\/server/,
    );
    expect(() => detectProject(snapshot({ '@modelcontextprotocol/sdk': '^1.0.0' }, {}))).toThrow(DetectionError);
    expect(() => detectProject({ ...snapshot({}, {}), packageJson: '{ nope' })).toThrow(
      /package.json is not valid JSON/,
    );
  });

  it('names the kind of server it cannot patch, and what to do instead', () => {
    // Cloudflare's remote MCP template: the v1 SDK, McpAgent from agents, no Express or Hono.
    const worker = snapshot({ '@modelcontextprotocol/sdk': '1.17.3', agents: '^0.0.113', zod: '^3.25.76' }, {});
    expect(() => detectProject(worker)).toThrow(
      /neither express nor hono.*Cloudflare Agents Worker.*npx create-mcp-oauth --framework hono --deploy workers/,
    );
    // FastMCP brings the SDK only as its own dependency.
    expect(() => detectProject(snapshot({ fastmcp: '^3.0.0', zod: '^3.24.0' }, {}))).toThrow(
      /neither @modelcontextprotocol\/sdk.*FastMCP server.*`npx create-mcp-oauth`/,
    );
    expect(() =>
      detectProject(snapshot({ '@modelcontextprotocol/sdk': '^1.0.0', 'mcp-handler': '^1.0.0' }, {})),
    ).toThrow(/Vercel's mcp-handler/);
    // Nothing recognised: the plain refusal.
    expect(() => detectProject(snapshot({ '@modelcontextprotocol/sdk': '^1.0.0' }, {}))).toThrow(
      /patches Express and Hono servers$/,
    );
  });

  it('says a stdio-only server is one, and that OAuth is for servers reached over HTTP', () => {
    const stdio = {
      'src/index.ts': [
        "import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';",
        "import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';",
        "const server = new McpServer({ name: 'notes', version: '1.0.0' });",
        'await server.connect(new StdioServerTransport());',
      ].join('\n'),
    };
    // Without a web framework: the refusal says why the server has nothing to protect.
    expect(() => detectProject(snapshot({ '@modelcontextprotocol/sdk': '^1.0.0' }, stdio))).toThrow(
      /neither express nor hono.*src\/index\.ts serves MCP over stdio only.*credentials from the environment/,
    );
    // With express among its dependencies (for something else): the entry is not found, for the same reason.
    const withExpress = detectProject(snapshot({ '@modelcontextprotocol/sdk': '^1.0.0', express: '^5.0.0' }, stdio));
    expect(withExpress.entry).toMatchObject({
      kind: 'not-found',
      file: 'src/index.ts',
      reason: expect.stringContaining('serves MCP over stdio only (StdioServerTransport)'),
    });
    // A server that serves both (stdio or HTTP by a flag) is an HTTP server.
    const both = {
      'src/index.ts': [
        "import express from 'express';",
        "import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';",
        stdio['src/index.ts'],
        'const app = express();',
        mcpRoute('app', '/mcp'),
      ].join('\n'),
    };
    expect(detectProject(snapshot({ '@modelcontextprotocol/sdk': '^1.0.0', express: '^5.0.0' }, both)).entry.kind).toBe(
      'found',
    );
  });

  it('follows the imports when both SDK lines are listed', () => {
    const files = {
      'src/index.ts':
        `import express from 'express';\nimport { McpServer } from ` +
        `'@modelcontextprotocol/server';\nconst app = express();\n${mcpRoute('app', '/mcp')}`,
    };
    expect(detectProject(snapshot({ ...EXPRESS_V1, '@modelcontextprotocol/server': '^2.4.0' }, files)).sdk).toBe('v2');
  });

  it('recognises route chains, app.route(), Hono app.on() and handlers declared elsewhere in the file', () => {
    const shapes = {
      chain:
        `import express from 'express';\nconst app = express();\napp.route('/mcp').post(handle).get(handle);\nasync ` +
        `function handle(req, res) { await transport.handleRequest(req, res); }`,
      on:
        `import { Hono } from 'hono';\nconst app = new Hono();\napp.on(['GET', ` +
        `'POST'], '/mcp', (c) => transport.handleRequest(c.req.raw));`,
      named:
        `import express from 'express';\nconst server = express();\nconst handler = async ` +
        `(req, res) => transport.handleRequest(req, res);\nserver.all('/mcp/', handler);`,
    };
    expect(detectProject(snapshot(EXPRESS_V1, { 'a.ts': shapes.chain })).entry).toMatchObject({
      kind: 'found',
      route: { path: '/mcp', methods: ['post', 'get'] },
    });
    expect(
      detectProject(snapshot({ '@modelcontextprotocol/sdk': '^1.32.0', hono: '^4.0.0' }, { 'a.ts': shapes.on })).entry,
    ).toMatchObject({ kind: 'found', route: { path: '/mcp', methods: ['on'] } });
    expect(detectProject(snapshot(EXPRESS_V1, { 'a.ts': shapes.named })).entry).toMatchObject({
      kind: 'found',
      route: { appName: 'server', path: '/mcp/' },
    });
  });

  it('reads a route path held in a constant (`const MCP_PATH = "/mcp"`), not one that varies', () => {
    const main = (declaration: string) =>
      `import express from 'express';\n${declaration}\nasync function main() {\n  const app = express();\n` +
      `  app.post(MCP_PATH, async (req, res) => { await transport.handleRequest(req, res, req.body); });\n` +
      `  app.listen(3000);\n}\nmain();\n`;
    expect(
      detectProject(snapshot(EXPRESS_V1, { 'src/index.js': main("const MCP_PATH = '/mcp';") })).entry,
    ).toMatchObject({ kind: 'found', route: { path: '/mcp', methods: ['post'] } });
    expect(
      detectProject(snapshot(EXPRESS_V1, { 'src/index.ts': main("export const MCP_PATH = '/api/mcp' as const;") }))
        .entry,
    ).toMatchObject({ kind: 'found', route: { path: '/api/mcp' } });
    const varying = main("let MCP_PATH = '/mcp';\nif (process.env.MCP_PATH) MCP_PATH = process.env.MCP_PATH;");
    expect(detectProject(snapshot(EXPRESS_V1, { 'src/index.js': varying })).entry).toMatchObject({
      kind: 'not-found',
    });
  });

  it("finds a Hono app made by hono/factory's createApp(), with its factory here or in a module of its own", () => {
    const HONO_V1 = { '@modelcontextprotocol/sdk': '^1.32.0', hono: '^4.11.4' };
    const route = "app.all('/mcp', (c) => transport.handleRequest(c.req.raw));\n";
    const imported = {
      'src/factory.ts': "import { createFactory } from 'hono/factory';\nexport const factory = createFactory();\n",
      'src/index.ts': `import { factory } from './factory.js';\nconst app = factory.createApp();\n${route}`,
    };
    const local = {
      'src/index.ts':
        `import { createFactory } from 'hono/factory';\nconst factory = createFactory();\n` +
        `const app = factory.createApp();\n${route}`,
    };
    for (const files of [imported, local]) {
      expect(detectProject(snapshot(HONO_V1, files)).entry).toMatchObject({
        kind: 'found',
        file: 'src/index.ts',
        route: { appName: 'app', path: '/mcp' },
      });
    }
  });

  it('finds an app held by a class, created in a field or in the constructor, and its routes on this.app', () => {
    const server = (creation: string) =>
      `import express from 'express';\nexport class Server {\n  ${creation}\n  routes() {\n` +
      `    this.web.post('/mcp', (req, res) => this.handle(req, res));\n  }\n  async handle(req, res) {\n` +
      `    await transport.handleRequest(req, res, req.body);\n  }\n}\n`;
    for (const creation of ['web = express();', 'constructor() {\n    this.web = express();\n  }']) {
      expect(detectProject(snapshot(EXPRESS_V1, { 'src/server.js': server(creation) })).entry).toMatchObject({
        kind: 'found',
        file: 'src/server.js',
        route: { appName: 'this.web', path: '/mcp', methods: ['post'] },
      });
    }
  });

  it("takes an app made by the v1 SDK's createMcpExpressApp as Express, even without express in package.json", () => {
    const files = {
      'src/index.ts':
        `import { createMcpExpressApp } from '@modelcontextprotocol/sdk/server/express.js';\n` +
        `const app = createMcpExpressApp();\n${mcpRoute('app', '/mcp')}`,
    };
    const facts = detectProject(snapshot({ '@modelcontextprotocol/sdk': '^1.32.0' }, files));
    expect(facts.framework).toEqual({ name: 'express', declared: false });
    expect(facts.entry).toMatchObject({ kind: 'found', route: { path: '/mcp' } });
    expect(detectProject(snapshot(EXPRESS_V1, files)).framework).toMatchObject({ name: 'express', declared: true });
  });

  it('asks for --entry when two files mount an MCP endpoint, and takes it', () => {
    const files = {
      'src/a.ts': `import express from 'express';\nconst app = express();\n${mcpRoute('app', '/mcp')}`,
      'src/b.ts': `import express from 'express';\nconst app = express();\n${mcpRoute('app', '/mcp')}`,
    };
    expect(detectProject(snapshot(EXPRESS_V1, files)).entry).toMatchObject({
      kind: 'ambiguous',
      fix: expect.stringContaining('--entry'),
    });
    expect(detectProject(snapshot(EXPRESS_V1, files), { entry: 'src/b.ts' }).entry).toMatchObject({
      kind: 'found',
      file: 'src/b.ts',
    });
    expect(() => detectProject(snapshot(EXPRESS_V1, files), { entry: 'src/c.ts' })).toThrow(
      /--entry src\/c.ts: no such source file/,
    );
  });

  it('asks for --mcp-path when one file mounts several candidates, and takes it', () => {
    const files = {
      'src/index.ts':
        `import express from 'express';\nconst app = express();\n` +
        `${mcpRoute('app', '/mcp')}\n${mcpRoute('app', '/admin/mcp')}`,
    };
    expect(detectProject(snapshot(EXPRESS_V1, files)).entry).toMatchObject({
      kind: 'ambiguous',
      fix: expect.stringContaining('--mcp-path'),
    });
    expect(detectProject(snapshot(EXPRESS_V1, files), { mcpPath: '/admin/mcp' }).entry).toMatchObject({
      kind: 'found',
      route: { path: '/admin/mcp' },
    });
  });

  it('skips a file that does not parse and says so', () => {
    const files = {
      'src/index.ts': `import express from 'express';\nconst app = express();\n${mcpRoute('app', '/mcp')}`,
      'src/broken.ts': 'const = ;',
    };
    const facts = detectProject(snapshot(EXPRESS_V1, files));
    expect(facts.entry.kind).toBe('found');
    expect(facts.unparsed.map((problem) => problem.file)).toEqual(['src/broken.ts']);
  });
});

describe('findToolRegistrations', () => {
  it('reads literal tool names from registerTool and tool, and reports computed ones', () => {
    const source = `
      server.registerTool('a', { description: 'A' }, async () => ({ content: [] }));
      server.registerTool(\`b\`, {}, handler);
      server.tool('c', 'C', async () => ({ content: [] }));
      server.registerTool(NAME, {}, handler);
      toolbox.tool('not-a-tool');
      registry.registerTool('two-args', handler);`;
    const scan = findToolRegistrations(parseModule(source, 'tools.ts'), 'tools.ts');
    expect(scan.tools.map((tool) => `${tool.name}@${tool.line}`)).toEqual(['a@2', 'b@3', 'c@4']);
    expect(scan.unreadable).toEqual([{ file: 'tools.ts', line: 5, api: 'registerTool' }]);
  });
});

describe('findExistingAuth', () => {
  const found = (files: Record<string, string>, path = '/mcp') =>
    findExistingAuth(new Map(Object.entries(files).map(([file, code]) => [file, parseModule(code, file)])), {
      path,
    }).map((auth) => `${auth.file}:${auth.line} ${auth.what}`);

  it('finds a gate in front of the MCP endpoint, whichever way it is written, and only there', () => {
    const hono = (use: string) =>
      [
        "import { Hono } from 'hono';",
        "import { bearerAuth } from 'hono/bearer-auth';",
        "import { jwt } from 'hono/jwt';",
        'const app = new Hono();',
        use,
        "app.all('/api/mcp', (c) => transport.handleRequest(c.req.raw));",
      ].join('\n');
    // Hono's wildcards: `*` is every route, `/api/*` the ones under /api.
    expect(found({ 'src/index.ts': hono("app.use('*', bearerAuth({ token: 'x' }));") }, '/api/mcp')).toEqual([
      'src/index.ts:5 bearerAuth(…) on *',
    ]);
    expect(found({ 'src/index.ts': hono("app.use('/api/*', jwt({ secret: 's' }));") }, '/api/mcp')).toEqual([
      'src/index.ts:5 jwt(…) on /api/*',
    ]);
    expect(found({ 'src/index.ts': hono("app.use('/admin/*', jwt({ secret: 's' }));") }, '/api/mcp')).toEqual([]);
    expect(
      found({ 'src/index.ts': hono("app.on(['GET', 'POST'], '/api/mcp', bearerAuth({ token: 'x' }));") }, '/api/mcp'),
    ).toEqual(['src/index.ts:5 bearerAuth(…) on /api/mcp']);
    // The SDK's gate held in a variable and set in a branch; a same-named function of the project's own is not it.
    const express = [
      "import { requireBearerAuth } from '@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js';",
      'let auth = null;',
      'if (process.env.OAUTH) {',
      '  auth = requireBearerAuth({ verifier });',
      '}',
      "app.post('/mcp', auth, handler);",
    ].join('\n');
    expect(found({ 'src/index.ts': express })).toEqual(['src/index.ts:6 requireBearerAuth(…) on /mcp']);
    const own = express.replace("'@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js'", "'./auth.js'");
    expect(found({ 'src/index.ts': own })).toEqual([]);
    // add's own module serves the well-known routes: that is the guard, not the app's auth.
    const module = "router.get('/.well-known/oauth-protected-resource/mcp', serve);";
    expect(found({ 'src/mcp-oauth/express.ts': module, 'api/_mcp-oauth/express.ts': module })).toEqual([]);
    expect(found({ 'src/metadata.ts': module })).toEqual([
      'src/metadata.ts:1 a route of its own at /.well-known/oauth-protected-resource/mcp',
    ]);
  });
});
