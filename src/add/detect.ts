/**
 * What `add` needs to know about an existing project, read from the project itself: package.json, the
 * lockfile and the syntax trees of its source files. Pure: the caller reads the files (project-files.ts).
 */
import { parseExpression } from '@babel/parser';
import type { PackageManager } from '../core/types.js';
import {
  containsNode,
  isTypeScriptPath,
  parseModule,
  usesModuleSyntax,
  walk,
  n,
  stringValue,
  memberPropertyName,
  moduleBindings,
  isCall,
  type File,
} from './ast.js';
import {
  findAppCreations,
  findMcpRoutes,
  servesHttp,
  type AppCreation,
  type FrameworkName,
  type McpRouteStatement,
} from './routes.js';
import {
  joinPaths,
  resolveMount,
  type GuardSite,
  type MountResolution,
  type MountStep,
  type UnseenRouter,
} from './mounts.js';
import { findExistingAuth, type ExistingAuth } from './existing-auth.js';
import { otherServerAdvice } from './other-servers.js';
import { findPrimitiveRegistrations, type RegisteredPrimitive } from './primitives.js';
import { findToolRegistrations, uniqueTools, type RegisteredTool, type UnreadableTool } from './tools.js';

export interface ProjectSnapshot {
  /** package.json as text. */
  packageJson: string;
  /** Source files by path relative to the project (posix separators). */
  files: ReadonlyMap<string, string>;
  /** Lockfile names present in the project directory. */
  lockfiles: readonly string[];
  /** `.env.example`, when there is one. */
  envExample?: string;
  /** The record of an earlier run (`.create-mcp-oauth.json`), when there is one. */
  record?: string;
  /** The project's tsconfig.json (JSON with comments), when there is one. */
  tsconfig?: string;
  /** The Wrangler configuration file at the root (`wrangler.jsonc`…): the project is a Cloudflare Worker. */
  wranglerConfig?: string;
  /** A `vercel.json` at the root: the project deploys to Vercel. */
  vercelConfig?: boolean;
}

export type { SdkLine } from '../plan/auth-module.js';
import type { SdkLine } from '../plan/auth-module.js';

