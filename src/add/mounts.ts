/**
 * The public path of an MCP route that is not registered on the app itself: the prefixes it is mounted under,
 * followed across modules, and where the guard has to go so that it sees that path and can serve the discovery
 * documents at the root of the server.
 *
 *   Express   app.use('/api', api)        api.use('/v1', mcpRouter)      (routers from other modules, ESM or require)
 *   Hono      app.route('/api', sub)      new Hono().basePath('/api')    app.basePath('/api')
 *
 * A mount is followed through imports (`import { mcpRouter } from './routes/mcp.js'`, default imports, namespace
 * members, `require('./routes/mcp')` and its members, `module.exports`), barrels that re-export the router
 * (`export * from './mcp.js'`), factories that return it (`app.use('/api', createMcpRouter())`) and functions
 * that register the route on the app or router they are given (`registerMcpRoutes(api)`). A prefix must be a
 * literal (or a `const` holding one): anything else (a variable, an env lookup, a template with expressions) is
 * reported, never guessed.
 *
 * The guard goes on the root app, where every path is seen whole: before the statement that mounts the branch
 * holding the MCP route, or, when the root app itself is created with `basePath(…)` (so nothing registered on it
 * could answer at the root), into its creation: `new Hono().use(mcpOAuth(…)).basePath('/api')`.
 */
import path from 'node:path';
import {
  codeOf,
  isCall,
  lineOf,
  memberPropertyName,
  moduleBindings,
  n,
  requiredModule,
  stringValue,
  unwrapExpression,
  walk,
  type File,
  type Node,
} from './ast.js';
import { isFunction } from './routes.js';

/** A place in a file: a node's offset in the original text, and its line for messages. */
export interface SourcePosition {
  file: string;
  start: number;
  line: number;
}

/** Where the guard is registered for a mounted MCP route. */
export interface GuardSite extends SourcePosition {
  /** The root app, as it is called in `file`. */
  appName: string;
  /**
   * `before`: `app.use(guard)` before the statement at `start`. `creation`: the root app is created with
   * `basePath(…)`; the guard goes into that creation, before `basePath`, at the declarator at `start`.
   */
  mode: 'before' | 'creation';
}

/** One mount on the way from the root app to the MCP route, outermost first, for messages. */
export interface MountStep {
  file: string;
  line: number;
  /** The statement or creation as written, e.g. `app.use('/api', api)`. */
  code: string;
}

export type MountResolution =
  /** Not mounted under a prefix (or not mounted anywhere we can see): the guard goes before the route, as written. */
  | { kind: 'unmounted' }
  | { kind: 'mounted'; prefix: string; steps: MountStep[]; guard: GuardSite }
  /**
   * A prefix on the way is not a literal. `suffix`: the part of the public path below it (literal), which a path
   * given with `--mcp-path` must end with.
   */
  | {
      kind: 'non-literal';
      at: MountStep & { expression: string };
      suffix: string;
      steps: MountStep[];
      guard: GuardSite;
    }
  /** Mounted at several public paths. */
  | { kind: 'ambiguous'; prefixes: string[]; steps: MountStep[][] }
  /**
   * On an Express router or a Hono sub-app that nothing we can read mounts (a loader looping over a directory, a
   * helper from a package, `app.use(prefix, await import(x))`…): its public path is unknown, never assumed.
   * `suffix`: the literal part below that router, which a path given with `--mcp-path` must end with; `guard`: where
   * the guard goes then, when it is not before the route itself (a mount or a basePath creation on the way).
   */
  | { kind: 'unseen'; router: UnseenRouter; suffix: string; steps: MountStep[]; guard?: GuardSite };

/** A router or sub-app whose mount could not be found. */
export interface UnseenRouter {
  file: string;
  line: number;
  /** Its name in `file`. */
  name: string;
  /** `an Express router`, `a Hono sub-app`, for messages. */
  what: string;
}

type Segment = { literal: string } | { nonLiteral: string; step: MountStep };

interface Chain {
  segments: Segment[];
  steps: MountStep[];
  /** The root app: a guard at its creation, when it is created with basePath. */
  creation?: GuardSite;
  /** The statement on the root app through which the route is reached, with the root's name there. */
  anchor?: GuardSite;
  /** The chain stops at a router or sub-app, not at a root app: the prefixes above it are unknown. */
  unseen?: UnseenRouter;
}

