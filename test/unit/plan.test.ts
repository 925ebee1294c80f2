/** The planner: which files a scaffold produces, for both frameworks, and that user strings stay data. */
import { fileURLToPath } from 'node:url';
import { createContext, runInContext } from 'node:vm';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Framework, Plan, ProjectConfig } from '../../src/core/types.js';
import { createFsFromVolume, Volume } from 'memfs';
import { loadTemplates, planProject, type TemplateSource } from '../../src/plan/index.js';
import { writeProject } from '../../src/write/write-project.js';
import { parse, parseAllDocuments } from 'yaml';
import { validateResourceUri } from '../../src/config/scopes-tools.js';
import { tsString, yamlString } from '../../src/plan/literals.js';
import COMPILE_OPTIONS from '../../src/plan/compile-options.json' with { type: 'json' };
import { TEMPLATE_HELPERS } from '../../src/plan/render.js';
import {
  HOSTILE_DESCRIPTIONS,
  HOSTILE_RESOURCE_URIS,
  HOSTILE_SCOPES,
  hostileProjectConfig,
  projectConfig,
} from '../support/project-config.js';

const templatesDir = fileURLToPath(new URL('../../templates/', import.meta.url));
let templates: TemplateSource;
beforeAll(async () => {
  templates = await loadTemplates(templatesDir);
});

function fileOf(plan: Plan, path: string): string {
  const file = plan.files.find((candidate) => candidate.path === path);
  if (!file) throw new Error(`${path} is not in the plan: ${plan.files.map((f) => f.path).join(', ')}`);
  return file.contents;
}

function paths(plan: Plan): string[] {
  return plan.files.map((file) => file.path);
}

/** Evaluates src/mcp-oauth/tool-scopes.ts as written, and returns its exports. */
function evaluateToolScopes(plan: Plan): {
  SCOPES: Record<string, string>;
  TOOL_SCOPES: Record<string, string[]>;
  PROMPT_SCOPES: Record<string, string[]>;
  RESOURCE_SCOPES: Record<string, string[]>;
  FILTER_LISTS_BY_SCOPE: boolean;
} {
  const { outputText } = ts.transpileModule(fileOf(plan, 'src/mcp-oauth/tool-scopes.ts'), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  });
  const module = { exports: {} as Record<string, unknown> };
  const sandbox = createContext({
    module,
    exports: module.exports,
    require: () => ({}),
  });
  runInContext(outputText, sandbox);
  return module.exports as never;
}

