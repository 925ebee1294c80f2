// Bundle src/cli.ts into dist/ for Node >= 20.19 with rolldown: CommonJS chunks, split so that each command loads
// only what it uses. Every dependency is bundled: the published package has no runtime dependencies. Templates
// travel as one compressed file beside the chunks, and a few plugins keep start-up lean (see each one below;
// `npm run bench:cli` measures the result).
//
// Why CommonJS output when the sources are ES modules: on Node 20 every ES module costs a start-up its own
// resolution, linking and asynchronous evaluation, and importing a built-in through ESM builds a facade over all
// of its exports (node:fs's touches the streams module). The same scaffold as about 20 ESM chunks took 1.82×
// `node -e 0`, as CommonJS chunks 1.51× (alternating runs; docs/development.md has the benchmark). Node 22+ keeps
// compiled CommonJS in its compile cache just as it does ESM; on Node 20 the compile-cache entry does it for the
// chunks (src/startup/compile-cache.ts).
//
// Why chunk groups: a bundler's default split gives every set of importers its own chunk, which here meant about
// 20 small files on the way to a scaffold. startupChunks() puts what `--help` loads in one chunk and what a
// scaffold adds in a second; the commands that need more (add, upgrade, doctor, prompts, execa) load their own.
//
// Files are written to a temporary name and renamed into place, and only stale files are removed
// afterwards, so a CLI started from dist/ while another build runs (parallel test files) never
// sees a half-written or missing chunk.
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync, constants as zlibConstants, createBrotliCompress } from 'node:zlib';
import { rolldown } from 'rolldown';
import { minifySync, parseSync } from 'rolldown/utils';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = path.join(root, 'dist');
/** The templates, compressed (see embeddedTemplates). */
const ARCHIVE_NAME = 'templates.br';
/** The archive (its bytes and where its first part ends), made while rolldown bundles. */
let archive;

const startup = startupChunks();
const bundle = await rolldown({
  cwd: root,
  // The bin loads compile-cache first on Node releases without a compile cache of their own (see that module).
  input: { cli: 'src/cli.ts', 'compile-cache': 'src/startup/compile-cache.ts' },
  platform: 'node',
  transform: { target: 'node20.19' },
  plugins: [
    embeddedTemplates(),
    handlebarsWithoutRequireExtensions(),
    commanderChildProcessOnDemand(),
    unusedModuleStubs(),
    babelParserWithoutUnusedSyntaxPlugins(),
    startup.plugin,
  ],
  onLog(level, log, defaultHandler) {
    // cli.ts imports the planner and writer lazily, and `add`/`upgrade` import them statically: rolldown notes
    // that the dynamic import cannot move them out of the shared graph, which startupChunks() handles.
    if (log.code === 'INEFFECTIVE_DYNAMIC_IMPORT') return;
    // Anything else (an import.meta left in CommonJS output, an unresolved import…) fails the build.
    if (level === 'warn') defaultHandler('error', log);
    else defaultHandler(level, log);
  },
});
const { output } = await bundle.generate({
  format: 'cjs',
  // NO_MINIFY=1 keeps names readable, for CPU profiles (`node --cpu-prof bin/create-mcp-oauth.cjs …`).
  minify: !process.env.NO_MINIFY,
  comments: { legal: false },
  // Chunks sit next to cli.cjs, with the templates archive: `__dirname` means the same in every chunk.
  entryFileNames: '[name].cjs',
  chunkFileNames: (chunk) => `${chunkName(chunk)}-[hash].cjs`,
  codeSplitting: { groups: startup.groups },
});
await bundle.close();