/** How deep mounts are followed; real apps nest two or three levels. */
const MAX_DEPTH = 16;

export function resolveMount(
  files: ReadonlyMap<string, File>,
  file: string,
  appName: string,
  routeStatement: Node,
): MountResolution {
  const chains = new MountGraph(files).upward(file, appName, routeStatement, new Set());
  if (chains.length === 0) return { kind: 'unmounted' };
  const guardOf = (chain: Chain): GuardSite | undefined => chain.creation ?? chain.anchor;

  const unseen = chains.find((chain) => chain.unseen);
  if (unseen?.unseen) {
    const guard = guardOf(unseen);
    return {
      kind: 'unseen',
      router: unseen.unseen,
      suffix: joinPaths(unseen.segments.map(literalOf)),
      steps: unseen.steps,
      ...(guard ? { guard } : {}),
    };
  }
  const nonLiteral = chains.find((chain) => chain.segments.some((segment) => 'nonLiteral' in segment));
  if (nonLiteral) {
    const index = nonLiteral.segments.findLastIndex((segment) => 'nonLiteral' in segment);
    const at = nonLiteral.segments[index] as Extract<Segment, { nonLiteral: string }>;
    const guard = guardOf(nonLiteral);
    if (guard) {
      return {
        kind: 'non-literal',
        at: { ...at.step, expression: at.nonLiteral },
        suffix: joinPaths(nonLiteral.segments.slice(index + 1).map((segment) => literalOf(segment))),
        steps: nonLiteral.steps,
        guard,
      };
    }
  }
  const prefixes = [...new Set(chains.map((chain) => joinPaths(chain.segments.map(literalOf))))];
  if (prefixes.length > 1) return { kind: 'ambiguous', prefixes, steps: chains.map((chain) => chain.steps) };
  const [chain] = chains;
  const guard = chain ? guardOf(chain) : undefined;
  if (!chain || prefixes[0] === '' || !guard) return { kind: 'unmounted' };
  return { kind: 'mounted', prefix: prefixes[0]!, steps: chain.steps, guard };
}

function literalOf(segment: Segment): string {
  return 'literal' in segment ? segment.literal : '';
}

/** `['/api/', '/v1', '', '/mcp']` → `/api/v1/mcp`; nothing → ''. */
export function joinPaths(parts: readonly string[]): string {
  const inner = parts.map((part) => part.replace(/^\/+|\/+$/g, '')).filter((part) => part !== '');
  return inner.length === 0 ? '' : `/${inner.join('/')}`;
}

/** What refers to one router or app: a local name in a file, or a factory there whose call returns it. */
interface Target {
  file: string;
  name: string;
  /** The name is a function returning the router: references are calls of it. */
  called: boolean;
}

interface Declaration {
  init: unknown;
  /** The declarator, for a guard at the creation. */
  node: Node;
  /** The named function the variable is declared in and returned from (a factory), if any. */
  factory?: string;
}

class MountGraph {
  private readonly bindings = new Map<string, ReturnType<typeof moduleBindings>>();

  constructor(private readonly files: ReadonlyMap<string, File>) {}

