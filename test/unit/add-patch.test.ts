/** `add`'s edits of a user's files: entry, tool registrations, package.json, .env.example — each idempotent. */
import { describe, expect, it } from 'vitest';
import { patchEntry, type EntryPatchInput } from '../../src/add/patch-entry.js';
import { addEnvVariables, oauthEnvVariables } from '../../src/add/patch-env-example.js';
import { addDependencies, missingDependencies } from '../../src/add/patch-package-json.js';
import { patchToolRegistrations } from '../../src/add/patch-tools.js';

const EXPRESS_ENTRY = `import express from 'express';
import { handle } from './mcp.js';

const app = express();
app.use(express.json());

app.get('/health', (_req, res) => {
  res.json({ ok: true });
});

app.post('/mcp', async (req, res) => {
  await transport.handleRequest(req, res, req.body);
});

app.listen(3000);
`;

const entryInput = (source: string, overrides: Partial<EntryPatchInput> = {}): EntryPatchInput => ({
  file: 'src/index.ts',
  source,
  framework: 'express',
  sdk: 'v2',
  mcpPath: '/mcp',
  adapterSpecifier: './mcp-oauth/express.js',
  esm: true,
  ...overrides,
});

function patched(input: EntryPatchInput): string {
  const result = patchEntry(input);
  if (!result.ok) throw new Error(result.reason);
  return result.text;
}

/** Lines of `after` that are not in `before` (both as multisets, order aside). */
function addedLines(before: string, after: string): string[] {
  const remaining = before.split('\n');
  return after.split('\n').filter((line) => {
    const index = remaining.indexOf(line);
    if (index === -1) return true;
    remaining.splice(index, 1);
    return false;
  });
}