const chunks = output.filter((file) => file.type === 'chunk');
const written = new Set();
const outputs = [
  ...chunks.map((chunk) => ({ path: path.join(outdir, chunk.fileName), contents: chunk.code })),
  { path: path.join(outdir, ARCHIVE_NAME), contents: (await archive).bytes },
];
for (const file of outputs) {
  await mkdir(path.dirname(file.path), { recursive: true });
  const temporary = `${file.path}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temporary, file.contents);
  await rename(temporary, file.path);
  written.add(file.path);
}
await removeStale(outdir, written);

// The module graph, for the tests that check what each command loads (test/unit/cli-process.test.ts,
// test/unit/loaded-modules.test.ts): for each chunk, the chunks it requires at load ('import-statement') or on demand
// ('dynamic-import') and the source modules inside it.
const relative = (id) => (id.startsWith('\0') ? id : path.relative(root, id).split(path.sep).join('/'));
const chunkPath = (fileName) => `dist/${fileName}`;
const isChunk = (fileName) => chunks.some((chunk) => chunk.fileName === fileName);
const meta = {
  outputs: Object.fromEntries(
    chunks.map((chunk) => [
      chunkPath(chunk.fileName),
      {
        bytes: Buffer.byteLength(chunk.code),
        imports: [
          ...chunk.imports.filter(isChunk).map((fileName) => ({ path: chunkPath(fileName), kind: 'import-statement' })),
          ...chunk.dynamicImports
            .filter(isChunk)
            .map((fileName) => ({ path: chunkPath(fileName), kind: 'dynamic-import' })),
        ],
        inputs: Object.fromEntries(
          Object.entries(chunk.modules).map(([id, module]) => [relative(id), { bytesInOutput: module.renderedLength }]),
        ),
      },
    ]),
  ),
};
await mkdir(path.join(root, '.tmp'), { recursive: true });
const metafilePath = path.join(root, '.tmp', `build-meta.json`);
const temporaryMeta = `${metafilePath}.${randomBytes(4).toString('hex')}.tmp`;
await writeFile(temporaryMeta, JSON.stringify(meta));
await rename(temporaryMeta, metafilePath);

/**
 * Two chunk groups for the paths every user takes, computed from the module graph once it is complete:
 * - `core`: what src/cli.ts imports statically, all that `--help` (and any command's first step) loads;
 * - `scaffold`: what the planner and the writer add (src/plan/index.ts, src/write/write-project.ts), loaded when
 *   a scaffold starts planning.
 * Modules only other commands reach are left to rolldown's default split, so `add`'s parser, `doctor`'s checks,
 * `upgrade`'s merge, the prompts and execa load only with the command that uses them.
 */
function startupChunks() {
  const entry = path.join(root, 'src', 'cli.ts');
  const scaffoldEntries = [
    path.join(root, 'src', 'plan', 'index.ts'),
    path.join(root, 'src', 'write', 'write-project.ts'),
  ];
  const core = new Set();
  const scaffold = new Set();
  return {
    plugin: {
      name: 'startup-chunks',
      buildEnd() {
        const closure = (starts, into, except) => {
          const pending = [...starts];
          while (pending.length > 0) {
            const id = pending.pop();
            if (into.has(id) || except.has(id)) continue;
            const info = this.getModuleInfo(id);
            if (info === null) throw new Error(`startup-chunks: ${path.relative(root, id)} is not in the module graph`);
            into.add(id);
            pending.push(...info.importedIds);
          }
        };
        closure([entry], core, new Set());
        closure(scaffoldEntries, scaffold, core);
      },
    },
    groups: [
      { name: 'core', test: (id) => core.has(id) },
      { name: 'scaffold', test: (id) => scaffold.has(id) },
    ],
  };
}

/**
 * A startup group's chunk is named after the group; a chunk loaded for one module of ours after that module
 * (src/doctor/command.ts → doctor-command-….cjs); one shared by several after the source folder most of its
 * modules come from (src/add/… → add-shared-….cjs).
 */
function chunkName(chunk) {
  if (startup.groups.some((group) => group.name === chunk.name)) return chunk.name;
  const sourcePath = (id) => {
    const relativeToSrc = id.startsWith('\0') ? '..' : path.relative(path.join(root, 'src'), id);
    return relativeToSrc.startsWith('..') ? undefined : relativeToSrc.split(path.sep);
  };
  const facade = chunk.facadeModuleId && sourcePath(chunk.facadeModuleId);
  if (facade) return facade.join('-').replace(/\.ts$/, '');
  const folders = new Map();
  for (const parts of chunk.moduleIds.map(sourcePath)) {
    if (parts && parts.length > 1) folders.set(parts[0], (folders.get(parts[0]) ?? 0) + 1);
  }
  const [folder] = [...folders].sort((a, b) => b[1] - a[1])[0] ?? [];
  return folder ? `${folder}-shared` : '[name]';
}

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

  const specKey = (name, source) => `${name}\0${createHash('sha256').update(source).digest('hex')}`;

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
      specs[specKey(name, source)] ??= minifiedSpec(name, Handlebars.precompile(source, structuredClone(options)));
    }
    return { files, history, specs };
  };

  /** ASCII JSON: other characters as escapes (see compressed()). */
  const asciiJson = (value) =>
    Buffer.from(
      JSON.stringify(value).replace(
        /[\u007f-\uffff]/g,
        (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`,
      ),
      'latin1',
    );

  /**
   * The archive is one brotli stream of two JSON parts: first what every scaffold reads (the current templates and
   * their specs), then what only `upgrade` reads (earlier versions' templates and the specs only they use). The
   * stream is flushed between them, so the first part decompresses from a prefix of the file alone, while the
   * second can still refer back to the first (it mostly repeats it).
   *
   * Each part is ASCII (other characters as JSON escapes): Node turns ASCII bytes into a string several times faster
   * than UTF-8, and JSON.parse reads a one-byte string faster. Both halve the time a scaffold spends reading the
   * archive back, for a few more bytes compressed.
   */
  const compressed = async () => {
    const { files, history, specs } = await archiveDocument();
    const current = new Set(files.filter(([name]) => name.endsWith('.hbs')).map(([name, text]) => specKey(name, text)));
    const specsWhere = (isCurrent) =>
      Object.fromEntries(Object.entries(specs).filter(([key]) => current.has(key) === isCurrent));
    const scaffoldPart = asciiJson({ files, specs: specsWhere(true) });
    const historyPart = asciiJson({ history, specs: specsWhere(false) });
    const length = scaffoldPart.length + historyPart.length;
    const compressor = createBrotliCompress({
      params: {
        [zlibConstants.BROTLI_PARAM_MODE]: zlibConstants.BROTLI_MODE_TEXT,
        [zlibConstants.BROTLI_PARAM_QUALITY]: zlibConstants.BROTLI_MAX_QUALITY,
        // A window that holds the whole document, so any repeat can be found.
        [zlibConstants.BROTLI_PARAM_LGWIN]: Math.min(24, Math.max(16, Math.ceil(Math.log2(length)))),
        [zlibConstants.BROTLI_PARAM_SIZE_HINT]: length,
      },
    });
    const chunks = [];
    compressor.on('data', (chunk) => chunks.push(chunk));
    const ended = once(compressor, 'end');
    compressor.write(scaffoldPart);
    await new Promise((resolve) => compressor.flush(zlibConstants.BROTLI_OPERATION_FLUSH, resolve));
    const scaffoldBytes = Buffer.concat(chunks).length;
    compressor.end(historyPart);
    await ended;
    const bytes = Buffer.concat(chunks);
    // What the CLI will do (see archiveModule), checked now rather than on a user's machine.
    const prefix = brotliDecompressSync(bytes.subarray(0, scaffoldBytes), {
      finishFlush: zlibConstants.BROTLI_OPERATION_FLUSH,
    });
    if (
      !prefix.equals(scaffoldPart) ||
      !brotliDecompressSync(bytes).equals(Buffer.concat([scaffoldPart, historyPart]))
    ) {
      throw new Error(`${ARCHIVE_NAME}: the first part does not decompress alone`);
    }
    return { bytes, scaffoldBytes, scaffoldLength: scaffoldPart.length };
  };

  const archiveModule = ({ scaffoldBytes, scaffoldLength }) => `
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliDecompressSync, constants } from 'node:zlib';
let compressed;
let scaffold;
let history;
/** dist/${ARCHIVE_NAME}, read once (written by scripts/build.mjs); __dirname is dist/ in a CommonJS chunk. */
const archive = () => (compressed ??= readFileSync(join(__dirname, '${ARCHIVE_NAME}')));
/** The current templates and their specs: the first ${scaffoldBytes} bytes, decompressed alone. */
export function scaffoldPart() {
  scaffold ??= JSON.parse(
    brotliDecompressSync(archive().subarray(0, ${scaffoldBytes}), {
      finishFlush: constants.BROTLI_OPERATION_FLUSH,
    }).toString('latin1'),
  );
  return scaffold;
}
/** Earlier versions' templates and the specs only they use (for \`upgrade\`): what follows the first part. */
export function historyPart() {
  history ??= JSON.parse(brotliDecompressSync(archive()).toString('latin1', ${scaffoldLength}));
  return history;
}
`;

  const swapped = {
    files: `
import { historyPart, scaffoldPart } from '${VIRTUAL}:archive';
export const HISTORY_DIR = 'history';
export async function readTemplateFiles() {
  return new Map(scaffoldPart().files);
}
export async function readTemplateHistory(version) {
  const { history } = historyPart();
  return Object.hasOwn(history, version) ? history[version] : undefined;
}
`,
    specs: `
import { createHash } from 'node:crypto';
import { historyPart, scaffoldPart } from '${VIRTUAL}:archive';
const made = new Map();
// Earlier versions' specs are in the same archive: nothing more to load.
export async function loadEarlierTemplateSpecs() {}
export function templateSpec(templateName, source) {
  const key = templateName + '\\0' + createHash('sha256').update(source).digest('hex');
  let spec = made.get(key);
  if (spec === undefined) {
    // A current template's spec is in the part every scaffold reads; only an earlier version's needs the rest.
    const { specs } = Object.hasOwn(scaffoldPart().specs, key) ? scaffoldPart() : historyPart();
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

  const virtualArchive = `\0${VIRTUAL}:archive`;
  return {
    name: 'embedded-templates',
    buildStart() {
      archive = compressed();
    },
    resolveId(source) {
      return source === `${VIRTUAL}:archive` ? virtualArchive : null;
    },
    async load(id) {
      if (id === virtualArchive) return { code: archiveModule(await archive), moduleType: 'js' };
      const which = Object.keys(modules).find((key) => modules[key] === id);
      return which === undefined ? null : { code: swapped[which], moduleType: 'js' };
    },
  };
}

/**
 * A precompiled template as minified JavaScript: the precompiler's output repeats a fallback function and long
 * names in every block. Minified, the specs are a quarter smaller, so a scaffold has less to decompress and compile.
 *
 * Each block's function is then wrapped in parentheses, V8's cue to compile a function as soon as its script is
 * (the "parenthesized function" heuristic). A render calls most blocks once, right away; left lazy, each would be
 * parsed twice, skimmed when the spec is evaluated and parsed again on its first call. About 3-5 ms of a scaffold on
 * Node 20 (alternating runs), mostly the README's many blocks.
 */
function minifiedSpec(templateName, spec) {
  const prefix = 'export default ';
  const minified = minifySync(`${templateName}.js`, `${prefix}${spec};`, { compress: true, mangle: true });
  const expression = /^export default\s*(?<spec>\{[^]*\});?\s*$/.exec(minified.code)?.groups?.spec;
  if (minified.errors.length > 0 || expression === undefined) {
    throw new Error(
      `cannot minify the precompiled ${templateName}: ${minified.errors[0]?.message ?? 'unexpected output'}`,
    );
  }
  const source = prefix + expression;
  const parsed = parseSync(`${templateName}.js`, source);
  const object = parsed.program.body[0]?.declaration;
  if (parsed.errors.length > 0 || object?.type !== 'ObjectExpression') {
    throw new Error(`cannot read the minified ${templateName} back: ${parsed.errors[0]?.message ?? 'not an object'}`);
  }
  const blocks = object.properties
    .map((property) => property.value)
    .filter((value) => value?.type === 'FunctionExpression')
    .sort((a, b) => b.start - a.start);
  let eager = source;
  for (const block of blocks) {
    eager = `${eager.slice(0, block.start)}(${eager.slice(block.start, block.end)})${eager.slice(block.end)}`;
  }
  const result = eager.slice(prefix.length);
  // The CLI evaluates the spec this way (templateSpec in embeddedTemplates): a wrong cut fails the build instead.
  if (typeof new Function(`return ${result};`)().main !== 'function') {
    throw new Error(`the eager ${templateName} spec has no main function`);
  }
  return result;
}

/**
 * commander requires node:child_process when it loads but calls it only for executable subcommands, which this
 * CLI does not have; loading it costs every start, `--help` included. commander's require of it gets a stand-in
 * that requires the real module on first use. (Only property reads are forwarded, which is all commander does
 * with it.)
 */
function commanderChildProcessOnDemand() {
  const onDemand = '\0on-demand:node:child_process';
  return {
    name: 'commander-child-process-on-demand',
    resolveId(source, importer) {
      const fromCommander = importer !== undefined && /[\\/]node_modules[\\/]commander[\\/]/.test(importer);
      return fromCommander && /^(node:)?child_process$/.test(source) ? onDemand : null;
    },
    load(id) {
      if (id !== onDemand) return null;
      return {
        code:
          'let real; module.exports = new Proxy({}, ' +
          "{ get: (_, key) => (real ??= require('node:child_process'))[key] });",
        moduleType: 'js',
      };
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
  const prefix = '\0stub:';
  return {
    name: 'unused-module-stubs',
    resolveId(source) {
      return Object.hasOwn(stubs, source) ? prefix + source : null;
    },
    load(id) {
      return id.startsWith(prefix) ? { code: stubs[id.slice(prefix.length)], moduleType: 'js' } : null;
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
    async load(id) {
      if (!/[\\/]@babel[\\/]parser[\\/]lib[\\/]index\.js$/.test(id)) return null;
      {
        let code = await readFile(id, 'utf8');
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
        return { code, moduleType: 'js' };
      }
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
    resolveId(source, importer) {
      return source === 'handlebars'
        ? this.resolve('handlebars/dist/cjs/handlebars.js', importer, { skipSelf: true })
        : null;
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