  /** The ways from the root app down to `name` in `file`, each with its prefixes. */
  upward(file: string, name: string, at: Node, visiting: ReadonlySet<string>): Chain[] {
    const key = `${file}\0${name}`;
    if (visiting.has(key) || visiting.size >= MAX_DEPTH) return [];
    const seen = new Set([...visiting, key]);
    const ast = this.files.get(file)!;

    // Imported: the same object, declared in another module.
    const binding = this.bindingsOf(file).get(name);
    if (binding) {
      const source = this.resolve(file, binding.source);
      const local = source ? this.localOfExport(source, binding.imported) : undefined;
      if (!source || !local) return [];
      return this.upward(source, local, this.files.get(source)!.program, seen);
    }

    const declaration = declarationOf(ast, name, at);
    const created = declaration ? decompose(declaration.init) : undefined;
    const own: Segment[] = (created?.basePaths ?? []).map((argument) => {
      const step = { file, line: lineOf(declaration!.node), code: codeOf(declaration!.node) };
      return segmentOf(argument, ast, step) ?? { nonLiteral: codeOf(argument), step };
    });
    const parameter = declaration ? undefined : parameterOf(ast, name, at);
    let mounts: Mount[] = [];
    if (declaration) {
      mounts = this.mountsOf(
        declaration.factory ? { file, name: declaration.factory, called: true } : { file, name, called: false },
        seen,
      );
    } else if (parameter?.fn) mounts = this.callersPassing(file, parameter.fn, parameter.index, seen);

    const chains: Chain[] = [];
    for (const mount of mounts) {
      const parents = this.upward(mount.file, mount.parent, mount.statement, seen);
      const rootSite: GuardSite = {
        file: mount.file,
        start: startOf(mount.statement),
        line: mount.step.line,
        appName: mount.parent,
        mode: 'before',
      };
      for (const parent of parents.length > 0 ? parents : [{ segments: [], steps: [] } satisfies Chain]) {
        chains.push({
          segments: [...parent.segments, mount.segment, ...own],
          steps: [...parent.steps, mount.step],
          ...(parent.creation ? { creation: parent.creation } : {}),
          anchor: parent.anchor ?? rootSite,
          ...(parent.unseen ? { unseen: parent.unseen } : {}),
        });
      }
    }
    if (chains.length > 0) return chains;
    // Handed in by a caller we cannot see (a loader calling each module with the app or a router): unknown.
    if (parameter) {
      const what = `the parameter of ${parameter.fn ?? 'a function'}, called from no code add can read`;
      return [{ segments: [], steps: [], unseen: { file, line: parameter.line, name, what } }];
    }

    // `const api = app.basePath('/api')`: the same routes as `app`, under a prefix.
    const baseName = n.Identifier.check(created?.base) ? created.base.name : undefined;
    if (baseName) {
      return this.upward(file, baseName, declaration!.node, seen).map((parent) => ({
        ...parent,
        segments: [...parent.segments, ...own],
        anchor: parent.anchor ?? {
          file,
          start: startOf(at),
          line: lineOf(at),
          appName: parent.creation?.appName ?? baseName,
          mode: 'before',
        },
      }));
    }
    // A root app, or a router or sub-app mounted nowhere we can see.
    if (!created?.creation) return [];
    const root = this.isRootApp(file, name, created.created);
    const what = routerKind(created.created);
    return [
      {
        segments: own,
        steps: [],
        ...(root ? {} : { unseen: { file, line: lineOf(declaration!.node), name, what } }),
        ...(own.length > 0
          ? {
              creation: {
                file,
                start: startOf(declaration!.node),
                line: lineOf(declaration!.node),
                appName: name,
                mode: 'creation' as const,
              },
            }
          : {}),
      },
    ];
  }

  /**
   * Whether the app or router `name`, created by `created` in `file` and mounted nowhere we can see, is the one
   * the server serves. An Express router (`express.Router()`, `Router()`) never is. A Hono app (the same
   * `new Hono()` for the root and for sub-apps) is when it is served (`serve(app)`, `app.fetch`, `app.request` in
   * tests), when it is the default export of a module that no other module imports (a Workers or Bun entry), or
   * when it is re-exported as default elsewhere (`export default app`); it is a sub-app when another module
   * imports it without serving it, or when its own module serves or exports another app. Any other creation
   * (`express()`, `createMcpExpressApp()`, a factory of the project's) is taken as the root, as written.
   */
  private isRootApp(file: string, name: string, created: Node | undefined): boolean {
    const factory = factoryName(created);
    if (factory === 'Router') return false;
    if (!(n.NewExpression.check(created) && factory === 'Hono')) return true;

    const target: Target = { file, name, called: false };
    const exporters = this.exportersOf(target);
    let served = false;
    let importedElsewhere = false;
    let servesAnother = false;
    for (const [other, ast] of this.files) {
      const refers = this.referencesIn(other, target, exporters);
      if (!refers) continue;
      walk(ast, (node, parents) => {
        const use = servingUse(node, parents.at(-1));
        if (use && refers(use.value)) served ||= use.how === 'serve' || other !== file;
        else if (use && !use.called && other === file && n.Identifier.check(use.value)) servesAnother = true;
        if (other !== file && n.Identifier.check(node) && refers(node)) importedElsewhere = true;
      });
    }
    // Not served, and not handed to anything: the app of a single-module server (or a Workers/Bun default export).
    return served || !(importedElsewhere || servesAnother);
  }

