// Bundle src/cli.ts into dist/ as ESM for Node 20, with code splitting so lazily imported modules
// (prompts, planner, installer, subcommands) become chunks that load only when used.
// Every dependency is bundled: the published package has no runtime dependencies. Templates are precompiled
// into the planner chunk, and a few plugins keep start-up lean (see each one below; `npm run bench:cli`
// measures the result).
//
// Files are written to a temporary name and renamed into place, and only stale files are removed
// afterwards, so a CLI started from dist/ while another build runs (parallel test files) never
// sees a half-written or missing chunk.
import { build } from 'esbuild';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire, isBuiltin } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = path.join(root, 'dist');

const result = await build({
  absWorkingDir: root,
  entryPoints: { cli: 'src/cli.ts' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  minify: true,
  legalComments: 'none',
  // Chunks sit next to cli.js so `new URL('../templates/', import.meta.url)` means the same in every file.
  chunkNames: '[name]-[hash]',
  plugins: [
    precompiledTemplates(),
    handlebarsWithoutRequireExtensions(),
    builtinRequiresWithoutCreateRequire(),
    withoutEsprima(),
    babelParserWithoutUnusedSyntaxPlugins(),
  ],
  metafile: true,
  write: false,
  logLevel: 'warning',
});

// Every require() must have been resolved at build time (see builtinRequiresWithoutCreateRequire): an ESM
// chunk has no `require`, so esbuild's dynamic-require fallback would throw at run time.
for (const file of result.outputFiles) {
  if (file.text.includes('Dynamic require of')) {
    throw new Error(
      `${path.relative(root, file.path)} contains a require() esbuild ` +
        `could not resolve; map it in builtinRequiresWithoutCreateRequire`,
    );
  }
}

const written = new Set();
for (const file of result.outputFiles) {
  await mkdir(path.dirname(file.path), { recursive: true });
  const temporary = `${file.path}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temporary, file.contents);
  await rename(temporary, file.path);
  written.add(file.path);
}
await removeStale(outdir, written);

// The module graph, for the test that checks `--help` does not load heavy dependencies.
await mkdir(path.join(root, '.tmp'), { recursive: true });
const metafilePath = path.join(root, '.tmp', `build-meta.json`);
const temporaryMeta = `${metafilePath}.${randomBytes(4).toString('hex')}.tmp`;
await writeFile(temporaryMeta, JSON.stringify(result.metafile));
await rename(temporaryMeta, metafilePath);

/**
 * Replace src/plan/template-specs.ts (which compiles templates at run time, for tests and `tsx`) with a
 * module holding every `.hbs` file under templates/ precompiled now, with the options that module uses.
 * A scaffold then compiles nothing (compiling was about half its cost beyond Node's start-up) and the bundle carries
 * only the Handlebars runtime, not its parser and compiler.
 *
 * templates/ remains the source of truth and still ships: the CLI reads it at run time, and the built
 * module renders a template only if the source it is handed hashes to the one compiled here. A template
 * edited after the build is refused with a request to rebuild, never rendered from a stale copy.
 */
function precompiledTemplates() {
  const templatesDir = path.join(root, 'templates');
  const specsModule = path.join(root, 'src', 'plan', 'template-specs.ts');
  const EARLIER = 'create-mcp-oauth:earlier-template-specs';
  /** `[key, spec]` entries of a Map keyed by template name and source hash, one per distinct source. */
  const entriesOf = (sources, options, skip = new Set()) => {
    const entries = [];
    for (const [name, source] of sources) {
      const key = `${name}\0${createHash('sha256').update(source).digest('hex')}`;
      if (skip.has(key)) continue;
      skip.add(key);
      entries.push(`[${JSON.stringify(key)}, ${Handlebars.precompile(source, structuredClone(options))}]`);
    }
    return entries;
  };
  const Handlebars = createRequire(import.meta.url)('handlebars/dist/cjs/handlebars.js');
  let compiled;
  /** Current templates, and earlier versions' (templates/history/<version>.json, which only `upgrade` renders). */
  const compileAll = async () => {
    const options = JSON.parse(await readFile(path.join(root, 'src', 'plan', 'compile-options.json'), 'utf8'));
    const names = (await readdir(templatesDir, { recursive: true })).map((name) => name.split(path.sep).join('/'));
    const current = [];
    for (const name of names.filter((candidate) => candidate.endsWith('.hbs')).sort()) {
      if (!name.startsWith('history/')) current.push([name, await readFile(path.join(templatesDir, name), 'utf8')]);
    }
    const earlier = [];
    for (const name of names.filter((candidate) => /^history\/[^/]+\.json$/.test(candidate)).sort()) {
      const history = JSON.parse(await readFile(path.join(templatesDir, name), 'utf8'));
      for (const [templateName, source] of Object.entries(history.templates)) {
        if (templateName.endsWith('.hbs') && typeof source === 'string') earlier.push([templateName, source]);
      }
    }
    const seen = new Set();
    return { current: entriesOf(current, options, seen), earlier: entriesOf(earlier, options, seen) };
  };
  return {
    name: 'precompiled-templates',
    setup(pluginBuild) {
      pluginBuild.onStart(() => {
        compiled = compileAll();
      });
      pluginBuild.onResolve({ filter: new RegExp(`^${EARLIER}$`) }, () => ({
        path: 'earlier-template-specs',
        namespace: EARLIER,
      }));
      pluginBuild.onLoad({ filter: /.*/, namespace: EARLIER }, async () => ({
        contents: `export const EARLIER = new Map([\n${(await compiled).earlier.join(',\n')}\n]);`,
        loader: 'js',
      }));
      pluginBuild.onLoad({ filter: /[\\/]src[\\/]plan[\\/]template-specs\.ts$/ }, async (args) => {
        if (path.resolve(args.path) !== specsModule) return undefined;
        const contents = `
import { createHash } from 'node:crypto';
const CURRENT = new Map([
${(await compiled).current.join(',\n')}
]);
// Earlier versions' templates are a chunk of their own, loaded by \`upgrade\` alone: a scaffold never pays for them.
let earlier = new Map();
export async function loadEarlierTemplateSpecs() {
  ({ EARLIER: earlier } = await import(${JSON.stringify(EARLIER)}));
}
export function templateSpec(templateName, source) {
  const key = templateName + '\\0' + createHash('sha256').update(source).digest('hex');
  const spec = CURRENT.get(key) ?? earlier.get(key);
  if (spec !== undefined) return spec;
  if ([...CURRENT.keys(), ...earlier.keys()].some((known) => known.startsWith(templateName + '\\0'))) {
    throw new Error('it changed after this build of create-mcp-oauth was made; run \`npm run build\`');
  }
  throw new Error('it was not precompiled into this build of create-mcp-oauth; run \`npm run build\`');
}
`;
        return { contents, loader: 'js', resolveDir: path.dirname(specsModule) };
      });
    },
  };
}

/**
 * Bundled CommonJS (commander, cross-spawn, recast…) calls require() for Node built-ins, which an ESM chunk
 * does not have. Instead of a `createRequire(import.meta.url)` banner in every chunk (creating the first one
 * initialises Node's CommonJS loader, a few milliseconds of every start, `--help` included), each such
 * require() becomes a tiny module returning `process.getBuiltinModule(id)` (Node >= 20.16): the very same
 * object, with no loader involved.
 *
 * commander's `child_process` is resolved on first use rather than at load: commander requires it at
 * start-up but calls it only for executable subcommands, which this CLI does not have, so `--help` never
 * loads it. (Only property reads are forwarded, which is all commander does with it.)
 */
function builtinRequiresWithoutCreateRequire() {
  const lazyFor = (args) =>
    /[\\/]node_modules[\\/]commander[\\/]/.test(args.importer) && /^(node:)?child_process$/.test(args.path);
  return {
    name: 'builtin-requires',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /^[a-z_/:]+$/ }, (args) => {
        if (args.kind !== 'require-call' || !isBuiltin(args.path)) return undefined;
        const id = args.path.startsWith('node:') ? args.path : `node:${args.path}`;
        return { path: id, namespace: lazyFor(args) ? 'builtin-require-lazy' : 'builtin-require' };
      });
      pluginBuild.onLoad({ filter: /.*/, namespace: 'builtin-require' }, (args) => ({
        contents: `module.exports = process.getBuiltinModule(${JSON.stringify(args.path)});`,
        loader: 'js',
      }));
      pluginBuild.onLoad({ filter: /.*/, namespace: 'builtin-require-lazy' }, (args) => ({
        contents:
          `let real; module.exports = new Proxy({}, { get: (_, key) => (real ` +
          `??= process.getBuiltinModule(${JSON.stringify(args.path)}))[key] });`,
        loader: 'js',
      }));
    },
  };
}

/**
 * recast names esprima as its default parser and as a fallback tokenizer, so a bundle carries all of it
 * (~140 KB, a fifth of the `add` chunk). `add` never uses either: it always passes Babel's parser, asking it
 * for tokens (src/add/ast.ts). Ship a stub that says so instead, should that ever change.
 */
function withoutEsprima() {
  return {
    name: 'without-esprima',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /^esprima$/ }, () => ({ path: 'esprima', namespace: 'esprima-stub' }));
      pluginBuild.onLoad({ filter: /.*/, namespace: 'esprima-stub' }, () => ({
        contents:
          `const unavailable = () => { throw new Error('esprima is not bundled: pass recast a parser that ` +
          `returns tokens (see src/add/ast.ts)'); };
module.exports = { parse: unavailable, tokenize: unavailable };`,
        loader: 'js',
      }));
    },
  };
}