export interface PackageManifest {
  name?: string;
  type?: string;
  main?: string;
  packageManager?: string;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

export type EntryDetection =
  | { kind: 'found'; file: string; route: McpRouteSummary }
  /** `file`: the file we think should mount the endpoint, when there is a good guess. */
  | { kind: 'not-found'; file?: string; reason: string }
  | { kind: 'ambiguous'; reason: string; fix: string };

export interface McpRouteSummary {
  appName: string;
  /** The public path: the route's own path under the prefixes it is mounted at. */
  path: string;
  /** The path as written in the route (without the mount prefixes). */
  localPath: string;
  methods: string[];
  line: number;
  /** Mounted under a prefix: where the guard goes (the root app), and the mounts on the way. */
  mount?: { prefix: string; guard: GuardSite; steps: MountStep[] };
  /** The path was stated (`--mcp-path`) for a route on a router whose mount could not be found. */
  unseenMount?: UnseenRouter;
}

/** A route found in a file, with what its mounts make of its path. */
interface LocatedRoute extends McpRouteStatement {
  mount: MountResolution;
  /** The public paths it may be served at (one unless mounted at several; none when a prefix is not a literal). */
  publicPaths: string[];
}

export interface ProjectFacts {
  manifest: PackageManifest;
  packageName: string;
  /** `declared`: package.json lists the framework (else it comes with the MCP SDK, e.g. v1's createMcpExpressApp). */
  framework: { name: FrameworkName; major?: number; declared: boolean };
  sdk: SdkLine;
  language: 'ts' | 'js';
  /** How the entry file is written: import/export or require. */
  moduleSystem: 'esm' | 'cjs';
  packageManager?: { name: PackageManager; from: string };
  entry: EntryDetection;
  tools: RegisteredTool[];
  unreadableTools: UnreadableTool[];
  /** Resources (by URI or URI template) and prompts (by name) the code registers, for the scope policy. */
  resources: RegisteredPrimitive[];
  prompts: RegisteredPrimitive[];
  /** Files that did not parse, skipped. */
  unparsed: { file: string; message: string }[];
  /** The port the app listens on, when written as a literal (for the default base URL). */
  port?: number;
  /** tsconfig.json's `compilerOptions.module`, lower-cased, when it says so itself (not through `extends`). */
  compilerModule?: string;
  /**
   * A Hono app deployed as a Cloudflare Worker (a Wrangler configuration at the root): its variables come with each
   * request (`c.env`), not from `process.env` at start-up.
   */
  worker?: { config: string };
  /**
   * The project deploys to Vercel (see deploysToVercel), where every file under api/ becomes a function unless a
   * part of its path starts with `_`.
   */
  vercel?: boolean;
  /** Auth of the app's own in the way of the guard (see existing-auth.ts): `add` refuses while there is any. */
  existingAuth: ExistingAuth[];
}

export interface DetectOptions {
  /** `--entry`: the file that mounts the MCP endpoint. */
  entry?: string;
  /** `--mcp-path`: which route is the MCP endpoint, when a file has several. */
  mcpPath?: string;
}

/** The project is not something `add` can work on at all (no SDK, no framework…). */
export class DetectionError extends Error {
  override name = 'DetectionError';
}

const LOCKFILES: Record<string, PackageManager> = {
  'package-lock.json': 'npm',
  'npm-shrinkwrap.json': 'npm',
  'pnpm-lock.yaml': 'pnpm',
  'yarn.lock': 'yarn',
  'bun.lock': 'bun',
  'bun.lockb': 'bun',
};

export function detectProject(snapshot: ProjectSnapshot, options: DetectOptions = {}): ProjectFacts {
  const manifest = parseManifest(snapshot.packageJson);
  const dependencies = { ...manifest.peerDependencies, ...manifest.devDependencies, ...manifest.dependencies };

  const parsed = new Map<string, File>();
  const unparsed: { file: string; message: string }[] = [];
  for (const [file, text] of snapshot.files) {
    try {
      parsed.set(file, parseModule(text, file));
    } catch (error) {
      unparsed.push({ file, message: error instanceof Error ? error.message : String(error) });
    }
  }

  const sdk = detectSdk(dependencies, parsed);
  const creations = new Map<string, AppCreation[]>();
  const routes = new Map<string, LocatedRoute[]>();
  for (const [file, ast] of parsed) {
    creations.set(file, findAppCreations(ast));
    routes.set(
      file,
      findMcpRoutes(ast).map((route) => locate(route, resolveMount(parsed, file, route.appName, route.statement))),
    );
  }
  const stdio = stdioOnly(parsed);
  const frameworkName = detectFramework(dependencies, creations, stdio);
  const entry = detectEntry({
    stdioOnly: stdio,
    options,
    manifest,
    files: snapshot.files,
    unparsed,
    creations,
    routes,
    framework: frameworkName,
  });

  const entryFile = entry.kind === 'found' || entry.kind === 'not-found' ? entry.file : undefined;
  const entryAst = entryFile ? parsed.get(entryFile) : undefined;
  // The entry file says it best; without one, the manifest (a typescript dependency, "type": "module").
  const typeScript = entryFile ? isTypeScriptPath(entryFile) : 'typescript' in dependencies;
  const language = typeScript ? 'ts' : 'js';
  const esm = entryAst ? usesModuleSyntax(entryAst) : manifest.type === 'module';
  const moduleSystem = esm ? 'esm' : 'cjs';

  const tools: RegisteredTool[] = [];
  const unreadableTools: UnreadableTool[] = [];
  const resources: RegisteredPrimitive[] = [];
  const prompts: RegisteredPrimitive[] = [];
  for (const [file, ast] of parsed) {
    const scan = findToolRegistrations(ast, file);
    tools.push(...scan.tools);
    unreadableTools.push(...scan.unreadable);
    const primitives = findPrimitiveRegistrations(ast, file);
    resources.push(...primitives.resources);
    prompts.push(...primitives.prompts);
  }

  const frameworkRange = dependencies[frameworkName];
  return {
    manifest,
    packageName: manifest.name ?? 'mcp-server',
    framework: {
      name: frameworkName,
      declared: frameworkRange !== undefined || `@modelcontextprotocol/${frameworkName}` in dependencies,
      ...(frameworkRange ? majorOf(frameworkRange) : {}),
    },
    sdk,
    language,
    moduleSystem,
    ...packageManagerOf(snapshot.lockfiles, manifest),
    entry,
    tools: uniqueTools(tools),
    unreadableTools,
    resources,
    prompts,
    unparsed,
    // The entry file says it best; else whichever file starts the server (`serve({ port })`, `listen(port)`).
    ...[entryAst, ...parsed.values()].reduce<{ port?: number }>(
      (found, ast) => (found.port === undefined && ast ? portOf(ast) : found),
      {},
    ),
    ...compilerModuleOf(snapshot.tsconfig),
    ...(snapshot.wranglerConfig !== undefined && frameworkName === 'hono'
      ? { worker: { config: snapshot.wranglerConfig } }
      : {}),
    ...(deploysToVercel(snapshot, dependencies, parsed) ? { vercel: true } : {}),
    existingAuth: entry.kind === 'found' ? findExistingAuth(parsed, { path: entry.route.localPath }) : [],
  };
}

const STDIO_ONLY =
  'serves MCP over stdio only (StdioServerTransport), where OAuth does not apply: a stdio server takes its ' +
  'credentials from the environment (MCP authorization, "Protocol Requirements"). Serve it over Streamable HTTP ' +
  'first (or scaffold a protected server with `npx create-mcp-oauth` and move the tools into it), then run add';

/** The file that imports the stdio transport, when no file imports an HTTP one. */
function stdioOnly(parsed: ReadonlyMap<string, File>): string | undefined {
  let stdio: string | undefined;
  for (const [file, ast] of parsed) {
    for (const binding of moduleBindings(ast).values()) {
      if (servesHttp(binding.imported)) return undefined;
      if (binding.imported === 'StdioServerTransport') stdio ??= file;
    }
  }
  return stdio;
}

/** A vercel.json, the vercel CLI or @vercel/node, or code importing Vercel's adapter (`hono/vercel`). */
function deploysToVercel(
  snapshot: ProjectSnapshot,
  dependencies: Record<string, string>,
  parsed: ReadonlyMap<string, File>,
): boolean {
  if (snapshot.vercelConfig === true || 'vercel' in dependencies || '@vercel/node' in dependencies) return true;
  return [...parsed.values()].some((ast) => containsNode(ast, (node) => importedSource(node) === 'hono/vercel'));
}

/**
 * `compilerOptions.module` of a tsconfig.json, read as the JavaScript object literal it is (comments and trailing
 * commas are allowed there, as in tsconfig.json). Nothing when it is set elsewhere (`extends`) or unreadable.
 */
function compilerModuleOf(tsconfig: string | undefined): { compilerModule?: string } {
  if (tsconfig === undefined) return {};
  let root: unknown;
  try {
    root = parseExpression(`(${tsconfig}\n)`);
  } catch {
    return {};
  }
  const property = (node: unknown, name: string): unknown => {
    if (!n.ObjectExpression.check(node)) return undefined;
    const found = node.properties.find(
      (candidate) =>
        n.ObjectProperty.check(candidate) &&
        (n.Identifier.check(candidate.key) ? candidate.key.name : stringValue(candidate.key)) === name,
    );
    return (found as { value?: unknown } | undefined)?.value;
  };
  const value = stringValue(property(property(root, 'compilerOptions'), 'module'));
  return value === undefined ? {} : { compilerModule: value.toLowerCase() };
}

function locate(route: McpRouteStatement, mount: MountResolution): LocatedRoute {
  const under = (prefix: string) => joinPaths([prefix, route.path]) || '/';
  let publicPaths: string[] = [];
  if (mount.kind === 'unmounted') publicPaths = [route.path];
  else if (mount.kind === 'mounted') publicPaths = [under(mount.prefix)];
  else if (mount.kind === 'ambiguous') publicPaths = mount.prefixes.map(under);
  return { ...route, mount, publicPaths };
}

/** package.json as an object; a DetectionError naming the file when it is not one (`upgrade` reads it too). */
export function parseManifest(text: string): PackageManifest {
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch (error) {
    throw new DetectionError(
      `package.json is not valid JSON (${error instanceof Error ? error.message : String(error)}); fix it first`,
    );
  }
  if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest))
    throw new DetectionError('package.json does not hold a JSON object');
  return manifest as PackageManifest;
}