  /** Every `parent.use(prefix?, …, target)` and `parent.route(prefix, target)` in the project. */
  private mountsOf(target: Target, seen: ReadonlySet<string>): Mount[] {
    const mounts: Mount[] = [];
    const exporters = this.exportersOf(target);
    for (const [file, ast] of this.files) {
      const refers = this.referencesIn(file, target, exporters);
      if (!refers) continue;
      walk(ast, (node) => {
        if (!n.ExpressionStatement.check(node)) return;
        for (const { parent, call } of chainCalls(node.expression)) {
          const method = memberPropertyName(call.callee);
          const args = call.arguments;
          const step = { file, line: lineOf(node), code: codeOf(node) };
          let segment: Segment | undefined;
          if (method === 'route' && args.length === 2 && refers(unwrapExpression(args[1])))
            segment = segmentOf(args[0], ast, step) ?? { nonLiteral: codeOf(args[0]), step };
          else if (method === 'use' && args.some((arg) => refers(unwrapExpression(arg))))
            segment = (refers(unwrapExpression(args[0])) ? undefined : segmentOf(args[0], ast, step)) ?? {
              literal: '',
            };
          if (!segment || seen.has(`${file}\0${parent}`)) continue;
          mounts.push({ file, parent, statement: node, step, segment });
        }
      });
    }
    return mounts;
  }

  /**
   * The route is registered on a parameter of the named function `fn` (`export function registerMcp(app) {
   * app.post('/mcp', …) }`): each call that passes an app or router there (`registerMcp(api)`) counts as a mount
   * without a prefix.
   */
  private callersPassing(file: string, fn: string, index: number, seen: ReadonlySet<string>): Mount[] {
    const target: Target = { file, name: fn, called: false };
    const exporters = this.exportersOf(target);
    const mounts: Mount[] = [];
    for (const [caller, ast] of this.files) {
      const refers = this.referencesIn(caller, target, exporters);
      if (!refers) continue;
      walk(ast, (node) => {
        if (!n.ExpressionStatement.check(node)) return;
        const call = unwrapExpression(node.expression);
        const argument = isCall(call) && refers(unwrapExpression(call.callee)) ? call.arguments[index] : undefined;
        if (!n.Identifier.check(argument) || seen.has(`${caller}\0${argument.name}`)) return;
        const step = { file: caller, line: lineOf(node), code: codeOf(node) };
        mounts.push({ file: caller, parent: argument.name, statement: node, step, segment: { literal: '' } });
      });
    }
    return mounts;
  }

  /** A test for expressions in `file` that evaluate to the target, or undefined when `file` cannot name it. */
  private referencesIn(
    file: string,
    target: Target,
    exporters: ReadonlyMap<string, ReadonlySet<string>>,
  ): ((node: unknown) => boolean) | undefined {
    const names = new Set<string>();
    /** Namespace imports and whole-module requires, with the names the target has in that module. */
    const namespaces = new Map<string, ReadonlySet<string>>();
    if (target.file === file) names.add(target.name);
    for (const [local, binding] of this.bindingsOf(file)) {
      const exported = exporters.get(this.resolve(file, binding.source) ?? '');
      if (!exported) continue;
      if (binding.imported === '*' && !exported.has('*')) namespaces.set(local, exported);
      else if (exported.has(binding.imported) || (binding.imported === 'default' && exported.has('*')))
        names.add(local);
    }
    const required = (node: unknown) =>
      isCall(node) && n.Identifier.check(node.callee) && node.callee.name === 'require'
        ? exporters.get(this.resolve(file, requiredModule(node) ?? '') ?? '')
        : undefined;
    const value = (node: unknown): boolean => {
      if (n.Identifier.check(node)) return names.has(node.name);
      const whole = required(node);
      if (whole) return whole.has('*') || whole.has('default');
      const member = memberPropertyName(node);
      if (member === undefined) return false;
      const object = unwrapExpression((node as { object: unknown }).object);
      const exported = (n.Identifier.check(object) ? namespaces.get(object.name) : undefined) ?? required(object);
      return exported?.has(member) === true;
    };
    if (names.size === 0 && namespaces.size === 0 && !this.requiresAny(file, exporters)) return undefined;
    return (node) => (target.called ? isCall(node) && value(unwrapExpression(node.callee)) : value(node));
  }

