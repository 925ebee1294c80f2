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
import { brotliCompressSync, constants as zlibConstants } from 'node:zlib';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = path.join(root, 'dist');
/** The templates, compressed (see embeddedTemplates). */
const ARCHIVE_NAME = 'templates.br';
/** The archive's bytes, made while esbuild bundles. */
let archive;

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
    embeddedTemplates(),
    handlebarsWithoutRequireExtensions(),
    builtinRequiresWithoutCreateRequire(),
    unusedModuleStubs(),
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
const outputs = [
  ...result.outputFiles.map((file) => ({ path: file.path, contents: file.contents })),
  { path: path.join(outdir, ARCHIVE_NAME), contents: await archive },
];
for (const file of outputs) {
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
 * The templates, inside the package, as one compressed file: dist/templates.br. Two modules that read templates/
 * when running from source are swapped for ones that read it:
 *
 * - src/plan/template-files.ts: every file of templates/ as of this build, and the kept templates of earlier
 *   versions (templates/history/*.json, for `upgrade`). The package ships no templates/ folder and reads no file
 *   per template.
 * - src/plan/template-specs.ts: every `.hbs` template (current and earlier) precompiled now, with the options that
 *   module uses, so a run compiles no template (compiling was about half a scaffold's cost beyond Node's start-up)
 *   and the bundle carries only the Handlebars runtime, not its parser and compiler. A spec is the JavaScript the
 *   precompiler writes; it becomes a function when its template is first rendered, so a run evaluates only the
 *   specs it renders.
 *
 * Why one brotli file rather than JavaScript modules: an earlier version's template is mostly the current one, and
 * a spec repeats its template's text. npm's gzip finds repeats only within 32 KB, so it cannot share them between
 * files or across a large one; brotli, with a window as large as the whole set, can. The templates' share of the
 * package fell from 183 KB to 93 KB packed, for about 5 ms more to read them back (measured in the closing note of
 * the issue that made this change; `npm run bench:cli` prints both figures).
 *
 * templates/ remains the source of truth: this runs on every build, and specs are keyed by template name and
 * source hash, so a template is never rendered from a spec compiled for other text.
 */
function embeddedTemplates() {
  const templatesDir = path.join(root, 'templates');
  const modules = {
    files: path.join(root, 'src', 'plan', 'template-files.ts'),
    specs: path.join(root, 'src', 'plan', 'template-specs.ts'),
  };
  const VIRTUAL = 'embedded-templates';
  const Handlebars = createRequire(import.meta.url)('handlebars/dist/cjs/handlebars.js');

  /**
   * Every current template file, the kept history of earlier versions (each as its JSON text, parsed only by
   * `upgrade`), and every distinct `.hbs` source precompiled, keyed by name and source hash.
   */
  const archiveDocument = async () => {
    const options = JSON.parse(await readFile(path.join(root, 'src', 'plan', 'compile-options.json'), 'utf8'));
    const names = (await readdir(templatesDir, { recursive: true, withFileTypes: true }))
      .filter((entry) => entry.isFile())
      .map((entry) => path.relative(templatesDir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
      .sort();
    const files = [];
    const history = {};
    for (const name of names) {
      const text = await readFile(path.join(templatesDir, name), 'utf8');
      if (!name.startsWith('history/')) files.push([name, text]);
      else if (name.endsWith('.json')) history[path.basename(name, '.json')] = text;
    }
    const earlierSources = Object.values(history).flatMap((text) =>
      Object.entries(JSON.parse(text).templates).filter(([name, source]) => name.endsWith('.hbs') && source !== null),
    );
    const specs = {};
    for (const [name, source] of [...files.filter(([name]) => name.endsWith('.hbs')), ...earlierSources]) {
      specs[`${name}\0${createHash('sha256').update(source).digest('hex')}`] ??= Handlebars.precompile(
        source,
        structuredClone(options),
      );
    }
    return { files, history, specs };
  };

  const compressed = async () => {
    const text = Buffer.from(JSON.stringify(await archiveDocument()), 'utf8');
    return brotliCompressSync(text, {
      params: {
        [zlibConstants.BROTLI_PARAM_MODE]: zlibConstants.BROTLI_MODE_TEXT,
        [zlibConstants.BROTLI_PARAM_QUALITY]: zlibConstants.BROTLI_MAX_QUALITY,
        // A window that holds the whole document, so any repeat can be found.
        [zlibConstants.BROTLI_PARAM_LGWIN]: Math.min(24, Math.max(16, Math.ceil(Math.log2(text.length)))),
        [zlibConstants.BROTLI_PARAM_SIZE_HINT]: text.length,
      },
    });
  };

  const archiveModule = `
import { readFileSync } from 'node:fs';
import { brotliDecompressSync } from 'node:zlib';
let archive;
/** dist/${ARCHIVE_NAME}, read once (written by scripts/build.mjs). */
export function templateArchive() {
  if (archive === undefined) {
    const compressed = readFileSync(new URL('./${ARCHIVE_NAME}', import.meta.url));
    archive = JSON.parse(brotliDecompressSync(compressed).toString('utf8'));
  }
  return archive;
}
`;

  const swapped = {
    files: `
import { templateArchive } from '${VIRTUAL}:archive';
export const HISTORY_DIR = 'history';
export async function readTemplateFiles() {
  return new Map(templateArchive().files);
}
export async function readTemplateHistory(version) {
  const { history } = templateArchive();
  return Object.hasOwn(history, version) ? history[version] : undefined;
}
`,
    specs: `
import { createHash } from 'node:crypto';
import { templateArchive } from '${VIRTUAL}:archive';
const made = new Map();
// Earlier versions' specs are in the same archive: nothing more to load.
export async function loadEarlierTemplateSpecs() {}
export function templateSpec(templateName, source) {
  const key = templateName + '\\0' + createHash('sha256').update(source).digest('hex');
  let spec = made.get(key);
  if (spec === undefined) {
    const { specs } = templateArchive();
    if (!Object.hasOwn(specs, key)) {
      throw new Error('it was not precompiled into this build of create-mcp-oauth; run \`npm run build\`');
    }
    // The precompiler's output is an object literal of functions: evaluating it is what importing it would do.
    spec = new Function('return ' + specs[key] + ';')();
    made.set(key, spec);
  }
  return spec;
}
`,
  };

  return {
    name: 'embedded-templates',
    setup(pluginBuild) {
      pluginBuild.onStart(() => {
        archive = compressed();
      });
      pluginBuild.onResolve({ filter: new RegExp(`^${VIRTUAL}:`) }, (args) => ({
        path: args.path.slice(VIRTUAL.length + 1),
        namespace: VIRTUAL,
      }));
      pluginBuild.onLoad({ filter: /.*/, namespace: VIRTUAL }, () => ({ contents: archiveModule, loader: 'js' }));
      pluginBuild.onLoad({ filter: /[\\/]src[\\/]plan[\\/]template-(files|specs)\.ts$/ }, (args) => {
        const which = Object.keys(modules).find((key) => modules[key] === path.resolve(args.path));
        if (which === undefined) return undefined;
        return { contents: swapped[which], loader: 'js', resolveDir: path.dirname(modules[which]) };
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
 * Modules recast requires but `add` never reaches, replaced by stubs that throw if that ever changes:
 * - esprima (~140 KB, a fifth of the `add` chunk): recast's default parser and fallback tokenizer. `add` always
 *   passes Babel's parser and asks it for tokens (src/add/ast.ts).
 * - source-map (~27 KB): used only to write a source map, when `sourceMapName` or `inputSourceMap` is passed to
 *   recast, which `add` never does (it writes the user's files, not build output).
 */
function unusedModuleStubs() {
  const stub = (exportNames, why) =>
    `const unavailable = () => { throw new Error(${JSON.stringify(why)}); };\n` +
    `module.exports = { ${exportNames.map((name) => `${name}: unavailable`).join(', ')} };`;
  const stubs = {
    esprima: stub(
      ['parse', 'tokenize'],
      'esprima is not bundled: pass recast a parser that returns tokens (see src/add/ast.ts)',
    ),
    'source-map': stub(
      ['SourceMapConsumer', 'SourceMapGenerator'],
      'source-map is not bundled: recast was asked for a source map (see scripts/build.mjs)',
    ),
  };
  return {
    name: 'unused-module-stubs',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /^(esprima|source-map)$/ }, (args) => ({ path: args.path, namespace: 'stub' }));
      pluginBuild.onLoad({ filter: /.*/, namespace: 'stub' }, (args) => ({ contents: stubs[args.path], loader: 'js' }));
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