describe('patchEntry', () => {
  it('imports the adapter and registers the guard right before the MCP route, changing nothing else', () => {
    const text = patched(entryInput(EXPRESS_ENTRY));
    expect(addedLines(EXPRESS_ENTRY, text).filter((line) => line.trim() !== '')).toEqual([
      "import { mcpOAuth } from './mcp-oauth/express.js';",
      '// Scalekit OAuth (create-mcp-oauth): discovery documents, and the token check in front of the MCP endpoint.',
      "app.use(mcpOAuth({ mcpPath: '/mcp' }));",
    ]);
    expect(addedLines(text, EXPRESS_ENTRY).filter((line) => line.trim() !== '')).toEqual([]);
    expect(text.indexOf('app.use(mcpOAuth')).toBeGreaterThan(text.indexOf("app.get('/health'"));
    expect(text.indexOf('app.use(mcpOAuth')).toBeLessThan(text.indexOf("app.post('/mcp'"));
  });

  it('changes nothing the second time', () => {
    const once = patched(entryInput(EXPRESS_ENTRY));
    expect(patched(entryInput(once))).toBe(once);
  });

  it("writes in the file's quote style and module system", () => {
    const source =
      `'use strict';\n\nconst express = require("express");\nconst app = express();\napp.post("/mcp", ` +
      `async function (req, res) {\n  await transport.handleRequest(req, res);\n});\n`;
    const text = patched(entryInput(source, { file: 'server.js', esm: false, sdk: 'v1' }));
    expect(text).toContain(`const { mcpOAuth } = require("./mcp-oauth/express.js");`);
    expect(text).toContain(`app.use(mcpOAuth({ mcpPath: "/mcp" }));`);
    expect(text.startsWith(`'use strict';\n`)).toBe(true);
    expect(text).not.toContain(';;');
    // v1 + Express: the guard reads the body, so the transport must get the parsed one.
    expect(text).toContain('await transport.handleRequest(req, res, req.body);');
  });

  it('Hono: hands the verified token to the transport, with or without existing options', () => {
    const source = (call: string) =>
      `import { Hono } from 'hono';\nconst app = new Hono();\napp.all('/mcp', async (c) => {\n  return ${call};\n});\n`;
    const honoInput = (call: string) =>
      entryInput(source(call), { framework: 'hono', adapterSpecifier: './mcp-oauth/hono.js' });
    const bare = patched(honoInput('transport.handleRequest(c.req.raw)'));
    expect(bare).toContain('return transport.handleRequest(c.req.raw, { authInfo: authInfoOf(c) });');
    expect(patched({ ...honoInput(''), source: bare })).toBe(bare);
    const withOptions = patched(honoInput('transport.handleRequest(c.req.raw, { parsedBody })'));
    expect(withOptions).toMatch(/handleRequest\(c\.req\.raw, \{\s*parsedBody,\s*authInfo: authInfoOf\(c\)\s*\}\)/);
    expect(withOptions).toContain("import { mcpOAuth, authInfoOf } from './mcp-oauth/hono.js';");
    const refused = patchEntry(honoInput('transport.handleRequest(c.req.raw, options)'));
    expect(refused).toMatchObject({ ok: false, reason: expect.stringContaining('takes options I cannot extend') });
  });

  it('Hono: every statement of the endpoint hands the token over (the GET stream and DELETE too)', () => {
    const source =
      `import { Hono } from 'hono';\nconst app = new Hono();\nconst MCP_PATH = '/mcp';\n` +
      `app.post(MCP_PATH, (c) => transport.handleRequest(c.req.raw));\n` +
      `app.on(['GET', 'DELETE'], MCP_PATH, (c) =>\n` +
      `  sessions.get(c.req.header('mcp-session-id'))!.handleRequest(c.req.raw),\n);\n`;
    const text = patched(entryInput(source, { framework: 'hono', sdk: 'v2', adapterSpecifier: './mcp-oauth/hono.js' }));
    expect(text).toContain('transport.handleRequest(c.req.raw, { authInfo: authInfoOf(c) })');
    expect(text).toContain("'mcp-session-id'))!.handleRequest(c.req.raw, { authInfo: authInfoOf(c) })");
    expect(text.match(/authInfo: authInfoOf\(c\)/g)).toHaveLength(2);
  });

  it("Hono + the v1 SDK's Node transport through fetch-to-node: the token goes on req.auth, once", () => {
    const source =
      `import { Hono } from 'hono';\nimport { toFetchResponse, toReqRes } from 'fetch-to-node';\n` +
      `const app = new Hono();\napp.post('/mcp', async (c) => {\n  const { req, res } = toReqRes(c.req.raw);\n` +
      `  await transport.handleRequest(req, res, await c.req.json());\n  return toFetchResponse(res);\n});\n`;
    const input = entryInput(source, { framework: 'hono', sdk: 'v1', adapterSpecifier: './mcp-oauth/hono.js' });
    const text = patched(input);
    expect(text).toContain(
      'await transport.handleRequest(Object.assign(req, { auth: authInfoOf(c) }), res, await c.req.json());',
    );
    expect(patched({ ...input, source: text })).toBe(text);
  });

  it("goes before the app's own CORS middleware (it would answer the preflight without allowing Authorization)", () => {
    // The MCP SDK README's snippet for browser clients, and Hono's cors() on every path.
    const express =
      `import express from 'express';\nimport cors from 'cors';\nconst app = express();\napp.use(express.json());\n` +
      `app.use(\n  cors({ origin: '*', exposedHeaders: ['Mcp-Session-Id'], allowedHeaders: ['Content-Type', ` +
      `'mcp-session-id'] }),\n);\napp.get('/health', (_req, res) => res.json({ ok: true }));\n` +
      `app.post('/mcp', async (req, res) => {\n  await transport.handleRequest(req, res, req.body);\n});\n`;
    const text = patched(entryInput(express));
    expect(text.indexOf('app.use(mcpOAuth')).toBeLessThan(text.indexOf('app.use(\n  cors('));
    expect(text.indexOf('app.use(mcpOAuth')).toBeGreaterThan(text.indexOf('app.use(express.json())'));
    expect(patched(entryInput(text))).toBe(text);

    const hono =
      `import { Hono } from 'hono';\nimport { cors as allowBrowsers } from 'hono/cors';\nconst app = new Hono();\n` +
      `const corsMiddleware = allowBrowsers({ origin: '*', allowHeaders: ['Content-Type'] });\n` +
      `app.use('*', corsMiddleware);\napp.all('/mcp', (c) => transport.handleRequest(c));\n`;
    const honoText = patched(
      entryInput(hono, { framework: 'hono', sdk: 'v1', adapterSpecifier: './mcp-oauth/hono.js' }),
    );
    expect(honoText.indexOf('app.use(mcpOAuth')).toBeLessThan(honoText.indexOf("app.use('*', corsMiddleware)"));

    // CORS for another app (or registered after the route) does not move the guard.
    const other =
      `import express from 'express';\nimport cors from 'cors';\nconst app = express();\n` +
      `const admin = express();\nadmin.use(cors());\napp.post('/mcp', async (req, res) => {\n` +
      `  await transport.handleRequest(req, res, req.body);\n});\napp.use(cors());\n`;
    const otherText = patched(entryInput(other));
    expect(otherText.indexOf('app.use(mcpOAuth')).toBeGreaterThan(otherText.indexOf('admin.use(cors())'));
    expect(otherText.indexOf('app.use(mcpOAuth')).toBeLessThan(otherText.indexOf("app.post('/mcp'"));
  });

  it('writes its lines without semicolons in a file written without them, and with them otherwise', () => {
    // create-hono's and Cloudflare's templates leave semicolons out.
    const source =
      `import { Hono } from 'hono'\nimport { StreamableHTTPTransport } from '@hono/mcp'\n\n` +
      `const app = new Hono()\n\n` +
      `app.all('/mcp', async (c) => {\n  const transport = new StreamableHTTPTransport()\n` +
      `  for (let i = 0; i < 1; i++) {}\n` +
      `  return transport.handleRequest(c)\n})\n\nexport default app\n`;
    const input = entryInput(source, { framework: 'hono', sdk: 'v1', adapterSpecifier: './mcp-oauth/hono.js' });
    const text = patched(input);
    expect(text).toContain("import { mcpOAuth } from './mcp-oauth/hono.js'\n");
    expect(text).toContain("app.use(mcpOAuth({ mcpPath: '/mcp' }))\n");
    expect(addedLines(source, text).filter((line) => line.endsWith(';'))).toEqual([]);
    expect(patched({ ...input, source: text })).toBe(text);
    // The usual style keeps them.
    expect(patched(entryInput(EXPRESS_ENTRY))).toContain("app.use(mcpOAuth({ mcpPath: '/mcp' }));\n");
  });

  it('keeps a shebang on its own line, for TypeScript, ES modules and CommonJS alike', () => {
    const shebang = '#!/usr/bin/env node\n';
    const esm = patched(entryInput(`${shebang}import 'dotenv/config';\n${EXPRESS_ENTRY}`, { file: 'src/server.js' }));
    expect(esm.startsWith(`${shebang}import 'dotenv/config';\n`)).toBe(true);
    expect(esm).toContain("import { mcpOAuth } from './mcp-oauth/express.js';");
    expect(patched(entryInput(esm, { file: 'src/server.js' }))).toBe(esm);
    const ts = patched(entryInput(`${shebang}${EXPRESS_ENTRY}`));
    expect(ts.split('\n').slice(0, 2)).toEqual(['#!/usr/bin/env node', "import express from 'express';"]);
    const commonJs =
      `${shebang}'use strict';\nconst express = require('express');\nconst app = express();\n` +
      `app.post('/mcp', async (req, res) => {\n  await transport.handleRequest(req, res, req.body);\n});\n`;
    const cjs = patched(entryInput(commonJs, { file: 'bin/server.js', esm: false }));
    expect(cjs.startsWith(`${shebang}'use strict';\n`)).toBe(true);
    expect(cjs).toContain("const { mcpOAuth } = require('./mcp-oauth/express.js');");
  });

  it("guards every branch of routes registered under an if (the SDK example's --oauth switch): before the if", () => {
    const source = [
      "import { createMcpExpressApp } from '@modelcontextprotocol/sdk/server/express.js';",
      '',
      'const app = createMcpExpressApp();',
      "const strict = process.argv.includes('--strict');",
      'if (strict) {',
      "  app.post('/mcp', check, async (req, res) => {",
      '    await transport.handleRequest(req, res, req.body);',
      '  });',
      '} else if (process.env.LEGACY) {',
      "  app.post('/mcp', legacy);",
      '} else {',
      "  app.post('/mcp', async (req, res) => {",
      '    await transport.handleRequest(req, res, req.body);',
      '  });',
      '}',
      'app.listen(3000);',
      '',
    ].join('\n');
    const once = patched(entryInput(source, { sdk: 'v1' }));
    // Run again: the guard before the if counts, so nothing changes and nothing is said.
    const again = patchEntry(entryInput(once, { sdk: 'v1' }));
    expect(again).toMatchObject({ ok: true, text: once, notes: [] });
    const lines = once.split('\n');
    const guard = lines.indexOf("app.use(mcpOAuth({ mcpPath: '/mcp' }));");
    expect(guard).toBeGreaterThan(lines.indexOf('const app = createMcpExpressApp();'));
    expect(guard).toBeLessThan(lines.indexOf('if (strict) {'));
    // An app created inside the branch keeps the guard there: before the if, it does not exist yet.
    const created = [
      "import { Hono } from 'hono';",
      'if (process.argv.includes("--http")) {',
      '  const app = new Hono();',
      "  app.all('/mcp', (c) => transport.handleRequest(c.req.raw));",
      '}',
      '',
    ].join('\n');
    const inside = patched(entryInput(created, { framework: 'hono', adapterSpecifier: './mcp-oauth/hono.js' }));
    expect(inside).toMatch(/const app = new Hono\(\);\n\s+\/\/ Scalekit OAuth[^\n]*\n\s+app\.use\(mcpOAuth\(/);
  });

  it('refuses, with the snippet to add by hand, when the route is not there or a name is taken', () => {
    const missing = patchEntry(entryInput(EXPRESS_ENTRY, { mcpPath: '/other' }));
    expect(missing).toMatchObject({
      ok: false,
      reason: expect.stringContaining('does not mount the MCP endpoint at /other'),
    });
    if (!missing.ok) expect(missing.snippet).toContain("app.use(mcpOAuth({ mcpPath: '/other' }));");
    const clash = patchEntry(entryInput(`import { mcpOAuth } from './legacy-auth.js';\n${EXPRESS_ENTRY}`));
    expect(clash).toMatchObject({
      ok: false,
      reason: expect.stringContaining('already has something called mcpOAuth'),
    });
  });
});

describe('patchToolRegistrations (v2)', () => {
  const TOOLS = `import { McpServer } from '@modelcontextprotocol/server';

export function register(server: McpServer) {
  server.registerTool('list_notes', { description: 'List' }, async () => ({ content: [] }));
  server.registerTool('add_note', { description: 'Add', scopeChallenge: custom }, async () => ({ content: [] }));
  server.registerTool('from_variable', config, async () => ({ content: [] }));
  server.registerTool('unmapped', { description: 'X' }, async () => ({ content: [] }));
}
`;
  const input = (source: string) => ({
    file: 'src/tools.ts',
    source,
    mappedTools: new Set(['list_notes', 'add_note', 'from_variable']),
    toolScopesSpecifier: './mcp-oauth/tool-scopes.js',
    esm: true,
  });

  it('adds the scope check to mapped tools, keeps an existing one, and reports what it cannot edit', () => {
    const result = patchToolRegistrations(input(TOOLS));
    expect(result.text).toContain("import { scopeChallengeFor } from './mcp-oauth/tool-scopes.js';");
    expect(result.text).toContain("scopeChallenge: scopeChallengeFor('list_notes')");
    expect(result.text).toContain('scopeChallenge: custom');
    expect(result.text).not.toContain("scopeChallengeFor('add_note')");
    expect(result.text).not.toContain("scopeChallengeFor('unmapped')");
    expect(result.manual).toEqual([
      expect.objectContaining({
        line: 6,
        snippet: "scopeChallenge: scopeChallengeFor('from_variable'),",
        reason: expect.stringContaining('not an object literal'),
      }),
    ]);
    expect(patchToolRegistrations(input(result.text!)).text).toBeUndefined();
  });

  it("adds the property in the object's own layout, touching nothing else of the user's code", () => {
    const source = [
      "import { McpServer } from '@modelcontextprotocol/server';",
      "import * as z from 'zod/v4';",
      '',
      'export function register(server: McpServer) {',
      '    server.registerTool(',
      "        'list_notes',",
      '        {',
      "            title: 'Notes',",
      '',
      '            inputSchema: z.object({',
      "                tag: z.string().describe('only notes with this tag')",
      '            }),',
      '            // what clients may show',
      '            annotations: { readOnlyHint: true } // no side effects',
      '        },',
      '        async () => ({ content: [] })',
      '    );',
      "    server.registerTool('add_note', { description: 'Add', }, async () => ({ content: [] }));",
      "    server.registerTool('tag_note', {}, async () => ({ content: [] }));",
      '    server.registerTool(',
      "        'from_variable',",
      '        {',
      "            description: 'Closing brace on the same line' },",
      '        async () => ({ content: [] })',
      '    );',
      '}',
      '',
    ].join('\n');
    const result = patchToolRegistrations({
      ...input(source),
      mappedTools: new Set(['list_notes', 'add_note', 'tag_note', 'from_variable']),
    });
    const expected = source
      .replace(
        "import * as z from 'zod/v4';",
        // Before the last import, as insertImports places it: the import block keeps its spacing.
        "import { scopeChallengeFor } from './mcp-oauth/tool-scopes.js';\nimport * as z from 'zod/v4';",
      )
      .replace(
        '            annotations: { readOnlyHint: true } // no side effects',
        '            annotations: { readOnlyHint: true }, // no side effects\n' +
          "            scopeChallenge: scopeChallengeFor('list_notes')",
      )
      .replace("{ description: 'Add', }", "{ description: 'Add', scopeChallenge: scopeChallengeFor('add_note'), }")
      .replace("'tag_note', {}", "'tag_note', { scopeChallenge: scopeChallengeFor('tag_note') }")
      .replace(
        "            description: 'Closing brace on the same line' },",
        "            description: 'Closing brace on the same line',\n" +
          "            scopeChallenge: scopeChallengeFor('from_variable') },",
      );
    expect(result.text).toBe(expected);
    expect(
      patchToolRegistrations({ ...input(result.text!), mappedTools: new Set(['list_notes']) }).text,
    ).toBeUndefined();
  });
});

describe('package.json', () => {
  it(
    'adds only missing dependencies, alphabetically, in ' + 'the file’s indentation, leaving the rest byte for byte',
    () => {
      const manifest =
        '{\n    "name": "x",\n    "dependencies": {\n        ' +
        '"express": "^4.21.2",\n        "zod": "3.22.4"\n    }\n}\n';
      const wanted = [
        { name: 'jose', range: '^6.1.0', dev: false },
        { name: 'cors', range: '^2.8.5', dev: false },
        { name: 'zod', range: '^4.0.0', dev: false },
        { name: '@types/cors', range: '^2.8.19', dev: true },
      ];
      const missing = missingDependencies(JSON.parse(manifest) as Record<string, unknown>, wanted);
      expect(missing.map((dependency) => dependency.name)).toEqual(['jose', 'cors', '@types/cors']);
      const text = addDependencies(manifest, missing);
      expect(text).toBe(
        '{\n    "name": "x",\n    "dependencies": {\n        ' +
          '"cors": "^2.8.5",\n        "express": "^4.21.2",\n       ' +
          ' "jose": "^6.1.0",\n        "zod": "3.22.4"\n    },\n    ' +
          '"devDependencies": {\n        "@types/cors": "^2.8.19"\n    }\n}\n',
      );
    },
  );

  it('fills an empty section', () => {
    expect(addDependencies('{\n  "dependencies": {}\n}\n', [{ name: 'jose', range: '^6.1.0', dev: false }])).toBe(
      '{\n  "dependencies": {\n    "jose": "^6.1.0"\n  }\n}\n',
    );
  });
});

describe('.env.example', () => {
  const variables = oauthEnvVariables({
    scalekitEnvUrl: 'https://acme.scalekit.com',
    resourceId: 'res_1',
    mcpServerUrl: 'http://localhost:3000/mcp',
    serverUrlInAudience: false,
  });

  it('appends only the missing variables, keeps the rest, and is a no-op once they are there', () => {
    const existing = 'PORT=3000\n# SCALEKIT_RESOURCE_ID=res_old\n';
    const result = addEnvVariables(existing, variables)!;
    expect(result.added).toEqual(['SCALEKIT_ENVIRONMENT_URL', 'MCP_SERVER_URL', 'MCP_SERVER_URL_IN_AUDIENCE']);
    expect(result.text.startsWith(existing)).toBe(true);
    expect(result.text).toContain('\nSCALEKIT_ENVIRONMENT_URL=https://acme.scalekit.com\n');
    expect(addEnvVariables(result.text, variables)).toBeUndefined();
  });

  it('creates the file when there is none, and keeps CRLF line ends', () => {
    expect(addEnvVariables(undefined, variables)?.text).toMatch(/^# Scalekit OAuth/);
    expect(addEnvVariables('A=1\r\n', variables)?.text).toContain('\r\nMCP_SERVER_URL=http://localhost:3000/mcp\r\n');
  });
});