  /** Whether `file` mentions `require(…)` of one of the modules (an inline `app.use('/api', require('./x'))`). */
  private requiresAny(file: string, exporters: ReadonlyMap<string, ReadonlySet<string>>): boolean {
    let found = false;
    walk(this.files.get(file)!, (node) => {
      if (found) return false;
      const source = requiredModule(node);
      if (source !== undefined && isCall(node) && exporters.has(this.resolve(file, source) ?? '')) found = true;
      return undefined;
    });
    return found;
  }

  /**
   * The modules that export the target, with the names it has there: its own module, and barrels that re-export
   * it (`export { mcpRouter } from './mcp.js'`, `export * from './mcp.js'`, `export { default as mcp } from …`).
   */
  private exportersOf(target: Target): Map<string, Set<string>> {
    const exporters = new Map([[target.file, this.exportsOf(target.file, target.name)]]);
    for (let grew = true; grew;) {
      grew = false;
      for (const [file, ast] of this.files) {
        for (const statement of ast.program.body) {
          const from =
            (n.ExportNamedDeclaration.check(statement) || n.ExportAllDeclaration.check(statement)) && statement.source
              ? exporters.get(this.resolve(file, String(statement.source.value)) ?? '')
              : undefined;
          if (!from) continue;
          const names = exporters.get(file) ?? new Set<string>();
          const before = names.size;
          if (n.ExportAllDeclaration.check(statement) && !statement.exported)
            for (const name of from) if (name !== 'default' && name !== '*') names.add(name);
          for (const specifier of n.ExportNamedDeclaration.check(statement) ? (statement.specifiers ?? []) : []) {
            if (n.ExportSpecifier.check(specifier) && from.has(String(specifier.local?.name)))
              names.add(String(specifier.exported.name));
          }
          if (names.size > before) {
            exporters.set(file, names);
            grew = true;
          }
        }
      }
    }
    return exporters;
  }

  /** The names `file` exports `local` under: `default`, `*` (the whole `module.exports`) or a name. */
  private exportsOf(file: string, local: string): Set<string> {
    const names = new Set<string>();
    const ast = this.files.get(file);
    if (!ast) return names;
    for (const statement of ast.program.body) {
      if (n.ExportNamedDeclaration.check(statement)) {
        const declared = statement.declaration;
        if (n.VariableDeclaration.check(declared)) {
          for (const declarator of declared.declarations)
            if (n.VariableDeclarator.check(declarator) && n.Identifier.check(declarator.id))
              if (declarator.id.name === local) names.add(local);
        }
        if (n.FunctionDeclaration.check(declared) && declared.id?.name === local) names.add(local);
        for (const specifier of statement.specifiers ?? []) {
          if (!statement.source && n.ExportSpecifier.check(specifier) && specifier.local?.name === local)
            names.add(String(specifier.exported.name));
        }
      }
      if (n.ExportDefaultDeclaration.check(statement)) {
        const declared = statement.declaration as unknown;
        if (n.Identifier.check(declared) && declared.name === local) names.add('default');
        if (n.FunctionDeclaration.check(declared) && declared.id?.name === local) names.add('default');
      }
      if (n.ExpressionStatement.check(statement) && n.AssignmentExpression.check(statement.expression)) {
        const { left, right } = statement.expression;
        const value = unwrapExpression(right);
        const target = exportTarget(left);
        if (target === '*' && n.Identifier.check(value) && value.name === local) names.add('*');
        else if (target === '*' && n.ObjectExpression.check(value)) {
          for (const property of value.properties) {
            const key = propertyKey(property);
            const inner = (property as { value?: unknown }).value;
            if (key !== undefined && n.Identifier.check(inner) && inner.name === local) names.add(key);
          }
        } else if (target && target !== '*' && n.Identifier.check(value) && value.name === local) names.add(target);
      }
    }
    return names;
  }