function detectSdk(dependencies: Record<string, string>, parsed: Map<string, File>): SdkLine {
  const v1 = '@modelcontextprotocol/sdk' in dependencies;
  const v2 = '@modelcontextprotocol/server' in dependencies;
  if (v1 && !v2) return 'v1';
  if (v2 && !v1) return 'v2';
  if (!v1 && !v2) {
    throw new DetectionError(
      'package.json depends on neither @modelcontextprotocol/sdk (v1) nor @modelcontextprotocol/server (v2): ' +
        '`add` works on MCP servers built with the official TypeScript SDK' +
        otherServerAdvice(dependencies),
    );
  }
  // Both are listed (a migration in progress): follow the code.
  let importsV1 = 0;
  let importsV2 = 0;
  for (const ast of parsed.values()) {
    walk(ast, (node) => {
      const source = importedSource(node);
      if (source?.startsWith('@modelcontextprotocol/sdk')) importsV1 += 1;
      if (source === '@modelcontextprotocol/server') importsV2 += 1;
    });
  }
  return importsV1 > importsV2 ? 'v1' : 'v2';
}

/** The module an `import … from '<here>'` or `require('<here>')` names. */
function importedSource(node: unknown): string | undefined {
  if (n.ImportDeclaration.check(node)) return stringValue(node.source);
  if (isRequire(node)) return stringValue(node.arguments[0]);
  return undefined;
}