describe.each<Framework>(['express', 'hono'])('a %s project', (framework) => {
  let plan: Plan;
  beforeAll(() => {
    plan = planProject(projectConfig({ framework }), templates);
  });

  it('has the server, its tests, its config and its docs', () => {
    expect(paths(plan)).toEqual(
      expect.arrayContaining([
        'package.json',
        'tsconfig.json',
        'tsconfig.build.json',
        'vitest.config.ts',
        '.gitignore',
        '.env',
        '.env.example',
        'README.md',
        'src/index.ts',
        'src/health.ts',
        'src/shutdown.ts',
        'src/server.ts',
        'src/mcp-oauth/config.ts',
        'src/mcp-oauth/index.ts',
        `src/mcp-oauth/${framework}.ts`,
        'src/mcp-oauth/auth/token-verifier.ts',
        'src/mcp-oauth/auth/bearer-gate.ts',
        'src/mcp-oauth/auth/protected-resource.ts',
        'src/mcp-oauth/tool-scopes.ts',
        'src/mcp/tools/index.ts',
        'src/mcp/tools/whoami.ts',
        'src/mcp/tools/list-todos.ts',
        'src/mcp/tools/add-todo.ts',
        'src/todos/store.ts',
        'test/authentication.test.ts',
        'test/tool-scopes.test.ts',
        'test/todos.test.ts',
      ]),
    );
  });

  it('runs the quick checks with `test`, and the slow ones in test/stress/ with `test:stress` only', () => {
    expect(JSON.parse(fileOf(plan, 'package.json')).scripts).toMatchObject({
      test: 'vitest run',
      'test:stress': 'vitest run --config vitest.stress.config.ts',
    });
    expect(fileOf(plan, 'vitest.config.ts')).toContain("'test/stress/**'");
    expect(fileOf(plan, 'vitest.stress.config.ts')).toContain("include: ['test/stress/**/*.test.ts']");
    expect(paths(plan).filter((path) => path.startsWith('test/stress/'))).toEqual([
      'test/stress/key-set-timing.test.ts',
      'test/stress/load.test.ts',
      'test/stress/shutdown.test.ts',
    ]);
    expect(fileOf(plan, 'README.md')).toContain('`npm run test:stress` runs the slow checks');
  });

  it('renders every template: no Handlebars left, no partials or template suffixes', () => {
    for (const file of plan.files) {
      expect(file.path).not.toMatch(/\.hbs$|(^|\/)_/);
      expect(file.contents, file.path).not.toMatch(/\{\{[#/^]?[a-zA-Z]/);
    }
  });

  it(`uses ${framework} for the app and declares exactly its dependencies`, () => {
    // Hono's app is runtime-neutral (src/app.ts); src/server.ts adapts it to Node.
    const server = fileOf(plan, framework === 'express' ? 'src/server.ts' : 'src/app.ts');
    const manifest = JSON.parse(fileOf(plan, 'package.json'));
    if (framework === 'express') {
      expect(server).toContain("from './mcp-oauth/express.js'");
      expect(paths(plan)).not.toContain('src/mcp-oauth/hono.ts');
      expect(manifest.dependencies).toHaveProperty('express');
      expect(manifest.dependencies).not.toHaveProperty('hono');
    } else {
      expect(server).toContain("from './mcp-oauth/hono.js'");
      expect(paths(plan)).not.toContain('src/mcp-oauth/express.ts');
      expect(manifest.dependencies).toHaveProperty('hono');
      expect(manifest.dependencies).not.toHaveProperty('express');
    }
    expect(manifest).toMatchObject({
      name: 'demo-server',
      type: 'module',
      private: true,
      engines: { node: '>=20.19' },
    });
    expect(Object.keys(manifest.scripts)).toEqual(
      expect.arrayContaining(['dev', 'build', 'start', 'test', 'typecheck']),
    );
    expect(manifest.dependencies).toHaveProperty('@modelcontextprotocol/server');
    expect(manifest.dependencies).toHaveProperty('jose');
  });

  it('ships the local try-out authorization server in dev/, as a dev dependency the built server never reaches', () => {
    expect(paths(plan)).toEqual(
      expect.arrayContaining([
        'dev/try-local.ts',
        'dev/local-scalekit.ts',
        'dev/local-scalekit/index.ts',
        'dev/local-scalekit/provider.ts',
      ]),
    );
    const manifest = JSON.parse(fileOf(plan, 'package.json'));
    expect(manifest.scripts['dev:local']).toBe('tsx dev/try-local.ts');
    expect(manifest.devDependencies).toMatchObject({
      'oidc-provider': expect.stringMatching(/^\^9\.1[3-9]/),
      '@types/oidc-provider': expect.stringMatching(/^\^9\./),
    });
    expect(Object.keys(manifest.dependencies)).not.toContain('oidc-provider');
    expect(JSON.parse(fileOf(plan, 'tsconfig.build.json')).include).toEqual(['src']);
    for (const file of plan.files.filter((candidate) => candidate.path.startsWith('src/'))) {
      expect(file.contents, file.path).not.toMatch(/from '(\.\.\/)+dev\/|oidc-provider/);
    }
    const readme = fileOf(
      planProject(projectConfig({ framework }), templates, { packageManager: 'pnpm' }),
      'README.md',
    );
    expect(readme).toContain('## Try it without a Scalekit account');
    expect(readme).toContain('pnpm dev:local');
  });

  it('writes the answers into .env and keeps .env out of git', () => {
    expect(fileOf(plan, '.env')).toContain('MCP_SERVER_URL=http://localhost:3000/mcp\n');
    expect(fileOf(plan, '.env')).toContain('SCALEKIT_RESOURCE_ID=res_REPLACE_ME\n');
    expect(fileOf(plan, '.gitignore').split('\n')).toContain('.env');
    expect(fileOf(plan, '.env.example')).not.toContain('REPLACE');
  });
});

describe('the tool → scope map', () => {
  it('holds exactly the configured scopes and tools', () => {
    const config = projectConfig({
      scopes: [
        { name: 'docs:read', description: 'Read documents' },
        { name: 'docs:write', description: '' },
      ],
      tools: [
        { name: 'search', scopes: ['docs:read'] },
        { name: 'publish', scopes: ['docs:read', 'docs:write'] },
        { name: 'ping', scopes: [] },
      ],
    });
    const plan = planProject(config, templates);
    expect(evaluateToolScopes(plan)).toEqual({
      SCOPES: { 'docs:read': 'Read documents', 'docs:write': '' },
      TOOL_SCOPES: { search: ['docs:read'], publish: ['docs:read', 'docs:write'], ping: [] },
      PROMPT_SCOPES: { review_todos: ['todo:read'] },
      RESOURCE_SCOPES: { 'todo://todos/{id}': ['todo:read'] },
      FILTER_LISTS_BY_SCOPE: false,
      scopeChallengeFor: expect.any(Function),
      promptScopeChallengeFor: expect.any(Function),
      resourceScopeChallengeFor: expect.any(Function),
      visibilityFor: expect.any(Function),
      scopeCheckFor: expect.any(Function),
    });
  });

  it('holds the configured resources (URIs and URI templates) and prompts, and the list filter', () => {
    const plan = planProject(
      projectConfig({
        resources: [
          { uri: 'docs://docs/{id}', scopes: ['todo:read'] },
          { uri: 'config://app', scopes: [] },
        ],
        prompts: [{ name: 'summarize', scopes: ['todo:read', 'todo:write'] }],
        filterLists: true,
      }),
      templates,
    );
    expect(evaluateToolScopes(plan)).toMatchObject({
      RESOURCE_SCOPES: { 'docs://docs/{id}': ['todo:read'], 'config://app': [] },
      PROMPT_SCOPES: { summarize: ['todo:read', 'todo:write'] },
      FILTER_LISTS_BY_SCOPE: true,
    });
    expect(fileOf(plan, 'src/mcp/resources/docs-docs-id.ts')).toContain("const URI_TEMPLATE = 'docs://docs/{id}';");
    expect(fileOf(plan, 'src/mcp/resources/docs-docs-id.ts')).toContain('new ResourceTemplate(URI_TEMPLATE');
    expect(fileOf(plan, 'src/mcp/resources/config-app.ts')).toContain("const URI = 'config://app';");
    expect(fileOf(plan, 'src/mcp/prompts/summarize.ts')).toContain("const PROMPT_NAME = 'summarize';");
    expect(paths(plan)).not.toContain('src/mcp/resources/todo-by-id.ts');
    expect(paths(plan)).not.toContain('src/mcp/prompts/review-todos.ts');
    expect(paths(plan)).not.toContain('test/todo-resource.test.ts');
    expect(paths(plan)).not.toContain('test/todo-prompt.test.ts');
  });

  it('gives every resource a distinct module and registration name, and every prompt a distinct module', () => {
    const resources = ['x://a/{id}', 'x://A/{id}', 'x://a-{id}', 'index://x', 'todo://todos/{id}', 'y://todo'].map(
      (uri) => ({ uri, scopes: [] }),
    );
    const prompts = ['sum', 'Sum', 's.u.m', 'index', 'review_todos'].map((name) => ({ name, scopes: [] }));
    const plan = planProject(projectConfig({ resources, prompts }), templates);
    for (const [folder, count] of [
      ['resources', resources.length],
      ['prompts', prompts.length],
    ] as const) {
      const modules = paths(plan).filter(
        (path) => path.startsWith(`src/mcp/${folder}/`) && path !== `src/mcp/${folder}/index.ts`,
      );
      expect(new Set(modules.map((path) => path.toLowerCase())).size, folder).toBe(count);
    }
    const names = [
      ...plan.files
        .filter((file) => file.path.startsWith('src/mcp/resources/'))
        .map((file) => file.contents)
        .join('\n')
        .matchAll(/registerResource\(\s*'([^']*)'/g),
    ].map((match) => match[1]);
    expect(new Set(names).size).toBe(resources.length);
  });

  it('gives tools without an implementation a stub, and leaves out the todo example', () => {
    const plan = planProject(
      projectConfig({ tools: [{ name: 'search', scopes: ['todo:read'] }], resources: [], prompts: [] }),
      templates,
    );
    expect(paths(plan)).toContain('src/mcp/tools/search.ts');
    expect(paths(plan)).not.toContain('src/todos/store.ts');
    expect(paths(plan)).not.toContain('src/mcp/tools/whoami.ts');
    expect(paths(plan)).not.toContain('test/todos.test.ts');
    expect(fileOf(plan, 'src/mcp/tools/index.ts')).not.toContain('TodoStore');
    expect(fileOf(plan, 'src/mcp/tools/search.ts')).toContain("const TOOL_NAME = 'search';");
    expect(fileOf(plan, 'src/mcp/tools/search.ts')).toContain('TODO: implement');
  });

  it('gives every tool a distinct module, even when names differ only in case or punctuation', () => {
    const tools = [
      'send-email',
      'send_email',
      'Send.Email',
      'SEND_EMAIL',
      'whoami_',
      'List-Todos',
      'index',
      'tools',
    ].map((name) => ({ name, scopes: [] }));
    const plan = planProject(projectConfig({ tools }), templates);
    const modules = paths(plan).filter(
      (path) => path.startsWith('src/mcp/tools/') && path !== 'src/mcp/tools/index.ts',
    );
    expect(modules).toHaveLength(tools.length);
    expect(new Set(modules.map((path) => path.toLowerCase())).size).toBe(tools.length);
    const index = fileOf(plan, 'src/mcp/tools/index.ts');
    const functions = [...index.matchAll(/^ {2}if \(visible\.tool\([^)]*\)\) (register\w+)\(server/gm)].map(
      (match) => match[1],
    );
    expect(new Set(functions).size).toBe(tools.length);
    expect(functions).not.toContain('registerTools');
  });
});

describe('deploy targets', () => {
  // In plan order: by UTF-16 code units, the same on every machine (upper case before lower case).
  const DOCKER_FILES = ['.dockerignore', 'Dockerfile', 'deploy/kubernetes.yaml'];

  it.each<Framework>(['express', 'hono'])('node (the default) adds no container files (%s)', (framework) => {
    const plan = planProject(projectConfig({ framework }), templates);
    expect(paths(plan)).not.toEqual(expect.arrayContaining([expect.stringMatching(/Dockerfile|docker|^deploy\//)]));
    expect(fileOf(plan, 'README.md')).not.toContain('Dockerfile');
  });

  it.each<Framework>(['express', 'hono'])(
    'docker adds the Dockerfile, .dockerignore and deploy/kubernetes.yaml, and nothing else (%s)',
    (framework) => {
      const node = planProject(projectConfig({ framework }), templates);
      const docker = planProject(projectConfig({ framework, deploy: 'docker' }), templates);
      expect(paths(docker).filter((path) => !paths(node).includes(path))).toEqual(DOCKER_FILES);
      const ignored = fileOf(docker, '.dockerignore').split('\n');
      for (const entry of ['.env', 'node_modules', 'dev', 'test']) expect(ignored).toContain(entry);
      expect(fileOf(docker, 'README.md')).toContain('deploy/kubernetes.yaml');
    },
  );

  it.each([
    ['npm', 'package-lock.json', 'npm ci --omit=dev'],
    ['pnpm', 'pnpm-lock.yaml', 'pnpm install --frozen-lockfile --prod'],
    ['yarn', 'yarn.lock', 'yarn install --frozen-lockfile --production'],
    ['bun', 'bun.lock', 'bun install --frozen-lockfile --production'],
  ] as const)(
    'the Dockerfile installs from the %s lockfile, production dependencies only at run time',
    (pm, lockfile, prod) => {
      const dockerfile = fileOf(
        planProject(projectConfig({ deploy: 'docker' }), templates, { packageManager: pm }),
        'Dockerfile',
      );
      expect(dockerfile).toContain(`COPY package.json ${lockfile} ./`);
      const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
      expect(runtime).toMatch(new RegExp(`^RUN .*${prod}`, 'm'));
      expect(runtime).toMatch(/^ENV NODE_ENV=production$/m);
      expect(runtime).toMatch(/^USER node$/m);
    },
  );

  it('names the Kubernetes objects after the package, as valid DNS labels, and quotes every value as YAML', () => {
    const plan = planProject(
      projectConfig({
        deploy: 'docker',
        packageName: '@acme/9_Notes.Server',
        scalekitEnvUrl: 'https://acme.scalekit.com',
        resourceId: 'res_42',
        baseUrl: 'https://mcp.example.com',
      }),
      templates,
    );
    const documents = parseAllDocuments(fileOf(plan, 'deploy/kubernetes.yaml')).map((document) => document.toJS());
    expect(documents.map((document) => `${document.kind}/${document.metadata.name}`)).toEqual([
      'ConfigMap/mcp-9-notes-server-config',
      'Deployment/mcp-9-notes-server',
      'Service/mcp-9-notes-server',
    ]);
    expect(documents[0].data).toMatchObject({
      MCP_SERVER_URL: 'https://mcp.example.com/mcp',
      SCALEKIT_ENVIRONMENT_URL: 'https://acme.scalekit.com',
      SCALEKIT_RESOURCE_ID: 'res_42',
      MCP_SERVER_URL_IN_AUDIENCE: 'false',
    });
  });
});

describe('a Cloudflare Workers project (--deploy workers)', () => {
  const workers = (overrides: Partial<ProjectConfig> = {}) =>
    planProject(projectConfig({ framework: 'hono', deploy: 'workers', ...overrides }), templates);

  it('is laid out the way npm create cloudflare lays out a Worker, without the Node-only files', () => {
    const plan = workers();
    expect(paths(plan)).toEqual(
      expect.arrayContaining([
        'wrangler.jsonc',
        '.dev.vars',
        '.dev.vars.example',
        'src/index.ts',
        'src/app.ts',
        'src/todos/durable-object.ts',
        'test/worker.test.ts',
        'dev/start.ts',
      ]),
    );
    for (const nodeOnly of [
      'src/server.ts',
      'src/startup.ts',
      'src/shutdown.ts',
      '.env',
      '.env.example',
      'tsconfig.build.json',
    ])
      expect(paths(plan)).not.toContain(nodeOnly);
    // The auth module is the very same files as in the Node projects: one implementation.
    const node = planProject(projectConfig({ framework: 'hono' }), templates);
    for (const path of paths(node).filter((path) => path.startsWith('src/auth/')))
      expect(fileOf(plan, path), path).toBe(fileOf(node, path));
    const gitignore = fileOf(plan, '.gitignore').split('\n');
    expect(gitignore).toEqual(expect.arrayContaining(['.dev.vars*', '!.dev.vars.example', '.wrangler/']));
  });

  it('declares the Worker in wrangler.jsonc: name, main, compatibility date, vars, the Durable Object', () => {
    const plan = workers({
      packageName: '@acme/Notes_Server',
      baseUrl: 'https://mcp.example.com',
      scalekitEnvUrl: 'https://acme.scalekit.com',
      resourceId: 'res_42',
    });
    const config = JSON.parse(fileOf(plan, 'wrangler.jsonc').replace(/^\/\/.*$/gm, ''));
    expect(config).toMatchObject({
      name: 'notes-server',
      main: 'src/index.ts',
      compatibility_date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      vars: {
        SCALEKIT_ENVIRONMENT_URL: 'https://acme.scalekit.com',
        SCALEKIT_RESOURCE_ID: 'res_42',
        MCP_SERVER_URL: 'https://mcp.example.com/mcp',
        MCP_SERVER_URL_IN_AUDIENCE: 'false',
      },
      durable_objects: { bindings: [{ name: 'USER_TODOS', class_name: 'UserTodos' }] },
      migrations: [{ tag: 'v1', new_sqlite_classes: ['UserTodos'] }],
    });
    // Nothing here needs Node's APIs.
    expect(config.compatibility_flags).toBeUndefined();
    expect(fileOf(plan, '.dev.vars')).toContain('SCALEKIT_RESOURCE_ID=res_42\n');
  });

  it('splits its tests like a Node project, without the Node process checks', () => {
    const plan = workers();
    expect(JSON.parse(fileOf(plan, 'package.json')).scripts['test:stress']).toBe(
      'vitest run --config vitest.stress.config.ts',
    );
    expect(fileOf(plan, 'vitest.stress.config.ts')).toContain('cloudflareTest(');
    expect(paths(plan).filter((path) => /^test\/(stress\/|shutdown|support\/in-flight)/.test(path))).toEqual([
      'test/stress/key-set-timing.test.ts',
      'test/stress/load.test.ts',
    ]);
  });

  it('documents deploying, the workers.dev or custom-domain URL and the limits, and never .env', () => {
    const readme = fileOf(workers(), 'README.md');
    for (const topic of ['wrangler deploy', 'workers.dev', 'custom_domain', 'CPU time', 'Durable Object', '22.12'])
      expect(readme).toContain(topic);
    expect(readme).not.toMatch(/`\.env`/);
    expect(readme).not.toContain('SIGTERM');
  });

  it('has no Durable Object when no tool, resource or prompt keeps todos', () => {
    const plan = workers({ tools: [{ name: 'whoami', scopes: [] }], resources: [], prompts: [] });
    expect(JSON.parse(fileOf(plan, 'wrangler.jsonc').replace(/^\/\/.*$/gm, ''))).not.toHaveProperty('durable_objects');
    expect(paths(plan)).not.toContain('src/todos/durable-object.ts');
    expect(fileOf(plan, 'src/index.ts')).not.toContain('UserTodos');
  });

  it('runs on wrangler with Node 22.12+, with the scripts Cloudflare projects have', () => {
    const manifest = JSON.parse(fileOf(workers(), 'package.json'));
    expect(manifest.engines).toEqual({ node: '>=22.12' });
    expect(manifest.scripts).toMatchObject({ deploy: 'wrangler deploy', 'cf-typegen': 'wrangler types' });
    expect(Object.keys(manifest.scripts)).toEqual(
      expect.arrayContaining(['dev', 'dev:local', 'start', 'deploy', 'typecheck', 'test', 'cf-typegen']),
    );
    expect(manifest.dependencies).not.toHaveProperty('@hono/node-server');
    expect(manifest.devDependencies).toHaveProperty('wrangler');
    expect(manifest.devDependencies).toHaveProperty('@cloudflare/vitest-plugin');
  });
});

describe('hostile strings', () => {
  const config: ProjectConfig = hostileProjectConfig();

  it('are resource URIs the CLI accepts as written', () => {
    for (const uri of HOSTILE_RESOURCE_URIS) expect(validateResourceUri(uri), uri).toEqual({ ok: true, value: uri });
  });

  it.each<Framework>(['express', 'hono'])('round-trip exactly through the generated TypeScript (%s)', (framework) => {
    const plan = planProject({ ...config, framework }, templates);
    const { SCOPES, TOOL_SCOPES, RESOURCE_SCOPES, PROMPT_SCOPES } = evaluateToolScopes(plan);
    expect(SCOPES).toEqual(Object.fromEntries(config.scopes.map((scope) => [scope.name, scope.description])));
    expect(TOOL_SCOPES).toEqual(Object.fromEntries(config.tools.map((tool) => [tool.name, tool.scopes])));
    expect(RESOURCE_SCOPES).toEqual(Object.fromEntries(config.resources.map((res) => [res.uri, res.scopes])));
    expect(PROMPT_SCOPES).toEqual(Object.fromEntries(config.prompts.map((prompt) => [prompt.name, prompt.scopes])));
  });

  it('reach each stub and registry only as exact string literals', () => {
    const plan = planProject(config, templates);
    const sources = plan.files.filter((file) => /^src\/mcp\/(resources|prompts)\//.test(file.path));
    for (const uri of HOSTILE_RESOURCE_URIS) {
      const literal = tsString(uri);
      const holding = sources.filter((file) => file.contents.includes(literal));
      // Once in its stub (the URI constant), once in resources/index.ts (the visibility check).
      expect(holding.map((file) => file.path).sort(), uri).toEqual([
        'src/mcp/resources/index.ts',
        expect.stringMatching(/^src\/mcp\/resources\/(?!index)/),
      ]);
    }
  });

  it('parse as TypeScript without syntax errors in every generated source file', () => {
    const plan = planProject(config, templates);
    for (const file of plan.files.filter((candidate) => candidate.path.endsWith('.ts'))) {
      const { diagnostics } = ts.transpileModule(file.contents, { reportDiagnostics: true, fileName: file.path });
      expect(
        diagnostics?.map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')),
        file.path,
      ).toEqual([]);
    }
  });

  it('round-trip exactly through the YAML encoder', () => {
    for (const value of [
      ...HOSTILE_DESCRIPTIONS,
      ...HOSTILE_SCOPES,
      '\u0085 next line',
      'yes',
      '- item',
      '# not a comment',
    ]) {
      expect(parse(`key: ${yamlString(value)}\n`), JSON.stringify(value)).toEqual({ key: value });
    }
  });

  it('stay inert in the README: no raw HTML, no broken table rows', () => {
    const readme = fileOf(planProject(config, templates), 'README.md');
    expect(readme).not.toContain('<script>');
    const scopeRows = readme.split('\n').filter((line) => line.startsWith('| `') || line.startsWith('| ``'));
    for (const row of scopeRows) expect(row.split(/(?<!\\)\|/).length, row).toBeGreaterThanOrEqual(4);
  });
});

describe('rendered into memfs through the writer', () => {
  it.each<Framework>(['express', 'hono'])(
    'every file of a %s project with hostile strings lands byte for byte',
    async (framework) => {
      const config = projectConfig({
        framework,
        scopes: HOSTILE_SCOPES.map((name, index) => ({
          name,
          description: HOSTILE_DESCRIPTIONS[index % HOSTILE_DESCRIPTIONS.length]!,
        })),
        tools: [
          { name: 'custom.tool', scopes: [...HOSTILE_SCOPES] },
          { name: 'whoami', scopes: [] },
        ],
      });
      const plan = planProject(config, templates);
      const fs = createFsFromVolume(new Volume());
      await writeProject({ fs: fs.promises, targetDir: '/work/project', files: plan.files, force: false });
      for (const file of plan.files) {
        expect(await fs.promises.readFile(`/work/project/${file.path}`, 'utf8'), file.path).toBe(file.contents);
      }
      const written = (await fs.promises.readdir('/work/project', { recursive: true })) as string[];
      const writtenFiles = written.filter((path) => fs.statSync(`/work/project/${path}`).isFile());
      expect(writtenFiles.sort()).toEqual(plan.files.map((file) => file.path).sort());
    },
  );
});

describe('templates', () => {
  /** Values validated to a safe character set before they reach the plan; anything else needs an encoder. */
  const SAFE_FIELDS = new Set([
    'packageName',
    'mcpServerUrl',
    'mcpPath',
    'metadataUrl',
    'frameworkName',
    'moduleName',
    'registerFunction',
    'registration',
    'kubernetesName',
    'workerName',
    'localConfigFile',
    'dockerfile.nodeVersion',
    'dockerfile.lockfile',
    'dockerfile.install',
    'dockerfile.installProduction',
    'dockerfile.build',
    'commands.install',
    'commands.dev',
    'commands.test',
    'commands.testStress',
    'commands.start',
    'commands.typecheck',
    'commands.deploy',
    'commands.exec',
    'commands.build',
  ]);
  const ENCODERS = new Set(['ts', 'tsKey', 'md', 'code', 'env', 'sh', 'yaml']);

  it('are compiled knowing exactly the helpers the renderer registers', () => {
    // A helper missing from compile-options.json would fail every template that uses it; an extra one
    // would compile to a call of a function that is not there.
    expect(Object.keys(COMPILE_OPTIONS.knownHelpers).sort()).toEqual(Object.keys(TEMPLATE_HELPERS).sort());
    expect(COMPILE_OPTIONS.knownHelpersOnly).toBe(true);
    for (const encoder of ENCODERS) expect(TEMPLATE_HELPERS).toHaveProperty(encoder);
  });

  it('print values only through an encoder, or safe pre-validated fields', () => {
    const offending: string[] = [];
    for (const [path, source] of templates) {
      if (!path.endsWith('.hbs')) {
        expect(source, `${path} is copied verbatim, so it must not contain Handlebars`).not.toContain('{{');
        continue;
      }
      for (const [, expression] of source.matchAll(/\{\{(?![#/!]|else\b)~?\s*([^}]+?)\s*~?\}\}/g)) {
        const [head, ...rest] = expression!.trim().split(/\s+/);
        if (rest.length > 0 ? ENCODERS.has(head!) : SAFE_FIELDS.has(head!)) continue;
        offending.push(`${path}: {{${expression}}}`);
      }
    }
    expect(offending).toEqual([]);
  });
});

describe('package.json order', () => {
  it.each([
    ['express', 'node'],
    ['hono', 'node'],
    ['express', 'docker'],
    ['hono', 'workers'],
  ] as const)(
    'lists a %s/%s project’s dependencies in the order npm keeps them, so an install never reorders them',
    (framework, deploy) => {
      const manifest = JSON.parse(fileOf(planProject(projectConfig({ framework, deploy }), templates), 'package.json'));
      for (const section of ['dependencies', 'devDependencies']) {
        const names = Object.keys(manifest[section]);
        expect(names.length, section).toBeGreaterThan(2);
        // npm (@npmcli/package-json) sorts each section with localeCompare(…, 'en').
        expect(names, section).toEqual([...names].sort((a, b) => a.localeCompare(b, 'en')));
      }
    },
  );
});