  /** The local name `file` exports as `exported`, when it is a plain name. */
  private localOfExport(file: string, exported: string): string | undefined {
    const ast = this.files.get(file)!;
    const locals = new Set<string>();
    walk(ast.program, (node) => {
      if (n.VariableDeclarator.check(node) && n.Identifier.check(node.id)) locals.add(node.id.name);
      if (n.FunctionDeclaration.check(node) && node.id) locals.add(String(node.id.name));
    });
    return [...locals].find((local) => {
      const names = this.exportsOf(file, local);
      return names.has(exported) || (exported === '*' && names.has('default'));
    });
  }

  private bindingsOf(file: string): ReturnType<typeof moduleBindings> {
    let bindings = this.bindings.get(file);
    if (!bindings) {
      bindings = moduleBindings(this.files.get(file)!);
      this.bindings.set(file, bindings);
    }
    return bindings;
  }

  private resolve(from: string, specifier: string): string | undefined {
    return resolveSpecifier(from, specifier, this.files);
  }
}

interface Mount {
  file: string;
  /** The app or router it is mounted on, as named in `file`. */
  parent: string;
  statement: Node;
  step: MountStep;
  segment: Segment;
}

/** `./routes/mcp.js` from `src/app.ts` → `src/routes/mcp.ts` (TypeScript's and Node's rules for relative paths). */
export function resolveSpecifier(
  from: string,
  specifier: string,
  files: ReadonlyMap<string, unknown>,
): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  const swapped: Record<string, string[]> = { '.js': ['.ts', '.tsx'], '.mjs': ['.mts'], '.cjs': ['.cts'] };
  const extension = path.posix.extname(base);
  const stem = base.slice(0, base.length - extension.length);
  const candidates = [
    base,
    ...(swapped[extension] ?? []).map((replacement) => `${stem}${replacement}`),
    ...['.ts', '.tsx', '.js', '.mjs', '.cjs', '.mts', '.cts'].flatMap((ext) => [
      `${base}${ext}`,
      `${base}/index${ext}`,
    ]),
  ];
  return candidates.find((candidate) => files.has(candidate));
}

/** `module.exports` → '*', `module.exports.x` / `exports.x` → 'x'. */
function exportTarget(left: unknown): string | undefined {
  const isModuleExports = (node: unknown) =>
    memberPropertyName(node) === 'exports' &&
    n.Identifier.check((node as { object: unknown }).object) &&
    (node as { object: { name: string } }).object.name === 'module';
  if (isModuleExports(left)) return '*';
  const member = memberPropertyName(left);
  if (member === undefined) return undefined;
  const object = (left as { object: unknown }).object;
  if (isModuleExports(object) || (n.Identifier.check(object) && object.name === 'exports')) return member;
  return undefined;
}

function propertyKey(property: unknown): string | undefined {
  if (!n.ObjectProperty.check(property) && !n.Property.check(property)) return undefined;
  return n.Identifier.check(property.key) ? property.key.name : stringValue(property.key);
}

/** `a.b(…).c(…)` as a statement: each call with the name of the object at its root. */
function chainCalls(expression: unknown): { parent: string; call: NonNullable<ReturnType<typeof asCall>> }[] {
  const calls: NonNullable<ReturnType<typeof asCall>>[] = [];
  let current = unwrapExpression(expression);
  for (let call = asCall(current); call; call = asCall(current)) {
    calls.push(call);
    current = unwrapExpression((call.callee as { object: unknown }).object);
  }
  return n.Identifier.check(current) ? calls.map((call) => ({ parent: current.name, call })) : [];
}

/** `Router` for `express.Router()`, `Hono` for `new Hono()`. */
function factoryName(created: Node | undefined): string | undefined {
  const callee = unwrapExpression((created as { callee?: unknown } | undefined)?.callee);
  return n.Identifier.check(callee) ? callee.name : memberPropertyName(callee);
}

function routerKind(created: Node | undefined): string {
  return factoryName(created) === 'Router' ? 'an Express router' : 'a Hono sub-app';
}