function isRequire(node: unknown): node is { arguments: unknown[] } {
  return isCall(node) && n.Identifier.check(node.callee) && node.callee.name === 'require';
}

function detectFramework(
  dependencies: Record<string, string>,
  creations: Map<string, AppCreation[]>,
  stdio: string | undefined,
): FrameworkName {
  const express = 'express' in dependencies || '@modelcontextprotocol/express' in dependencies;
  const hono = 'hono' in dependencies || '@modelcontextprotocol/hono' in dependencies;
  if (express && !hono) return 'express';
  if (hono && !express) return 'hono';
  const created = [...creations.values()].flat();
  if (!express && !hono) {
    // The v1 SDK brings Express along for its createMcpExpressApp(): an app made with it is an Express app.
    const fromSdk = created.filter((creation) => creation.fromSdk);
    const frameworks = new Set(fromSdk.map((creation) => creation.framework));
    if (frameworks.size === 1) return [...frameworks][0]!;
    throw new DetectionError(
      'package.json depends on neither express nor hono: `add` patches Express and Hono servers' +
        (otherServerAdvice(dependencies) || (stdio === undefined ? '' : `. ${stdio} ${STDIO_ONLY}`)),
    );
  }
  const honoApps = created.filter((creation) => creation.framework === 'hono').length;
  return honoApps > created.length - honoApps ? 'hono' : 'express';
}

