/**
 * Mounted prefixes (src/add/mounts.ts): the public path of an MCP route registered on a router or sub-app that
 * another module mounts, and where the guard goes; prefixes that are not literals are reported, never guessed.
 */
import { describe, expect, it } from 'vitest';
import { parseModule, type File, type Node } from '../../src/add/ast.js';
import { resolveMount, type MountResolution } from '../../src/add/mounts.js';
import { findMcpRoutes } from '../../src/add/routes.js';

/** Resolve the (single) MCP route found in `routeFile` among `sources`. */
function mountOf(sources: Record<string, string>, routeFile: string): MountResolution {
  const files = new Map<string, File>(Object.entries(sources).map(([file, text]) => [file, parseModule(text, file)]));
  const [route] = findMcpRoutes(files.get(routeFile)!);
  if (!route) throw new Error(`no MCP route in ${routeFile}`);
  return resolveMount(files, routeFile, route.appName, route.statement as Node);
}

const expressRouter = (name = 'mcpRouter') => `import { Router } from 'express';
export const ${name} = Router();
${name}.post('/mcp', async (req, res) => { await transport.handleRequest(req, res, req.body); });
`;

describe('resolveMount', () => {
  it('follows an Express router imported from another module to its prefix; the guard goes before the mount', () => {
    const mount = mountOf(
      {
        'src/app.ts': `import express from 'express';
import { mcpRouter } from './routes/mcp.js';
export const app = express();
app.use(express.json());
app.use('/api', mcpRouter);
`,
        'src/routes/mcp.ts': expressRouter(),
      },
      'src/routes/mcp.ts',
    );
    expect(mount).toMatchObject({
      kind: 'mounted',
      prefix: '/api',
      guard: { file: 'src/app.ts', appName: 'app', mode: 'before', line: 5 },
    });
  });

  it('adds up nested routers in CommonJS (require, module.exports)', () => {
    const mount = mountOf(
      {
        'app.js': `const express = require('express');
const api = require('./routes/api');
const app = express();
app.get('/', (req, res) => res.send('ok'));
app.use('/api', api);
module.exports = app;
`,
        'routes/api.js': `const express = require('express');
const { mcpRouter } = require('./mcp');
const router = express.Router();
router.use('/v1', mcpRouter);
module.exports = router;
`,
        'routes/mcp.js': `const express = require('express');
const mcpRouter = express.Router();
mcpRouter.post('/mcp', (req, res) => transport.handleRequest(req, res, req.body));
module.exports = { mcpRouter };
`,
      },
      'routes/mcp.js',
    );
    expect(mount).toMatchObject({
      kind: 'mounted',
      prefix: '/api/v1',
      guard: { file: 'app.js', appName: 'app', line: 5 },
    });
  });

  it("follows Hono's app.route() to a sub-app from another module, with the sub-app's own basePath", () => {
    const mount = mountOf(
      {
        'src/index.ts': `import { Hono } from 'hono';
import mcp from './routes/mcp';
const app = new Hono();
app.route('/api', mcp);
export default app;
`,
        'src/routes/mcp.ts': `import { Hono } from 'hono';
const mcp = new Hono().basePath('/v2');
mcp.all('/mcp', (c) => handler.fetch(c.req.raw));
export default mcp;
`,
      },
      'src/routes/mcp.ts',
    );
    expect(mount).toMatchObject({
      kind: 'mounted',
      prefix: '/api/v2',
      guard: { file: 'src/index.ts', mode: 'before' },
    });
  });

  it('puts the guard into the creation of a root app made with basePath', () => {
    const mount = mountOf(
      {
        'src/app.ts': `import { Hono } from 'hono';
import { mcpRoutes } from './routes/mcp.js';
export const app = new Hono().basePath('/api');
app.route('/', mcpRoutes);
`,
        'src/routes/mcp.ts': `import { Hono } from 'hono';
export const mcpRoutes = new Hono();
mcpRoutes.post('/mcp', (c) => mcp.fetch(c.req.raw));
`,
      },
      'src/routes/mcp.ts',
    );
    expect(mount).toMatchObject({
      kind: 'mounted',
      prefix: '/api',
      guard: { file: 'src/app.ts', appName: 'app', mode: 'creation', line: 3 },
    });
  });

  it('reads app.basePath() aliases in the same module', () => {
    const mount = mountOf(
      {
        'src/index.ts': `import { Hono } from 'hono';
const app = new Hono();
const api = app.basePath('/api');
api.post('/mcp', (c) => mcp.fetch(c.req.raw));
`,
      },
      'src/index.ts',
    );
    expect(mount).toMatchObject({ kind: 'mounted', prefix: '/api', guard: { appName: 'app', line: 4 } });
  });

  it('follows a factory that returns the router, and a prefix held in a const', () => {
    const mount = mountOf(
      {
        'src/app.ts': `import express from 'express';
import { createMcpRouter } from './mcp-router.js';
const API_PREFIX = '/api';
const app = express();
app.use(API_PREFIX, createMcpRouter());
`,
        'src/mcp-router.ts': `import express from 'express';
export function createMcpRouter() {
  const router = express.Router();
  router.post('/mcp', (req, res) => transport.handleRequest(req, res));
  return router;
}
`,
      },
      'src/mcp-router.ts',
    );
    expect(mount).toMatchObject({ kind: 'mounted', prefix: '/api', guard: { file: 'src/app.ts', line: 5 } });
  });

  it.each([
    ['a named re-export', "export { mcpRouter } from './mcp.js';"],
    ['export *', "export * from './mcp.js';\nexport * from './health.js';"],
  ])('follows a barrel module (%s) and a namespace import of it', (_, barrel) => {
    const mount = mountOf(
      {
        'src/app.ts': `import express from 'express';
import * as routes from './routes/index.js';
const app = express();
app.use('/api', routes.mcpRouter);
`,
        'src/routes/index.ts': barrel,
        'src/routes/health.ts': `import { Router } from 'express';\nexport const healthRouter = Router();\n`,
        'src/routes/mcp.ts': expressRouter(),
      },
      'src/routes/mcp.ts',
    );
    expect(mount).toMatchObject({ kind: 'mounted', prefix: '/api', guard: { file: 'src/app.ts', line: 4 } });
  });

  it('follows an inline require of the router module', () => {
    const mount = mountOf(
      {
        'server.js': `const express = require('express');
const app = express();
app.use('/mcp-api', require('./routes/mcp'));
app.listen(3000);
`,
        'routes/mcp.js': `const router = require('express').Router();
router.post('/mcp', (req, res) => transport.handleRequest(req, res, req.body));
module.exports = router;
`,
      },
      'routes/mcp.js',
    );
    expect(mount).toMatchObject({ kind: 'mounted', prefix: '/mcp-api', guard: { file: 'server.js', line: 3 } });
  });

  it('follows the app or router passed to a function that registers the route', () => {
    const files = (mountedAt: string) => ({
      'src/index.ts': `import express from 'express';
import { registerMcpRoutes } from './mcp.js';
const app = express();
const api = express.Router();
registerMcpRoutes(${mountedAt === '' ? 'app' : 'api'});
app.use('${mountedAt || '/'}', api);
`,
      'src/mcp.ts': `import type { Router } from 'express';
export function registerMcpRoutes(router: Router): void {
  router.post('/mcp', (req, res) => transport.handleRequest(req, res));
}
`,
    });
    expect(mountOf(files('/api'), 'src/mcp.ts')).toMatchObject({
      kind: 'mounted',
      prefix: '/api',
      guard: { file: 'src/index.ts', appName: 'app', line: 6 },
    });
    expect(mountOf(files(''), 'src/mcp.ts')).toEqual({ kind: 'unmounted' });
  });

  it('skips middleware given before the router', () => {
    const mount = mountOf(
      {
        'src/app.ts': `import express from 'express';
import cors from 'cors';
import { mcpRouter } from './routes/mcp.js';
const app = express();
app.use(cors(), mcpRouter);
`,
        'src/routes/mcp.ts': expressRouter(),
      },
      'src/routes/mcp.ts',
    );
    expect(mount).toEqual({ kind: 'unmounted' });
  });

  it.each([
    ['an env lookup', `process.env.API_PREFIX ?? '/api'`],
    ['a variable', 'apiPrefix'],
    ['a template literal with an expression', '`/api/${version}`'],
  ])('reports a prefix that is %s, with the path below it', (_, prefix) => {
    const mount = mountOf(
      {
        'src/app.ts': `import express from 'express';
import { mcpRouter } from './routes/mcp.js';
import { apiPrefix, version } from './config.js';
const app = express();
app.use(${prefix}, mcpRouter);
`,
        'src/config.ts': `export const apiPrefix = process.env.API_PREFIX ?? '/api';\nexport const version = 'v1';\n`,
        'src/routes/mcp.ts': expressRouter(),
      },
      'src/routes/mcp.ts',
    );
    expect(mount).toMatchObject({
      kind: 'non-literal',
      at: { file: 'src/app.ts', line: 5, expression: prefix },
      suffix: '',
      guard: { file: 'src/app.ts', appName: 'app', line: 5 },
    });
  });

  it('reports several public paths for a router mounted twice', () => {
    const mount = mountOf(
      {
        'src/app.ts': `import express from 'express';
import { mcpRouter } from './routes/mcp.js';
const app = express();
app.use('/v1', mcpRouter);
app.use('/v2', mcpRouter);
`,
        'src/routes/mcp.ts': expressRouter(),
      },
      'src/routes/mcp.ts',
    );
    expect(mount).toMatchObject({ kind: 'ambiguous', prefixes: ['/v1', '/v2'] });
  });

  it('does not hang on modules that mount each other', () => {
    const mount = mountOf(
      {
        'src/a.ts': `import { Router } from 'express';
import { b } from './b.js';
export const a = Router();
a.use('/b', b);
a.post('/mcp', (req, res) => transport.handleRequest(req, res));
`,
        'src/b.ts': `import { Router } from 'express';
import { a } from './a.js';
export const b = Router();
b.use('/a', a);
`,
      },
      'src/a.ts',
    );
    // b is mounted in a, which is mounted in b…: the walk stops where it would go round, at b.use('/a', a), and
    // finds no app above these routers: where they are really served is unknown.
    expect(mount).toMatchObject({
      kind: 'unseen',
      router: { file: 'src/b.ts', name: 'b', line: 3 },
      suffix: '/a',
      guard: { file: 'src/b.ts', line: 4 },
    });
  });

  it('leaves a route on the root app, or on a router mounted without a prefix, where it is', () => {
    expect(
      mountOf(
        {
          'src/index.ts': [
            "import express from 'express';",
            'const app = express();',
            "app.post('/mcp', (req, res) => transport.handleRequest(req, res));",
          ].join('\n'),
        },
        'src/index.ts',
      ),
    ).toEqual({ kind: 'unmounted' });
    expect(
      mountOf(
        {
          'src/app.ts': [
            "import express from 'express';",
            "import { mcpRouter } from './routes/mcp.js';",
            'const app = express();',
            'app.use(mcpRouter);',
          ].join('\n'),
          'src/routes/mcp.ts': expressRouter(),
        },
        'src/routes/mcp.ts',
      ),
    ).toEqual({ kind: 'unmounted' });
  });

  it('reports a router that a loader mounts from a directory listing: its prefix is unknown', () => {
    const mount = mountOf(
      {
        'app.js': `const express = require('express');
const app = express();
app.use(express.json());
require('./routes')(app);
app.listen(3000);
`,
        'routes/index.js': `const fs = require('fs');
const path = require('path');

module.exports = function mountRoutes(app) {
  for (const file of fs.readdirSync(__dirname)) {
    if (file === 'index.js') continue;
    const name = path.basename(file, '.js');
    app.use('/' + name, require('./' + name));
  }
};
`,
        'routes/mcp.js': `const express = require('express');
const router = express.Router();
router.post('/', async (req, res) => { await transport.handleRequest(req, res, req.body); });
module.exports = router;
`,
      },
      'routes/mcp.js',
    );
    expect(mount).toEqual({
      kind: 'unseen',
      router: { file: 'routes/mcp.js', line: 2, name: 'router', what: 'an Express router' },
      suffix: '',
      steps: [],
    });
  });

  it('reports a route registered on the app or router a loader hands to each module', () => {
    const mount = mountOf(
      {
        'server.js': `const express = require('express');
const fs = require('fs');
const app = express();
const api = express.Router();
for (const file of fs.readdirSync('./routes')) require('./routes/' + file)(api);
app.use('/api', api);
app.listen(3000);
`,
        'routes/mcp.js': `module.exports = (router) => {
  router.post('/mcp', async (req, res) => { await transport.handleRequest(req, res, req.body); });
};
`,
      },
      'routes/mcp.js',
    );
    expect(mount).toMatchObject({
      kind: 'unseen',
      router: { file: 'routes/mcp.js', line: 1, name: 'router', what: expect.stringContaining('parameter') },
    });
  });

  it('reports a Hono sub-app handed to a helper from a package, and a sub-app beside the served app', () => {
    const subApp = `import { Hono } from 'hono';
const mcp = new Hono();
mcp.all('/mcp', (c) => transport.handleRequest(c));
export default mcp;
`;
    expect(
      mountOf(
        {
          'src/index.ts': `import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { mountModules } from '@acme/hono-kit';
import mcp from './mcp.js';
const app = new Hono();
mountModules(app, { '/api': mcp });
serve({ fetch: app.fetch, port: 3000 });
`,
          'src/mcp.ts': subApp,
        },
        'src/mcp.ts',
      ),
    ).toMatchObject({
      kind: 'unseen',
      router: { file: 'src/mcp.ts', name: 'mcp', what: 'a Hono sub-app' },
      suffix: '',
    });
    expect(
      mountOf(
        {
          'src/index.ts': `import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { mountModules } from '@acme/hono-kit';
const app = new Hono();
const mcp = new Hono();
mcp.all('/mcp', (c) => transport.handleRequest(c));
mountModules(app, [mcp]);
serve(app);
`,
        },
        'src/index.ts',
      ),
    ).toMatchObject({ kind: 'unseen', router: { name: 'mcp' } });
    expect(
      mountOf(
        {
          'src/index.ts': `import { Hono } from 'hono';
import { mountModules } from '@acme/hono-kit';
const app = new Hono();
const mcp = new Hono();
mcp.all('/mcp', (c) => transport.handleRequest(c));
mountModules(app, [mcp]);
export default app;
`,
        },
        'src/index.ts',
      ),
    ).toMatchObject({ kind: 'unseen', router: { name: 'mcp' } });
  });

  it('leaves a Hono app that is served or exported where it is, in one module or several', () => {
    const route = "app.all('/mcp', (c) => transport.handleRequest(c));";
    const served: Record<string, string>[] = [
      // Workers / Bun: the default export is the app.
      { 'src/index.ts': `import { Hono } from 'hono';\nconst app = new Hono();\n${route}\nexport default app;\n` },
      // The app in one module, served from another (and exercised by a test with app.request).
      {
        'src/app.ts': `import { Hono } from 'hono';\nexport const app = new Hono();\n${route}\n`,
        'src/server.ts': [
          "import { serve } from '@hono/node-server';",
          "import { app } from './app.js';",
          'serve({ fetch: app.fetch });',
        ].join('\n'),
        'test/app.test.ts': `import { app } from '../src/app.js';\nawait app.request('/mcp');\n`,
      },
      // Handed to a platform adapter (Vercel, AWS Lambda).
      {
        'src/app.ts': `import { Hono } from 'hono';\nexport const app = new Hono();\n${route}\n`,
        'api/index.ts': [
          "import { handle } from 'hono/vercel';",
          "import { app } from '../src/app.js';",
          'export default handle(app);',
        ].join('\n'),
      },
      // Re-exported as the Workers entry.
      {
        'src/app.ts': `import { Hono } from 'hono';\nconst app = new Hono();\n${route}\nexport default app;\n`,
        'src/index.ts': `import app from './app.js';\nexport default app;\n`,
      },
    ];
    for (const sources of served) {
      const file = Object.keys(sources).find((name) => sources[name]!.includes(route))!;
      expect(mountOf(sources, file), file).toEqual({ kind: 'unmounted' });
    }
  });
});