/**
 * Functions that serve a Hono app given as first argument: `@hono/node-server`'s `serve` and `getRequestListener`
 * (`createAdaptorServer`), the platform adapters' `handle` (Vercel, AWS Lambda, Cloudflare Pages, Netlify),
 * `fire` (service worker), and `testClient` (hono/testing).
 */
const SERVERS = new Set(['serve', 'getRequestListener', 'createAdaptorServer', 'handle', 'fire', 'testClient']);

/**
 * A place where an app is handed to whatever serves it: `serve(app)`, `handle(app)`, `{ fetch: app.fetch }`,
 * `app.fetch(…)`, `app.request(…)` in tests (`serve`; `called` for the calls, which an MCP handler's
 * `mcp.fetch(req)` looks like too), or `export default app`, `module.exports = app` (`export`).
 */
function servingUse(
  node: unknown,
  parent: unknown,
): { how: 'serve' | 'export'; value: unknown; called?: boolean } | undefined {
  const member = memberPropertyName(node);
  if (member === 'fetch' || member === 'request') {
    const called = isCall(parent) && parent.callee === node;
    return { how: 'serve', value: unwrapExpression((node as { object: unknown }).object), called };
  }
  if (isCall(node)) {
    const callee = unwrapExpression(node.callee);
    const name = n.Identifier.check(callee) ? callee.name : memberPropertyName(callee);
    const [first] = node.arguments;
    if (name !== undefined && SERVERS.has(name) && first !== undefined)
      return { how: 'serve', value: unwrapExpression(first) };
  }
  if (n.ExportDefaultDeclaration.check(node))
    return { how: 'export', value: unwrapExpression(node.declaration as unknown) };
  if (n.AssignmentExpression.check(node) && exportTarget(node.left) === '*')
    return { how: 'export', value: unwrapExpression(node.right) };
  return undefined;
}

function asCall(node: unknown) {
  return isCall(node) && n.MemberExpression.check(node.callee) ? node : undefined;
}

/**
 * The declaration of `name` visible at `at`: the declarator in the innermost function around `at` that declares it,
 * else the module's. When that function returns `name` and has a name, it is a factory.
 */
function declarationOf(ast: File, name: string, at: Node): Declaration | undefined {
  let best: { declaration: Declaration; depth: number } | undefined;
  walk(ast, (node, parents) => {
    if (!n.VariableDeclarator.check(node) || !n.Identifier.check(node.id) || node.id.name !== name) return;
    const functions = parents.filter((parent) => isFunction(parent));
    const enclosing = functions.at(-1);
    if (enclosing && !contains(enclosing, at) && !returns(enclosing, name)) return;
    if (best && best.depth > functions.length) return;
    const factory = enclosing && returns(enclosing, name) ? functionName(enclosing, parents) : undefined;
    best = {
      depth: functions.length,
      declaration: { init: node.init, node, ...(factory ? { factory } : {}) },
    };
  });
  return best?.declaration;
}

/** The function around `at` that takes `name` as a parameter: its name (when it has one), the index, its line. */
function parameterOf(ast: File, name: string, at: Node): { fn?: string; index: number; line: number } | undefined {
  let found: { fn?: string; index: number; line: number } | undefined;
  walk(ast, (node, parents) => {
    if (!isFunction(node) || !contains(node, at)) return undefined;
    const index = node.params.findIndex((param) => n.Identifier.check(param) && param.name === name);
    const fn = index >= 0 ? functionName(node, parents) : undefined;
    // The innermost function declaring it wins: walk goes outside in.
    if (index >= 0) found = { ...(fn ? { fn } : {}), index, line: lineOf(node) };
    return undefined;
  });
  return found;
}

function contains(outer: Node, inner: Node): boolean {
  const range = (node: Node) => [startOf(node), (node as { end?: number }).end ?? -1] as const;
  const [start, end] = range(outer);
  const [innerStart] = range(inner);
  return innerStart >= start && innerStart < end;
}

