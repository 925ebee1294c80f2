// Bundle src/cli.ts into dist/ as ESM for Node 20, with code splitting so lazily imported modules
// (prompts, planner, installer, subcommands) become chunks that load only when used.
// Every dependency is bundled: the published package has no runtime dependencies.
//
// Files are written to a temporary name and renamed into place, and only stale files are removed
// afterwards, so a CLI started from dist/ while another build runs (parallel test files) never
// sees a half-written or missing chunk.
import { build } from 'esbuild';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
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
  plugins: [handlebarsWithoutRequireExtensions()],
  // Bundled CommonJS (commander, handlebars…) calls require() for Node built-ins; give ESM chunks a real one.
  banner: {
    js: "import{createRequire as __cmoCreateRequire}from'node:module';const require=__cmoCreateRequire(import.meta.url);",
  },
  metafile: true,
  write: false,
  logLevel: 'warning',
});

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