/** `^4.21.2` → 4, `~5.0.0` → 5, `5.x` → 5; tags like `latest` say nothing. */
function majorOf(range: string): { major?: number } {
  const match = /(\d+)/.exec(range.replace(/^npm:[^@]+@/, ''));
  return match ? { major: Number(match[1]) } : {};
}

export function packageManagerOf(
  lockfiles: readonly string[],
  manifest: PackageManifest,
): { packageManager?: { name: PackageManager; from: string } } {
  for (const [lockfile, name] of Object.entries(LOCKFILES)) {
    if (lockfiles.includes(lockfile)) return { packageManager: { name, from: lockfile } };
  }
  const declared = /^(npm|pnpm|yarn|bun)@/.exec(manifest.packageManager ?? '')?.[1] as PackageManager | undefined;
  return declared ? { packageManager: { name: declared, from: 'the packageManager field of package.json' } } : {};
}

interface EntryInputs {
  options: DetectOptions;
  manifest: PackageManifest;
  files: ReadonlyMap<string, string>;
  unparsed: { file: string; message: string }[];
  creations: Map<string, AppCreation[]>;
  routes: Map<string, LocatedRoute[]>;
  framework: FrameworkName;
  /** The file that serves MCP over stdio, when nothing serves it over HTTP (see stdioOnly). */
  stdioOnly?: string | undefined;
}

function detectEntry(inputs: EntryInputs): EntryDetection {
  const { options, routes } = inputs;
  const wantedPath = options.mcpPath;
  const matching = (file: string, evidence?: 'handler' | 'path') =>
    (routes.get(file) ?? []).filter(
      (route) =>
        (wantedPath === undefined || servesAt(route, wantedPath)) &&
        (evidence === undefined || route.evidence === evidence),
    );

  if (options.entry !== undefined) {
    const file = options.entry;
    if (!inputs.files.has(file)) {
      throw new DetectionError(
        `--entry ${file}: no such source file in the project (give a path relative to the project directory)`,
      );
    }
    const broken = inputs.unparsed.find((problem) => problem.file === file);
    if (broken) return { kind: 'not-found', file, reason: `${file} does not parse: ${broken.message}` };
    const candidates = matching(file, 'handler').length > 0 ? matching(file, 'handler') : matching(file);
    return pickRoute(file, candidates, wantedPath);
  }

  for (const evidence of ['handler', 'path'] as const) {
    let files = [...routes.keys()].filter((file) => matching(file, evidence).length > 0);
    // A weak match (the path alone) only counts in a file that creates the app.
    if (evidence === 'path') files = files.filter((file) => (inputs.creations.get(file) ?? []).length > 0);
    if (files.length > 1) {
      const creating = files.filter((file) =>
        (inputs.creations.get(file) ?? []).some((creation) => creation.framework === inputs.framework),
      );
      if (creating.length === 1) files = creating;
    }
    if (files.length === 1) return pickRoute(files[0]!, matching(files[0]!, evidence), wantedPath);
    if (files.length > 1) {
      return {
        kind: 'ambiguous',
        reason: `several files mount an MCP endpoint: ${files
          .map(
            (file) =>
              `${file} (${matching(file, evidence)
                .map((route) => route.publicPaths[0] ?? route.path)
                .join(', ')})`,
          )
          .join('; ')}`,
        fix: 'pass --entry <file> to say which one to patch',
      };
    }
  }

  if (inputs.stdioOnly !== undefined) {
    return { kind: 'not-found', file: inputs.stdioOnly, reason: `${inputs.stdioOnly} ${STDIO_ONLY}` };
  }
  const guess = likelyEntry(inputs);
  const what = wantedPath === undefined ? 'the MCP endpoint' : `the MCP endpoint at ${wantedPath}`;
  return {
    kind: 'not-found',
    ...(guess ? { file: guess } : {}),
    reason: guess
      ? `${guess} ${createsApp(inputs, guess) ? `creates the ${frameworkLabel(inputs.framework)} app, but ` : ''}` +
        `does not mount ${what} in a way I recognise ` +
        `(a statement like app.post('/mcp', handler) with a literal path, whose handler calls transport.handleRequest)`
      : `no source file mounts ${what} in a way I recognise (a ` +
        `statement like app.post('/mcp', handler) with a literal path)`,
  };
}