function returns(fn: Node, name: string): boolean {
  let found = false;
  walk((fn as unknown as { body: unknown }).body, (node) => {
    if (found) return false;
    if (node !== fn && isFunction(node)) return false;
    const argument = n.ReturnStatement.check(node) ? unwrapExpression(node.argument) : undefined;
    if (n.Identifier.check(argument) && argument.name === name) found = true;
    return undefined;
  });
  const body = unwrapExpression((fn as unknown as { body: unknown }).body);
  return found || (n.Identifier.check(body) && body.name === name);
}

function functionName(fn: Node, parents: readonly Node[]): string | undefined {
  if (n.FunctionDeclaration.check(fn) && fn.id) return String(fn.id.name);
  const index = parents.indexOf(fn);
  const holder = parents[index - 1];
  return n.VariableDeclarator.check(holder) && n.Identifier.check(holder.id) ? holder.id.name : undefined;
}

/**
 * `new Hono().basePath('/api')`, `express.Router()`, `app.basePath('/v1')`: what the value is built on (a creation
 * call, or another app's name) and the basePath arguments, innermost first. Other calls in the chain (`use`,
 * `route`…) return the same app and are skipped.
 */
function decompose(
  init: unknown,
): { creation: boolean; created?: Node; base?: Node; basePaths: unknown[] } | undefined {
  const basePaths: unknown[] = [];
  let current = unwrapExpression(init);
  for (;;) {
    const method = isCall(current) ? memberPropertyName(current.callee) : undefined;
    if (
      isCall(current) &&
      n.MemberExpression.check(current.callee) &&
      (isChained(current.callee) || method === 'basePath')
    ) {
      if (method === 'basePath') basePaths.unshift(current.arguments[0]);
      current = unwrapExpression(current.callee.object);
    } else break;
  }
  if (n.Identifier.check(current)) return { creation: false, base: current, basePaths };
  if (n.NewExpression.check(current) || isCall(current)) return { creation: true, created: current, basePaths };
  return undefined;
}

/** A method call on an app, as opposed to `express.Router()` (a factory reached through its module). */
function isChained(callee: Node): boolean {
  const object = unwrapExpression((callee as unknown as { object: unknown }).object);
  return isCall(object) || n.NewExpression.check(object);
}

/**
 * A mount's path argument: a literal or a `const` holding one; reported when it is a path we cannot read (a
 * variable, an env lookup, a template with expressions, several paths); undefined when it is not a path at all
 * (Express's `app.use(cors(), router)` takes middleware first).
 */
function segmentOf(node: unknown, ast: File, step: MountStep): Segment | undefined {
  const value = unwrapExpression(node);
  const literal = stringValue(value);
  if (literal !== undefined) return { literal };
  const reported = { nonLiteral: codeOf(value), step };
  if (n.Identifier.check(value)) {
    const declared = topLevelConst(ast, value.name);
    if (declared !== undefined) {
      const constant = stringValue(unwrapExpression(declared));
      if (constant !== undefined) return { literal: constant };
      return looksLikePath(unwrapExpression(declared)) ? reported : undefined;
    }
    return /prefix|path|base|mount|route|url/i.test(value.name) ? reported : undefined;
  }
  return looksLikePath(value) ? reported : undefined;
}

/** An expression that computes a path: a template, a concatenation, a fallback, an env lookup, a list of paths. */
function looksLikePath(value: unknown): boolean {
  return (
    n.TemplateLiteral.check(value) ||
    n.BinaryExpression.check(value) ||
    n.LogicalExpression.check(value) ||
    n.ConditionalExpression.check(value) ||
    n.ArrayExpression.check(value) ||
    n.RegExpLiteral.check(value) ||
    (n.MemberExpression.check(value) && /\benv\b/.test(codeOf(value)))
  );
}

/** The initializer of `const name = …` at the top level of the module. */
function topLevelConst(ast: File, name: string): unknown {
  for (const statement of ast.program.body) {
    const declaration = n.ExportNamedDeclaration.check(statement) ? statement.declaration : statement;
    if (!n.VariableDeclaration.check(declaration) || declaration.kind !== 'const') continue;
    for (const declarator of declaration.declarations) {
      if (n.VariableDeclarator.check(declarator) && n.Identifier.check(declarator.id) && declarator.id.name === name)
        return declarator.init ?? undefined;
    }
  }
  return undefined;
}

function startOf(node: unknown): number {
  return (node as { start?: number }).start ?? -1;
}