/**
 * Babel's parser carries six syntax plugins in one file; `add` enables only `typescript` and `jsx`
 * (src/add/ast.ts). Flow, ESTree output, placeholders and V8 intrinsics are a quarter of the parser (about 70 KB
 * of the `add` chunk): cut them out at build time, each replaced by a stub that throws if it is ever enabled.
 * The cut is between named anchors and is refused if an anchor is missing or if anything left behind still
 * refers to a name declared in the cut, so a new @babel/parser release fails the build instead of the CLI.
 */
function babelParserWithoutUnusedSyntaxPlugins() {
  const cuts = [
    { plugin: 'estree', from: 'function toESTreeLocation(node) {', to: 'class TokContext {' },
    { plugin: 'flow', from: 'class FlowScope extends Scope {', to: 'const entities = {' },
    { plugin: 'placeholders', from: 'const PlaceholderErrors = ', to: 'var v8intrinsic = ' },
    { plugin: 'v8intrinsic', from: 'var v8intrinsic = ', to: 'const PIPELINE_PROPOSALS = ' },
  ];
  const declared = (code) =>
    [...code.matchAll(/^(?:var|let|const|class|function)\s+([A-Za-z_$][\w$]*)/gm)].map((match) => match[1]);
  return {
    name: 'babel-parser-without-unused-syntax-plugins',
    setup(pluginBuild) {
      pluginBuild.onLoad({ filter: /[\\/]@babel[\\/]parser[\\/]lib[\\/]index\.js$/ }, async (args) => {
        let code = await readFile(args.path, 'utf8');
        const removed = [];
        for (const { plugin, from, to } of cuts) {
          const start = code.indexOf(from);
          const end = code.indexOf(to, start);
          if (start < 0 || end < 0) {
            throw new Error(
              `@babel/parser changed: cannot find the ${plugin} plugin; update ${path.basename(import.meta.url)}`,
            );
          }
          removed.push(...declared(code.slice(start, end)).filter((name) => name !== plugin));
          const stub = `var ${plugin} = () => { throw new Error('the ${plugin} syntax plugin is not bundled'); };\n`;
          code = code.slice(0, start) + stub + code.slice(end);
        }
        const stillUsed = removed.filter((name) =>
          new RegExp(`(?<![\\w$.])${name.replace(/\$/g, '\\$')}(?![\\w$])`).test(code),
        );
        if (stillUsed.length > 0) {
          throw new Error(
            `@babel/parser changed: the cut-out plugins' ${stillUsed.join(', ')} are still used elsewhere`,
          );
        }
        return { contents: code, loader: 'js' };
      });
    },
  };
}

/**
 * handlebars' main entry (lib/index.js) touches `require.extensions`, which esbuild warns about and
 * which a bundle cannot honour; its prebuilt CJS build does not. Map the bare specifier (exactly:
 * `handlebars/...` subpaths resolve normally) to that build.
 */
function handlebarsWithoutRequireExtensions() {
  return {
    name: 'handlebars-prebuilt',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /^handlebars$/ }, (args) =>
        pluginBuild.resolve('handlebars/dist/cjs/handlebars.js', { kind: args.kind, resolveDir: args.resolveDir }),
      );
    },
  };
}

async function removeStale(dir, keep) {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) await removeStale(full, keep);
    else if (!keep.has(full) && !entry.name.endsWith('.tmp')) await rm(full, { force: true });
  }
}