/**
 * Whether the route may be the one at `wanted`: its public path, or, under a prefix that is not a literal, any path
 * ending with what lies below that prefix (`--mcp-path` states the public path then).
 */
function servesAt(route: LocatedRoute, wanted: string): boolean {
  if (route.mount.kind === 'non-literal' || route.mount.kind === 'unseen') {
    const below = joinPaths([route.mount.suffix, route.path]);
    return wanted === below || wanted.endsWith(below);
  }
  return route.publicPaths.includes(wanted) || (route.mount.kind === 'unmounted' && route.path === wanted);
}

function pickRoute(file: string, candidates: LocatedRoute[], wantedPath: string | undefined): EntryDetection {
  if (candidates.length === 0) {
    const what = wantedPath === undefined ? 'an MCP endpoint' : `an MCP endpoint at ${wantedPath}`;
    return {
      kind: 'not-found',
      file,
      reason:
        `${file} does not mount ${what} in a way I recognise (a ` +
        `statement like app.post('/mcp', handler) with a literal path)`,
    };
  }
  const paths = [
    ...new Set(candidates.flatMap((route) => (route.publicPaths.length > 0 ? route.publicPaths : [route.path]))),
  ];
  const first = candidates[0]!;
  if (paths.length > 1 && first.mount.kind === 'ambiguous' && candidates.length === 1) {
    return {
      kind: 'ambiguous',
      reason:
        `${file}:${first.line} serves MCP on a router mounted at several paths (${paths.join(', ')}): ` +
        `${first.mount.steps.map((steps) => describeSteps(steps)).join('; ')}`,
      fix:
        'mount it once, or pass --files-only to write only the OAuth module files ' +
        'and protect each path yourself (alsoProtect)',
    };
  }
  if (paths.length > 1) {
    return {
      kind: 'ambiguous',
      reason: `${file} mounts several endpoints that look like MCP: ${paths.join(', ')}`,
      fix: 'pass --mcp-path <path> to say which one is the MCP endpoint',
    };
  }
  const { mount } = first;
  if (mount.kind === 'non-literal' && wantedPath === undefined) {
    return {
      kind: 'ambiguous',
      reason:
        `${file}:${first.line} serves MCP at ${first.path} on a router that ${mount.at.file}:${mount.at.line} ` +
        `mounts at ${mount.at.expression}, which is not a literal path, so the public path of the MCP ` +
        `endpoint cannot be read from the code`,
      fix:
        `pass --mcp-path <public path> to state it (the path clients use, ending in ` +
        `${joinPaths([mount.suffix, first.path])}), or --files-only to write only the OAuth module files`,
    };
  }
  if (mount.kind === 'unseen' && wantedPath === undefined) {
    const { router } = mount;
    return {
      kind: 'ambiguous',
      reason:
        `${file}:${first.line} serves MCP at ${first.path} on ${router.name} ` +
        `(${router.what}, ${router.file}:${router.line}), whose mount could not be found (a package, a loader ` +
        `or a dynamic import may mount it under a prefix), so the public path of the MCP endpoint cannot be ` +
        `read from the code and guarding ${joinPaths([mount.suffix, first.path])} could leave the real endpoint open`,
      fix:
        `pass --mcp-path <public path> to state it (the path clients use, prefixes included, ending in ` +
        `${joinPaths([mount.suffix, first.path])}), or --files-only to write only the OAuth module files`,
    };
  }
  const stated = mount.kind === 'non-literal' || mount.kind === 'unseen';
  const path = stated ? wantedPath! : (first.publicPaths[0] ?? first.path);
  const prefix = path.endsWith(first.path) ? path.slice(0, path.length - first.path.length) : '';
  return {
    kind: 'found',
    file,
    route: {
      appName: first.appName,
      path,
      localPath: first.path,
      methods: [...new Set(candidates.flatMap((route) => route.methods))],
      line: first.line,
      ...(mount.kind === 'mounted' || mount.kind === 'non-literal' || mount.kind === 'unseen'
        ? mount.guard && { mount: { prefix, guard: mount.guard, steps: mount.steps } }
        : {}),
      ...(mount.kind === 'unseen' ? { unseenMount: mount.router } : {}),
    },
  };
}

/** `src/app.ts:12 app.use('/api', api) → src/routes/api.ts:4 api.use('/v1', mcpRouter)` */
export function describeSteps(steps: readonly MountStep[]): string {
  return steps.map((step) => `${step.file}:${step.line} ${step.code.replace(/;$/, '')}`).join(' → ');
}

function createsApp(inputs: EntryInputs, file: string): boolean {
  return (inputs.creations.get(file) ?? []).some((creation) => creation.framework === inputs.framework);
}

function frameworkLabel(framework: FrameworkName): string {
  return framework === 'express' ? 'Express' : 'Hono';
}

/** The file that creates the app, else the one package.json starts. */
function likelyEntry(inputs: EntryInputs): string | undefined {
  const creating = [...inputs.creations.keys()].filter((file) => createsApp(inputs, file));
  if (creating.length === 1) return creating[0];
  const started = [inputs.manifest.main, inputs.manifest.scripts?.start, inputs.manifest.scripts?.dev].filter(
    (value): value is string => typeof value === 'string',
  );
  for (const file of inputs.files.keys()) {
    const base = file.replace(/\.[cm]?[jt]sx?$/, '');
    if (
      started.some(
        (command) =>
          command.includes(file) || command.includes(`${base}.js`) || command.includes(base.replace(/^src\//, 'dist/')),
      )
    )
      return file;
  }
  return creating[0];
}

/** The expression that may hold a literal port: `listen(<here>)`, `port: <here>`, `process.env.PORT ?? <here>`. */
function portCandidate(node: unknown): unknown {
  if (isCall(node) && memberPropertyName(node.callee) === 'listen') return node.arguments[0];
  const isProperty = n.ObjectProperty.check(node) || n.Property.check(node);
  if (isProperty && n.Identifier.check(node.key) && node.key.name === 'port') return node.value;
  if (n.LogicalExpression.check(node) && memberPropertyName(node.left) === 'PORT') return node.right;
  return undefined;
}

/** `listen(3000)`, `port: 3000`, `process.env.PORT ?? 3000`: the first literal port in the entry file. */
function portOf(ast: File): { port?: number } {
  let port: number | undefined;
  walk(ast, (node) => {
    if (port !== undefined) return false;
    const value = literalPort(portCandidate(node));
    if (value !== undefined) port = value;
    return undefined;
  });
  return port === undefined ? {} : { port };
}

function literalPort(node: unknown): number | undefined {
  if (n.NumericLiteral.check(node) || (n.Literal.check(node) && typeof node.value === 'number')) {
    const value = Number((node as { value: number }).value);
    return Number.isInteger(value) && value > 0 && value < 65536 ? value : undefined;
  }
  if (n.LogicalExpression.check(node) || n.ConditionalExpression.check(node)) {
    return literalPort(
      (node as { right?: unknown; alternate?: unknown }).right ?? (node as { alternate?: unknown }).alternate,
    );
  }
  if (
    isCall(node) &&
    n.Identifier.check(node.callee) &&
    (node.callee.name === 'Number' || node.callee.name === 'parseInt')
  )
    return literalPort(node.arguments[0]);
  return undefined;
}
