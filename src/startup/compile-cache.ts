/**
 * A compile cache for the CLI's own chunks on Node releases that have none built in (Node 20: Node ≥ 22.1 has
 * `module.enableCompileCache()`, which the bin turns on instead, and this module is never loaded there).
 *
 * Compiling the chunks is about a tenth of a scaffold on Node 20 (about 10 ms: `npm run bench:cli`). V8 can hand
 * back the code it compiled for a script and take it again on the next start, as Node 22's cache does: when a
 * chunk has no entry yet, or V8 rejects its entry (another V8, other flags), the code is kept at exit, with every
 * function the run compiled, and the next run that loads the chunk skips that work.
 *
 * What makes it safe to trust an entry:
 * - V8 checks its own version, its flags and the source's length, not the source's content. So an entry's name
 *   carries the chunk's name, V8's version and a CRC-32 of the chunk's text: a rebuilt chunk (a new name, or the
 *   same length with other text) never meets the old one's code.
 * - Entries are code this process will run. The directory is per user, made private (0700), and used only if it
 *   is a real directory that this user owns and no one else can write to; otherwise nothing is cached.
 * - Entries are written under a temporary name and renamed into place, so a concurrent run reads a whole entry or
 *   none. Any failure (no temporary directory, a full disk, a read-only file system) only costs speed.
 *
 * NODE_DISABLE_COMPILE_CACHE=1 turns it off, as it does Node's own (checked by the bin).
 */
import { lstatSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { constants as vmConstants, Script } from 'node:vm';
import { crc32 } from 'node:zlib';

/** The part of Node's CommonJS loader this replaces for the chunks (public in practice, though not typed). */
interface LoaderModule {
  exports: unknown;
  _compile(content: string, filename: string): unknown;
}

/** A script whose compiled code is to be kept at exit, and where. */
interface PendingEntry {
  script: Script;
  path: string;
}

/**
 * Loads every `.cjs` file directly inside `chunkDirectory` through the cache from now on. Returns the cache
 * directory, or undefined when there is none to trust (the chunks then load as usual).
 */
export function cacheCompiledChunks(chunkDirectory: string, cacheRoot = tmpdir()): string | undefined {
  const cacheDirectory = privateDirectory(cacheRoot);
  if (cacheDirectory === undefined) return undefined;

  const pending: PendingEntry[] = [];
  const prototype = Module.prototype as unknown as LoaderModule;
  const compileAsUsual = prototype._compile;
  prototype._compile = function compile(this: LoaderModule, content: string, filename: string) {
    if (dirname(filename) !== chunkDirectory || !filename.endsWith('.cjs')) {
      return compileAsUsual.call(this, content, filename);
    }
    const entryPath = join(cacheDirectory, entryName(filename, content));
    const cachedData = readEntry(entryPath);
    const script = new Script(Module.wrap(content), {
      filename,
      cachedData,
      importModuleDynamically: vmConstants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    });
    if (cachedData === undefined || script.cachedDataRejected === true) pending.push({ script, path: entryPath });
    const moduleFunction = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => unknown;
    return moduleFunction.call(this.exports, this.exports, createRequire(filename), this, filename, chunkDirectory);
  };

  // At exit, so the entry holds every function this run compiled, not only the chunk's top level.
  process.once('exit', () => {
    for (const entry of pending) writeEntry(entry);
  });
  return cacheDirectory;
}

/** `core-X4zoUOsa.cjs` + V8's version + the text's CRC-32 and length: one entry per build of a chunk per V8. */
function entryName(filename: string, content: string): string {
  const v8 = process.versions.v8.replace(/[^\w.-]/g, '_');
  return `${basename(filename)}.${v8}.${crc32(content).toString(16)}.${content.length}.bin`;
}

/**
 * `<cacheRoot>/create-mcp-oauth-compile-cache-<uid>`, created private if missing; undefined unless it is a real
 * directory this user owns that neither group nor others can write (entries are code this process will run).
 */
function privateDirectory(cacheRoot: string): string | undefined {
  const uid = process.getuid?.();
  const path = join(cacheRoot, `create-mcp-oauth-compile-cache${uid === undefined ? '' : `-${uid}`}`);
  try {
    mkdirSync(path, { recursive: true, mode: 0o700 });
    const stats = lstatSync(path);
    if (!stats.isDirectory()) return undefined;
    if (uid !== undefined && (stats.uid !== uid || (stats.mode & 0o022) !== 0)) return undefined;
    return path;
  } catch {
    return undefined;
  }
}

function readEntry(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

function writeEntry({ script, path }: PendingEntry): void {
  // A name no concurrent run uses (node:crypto would cost more start-up than this whole cache saves on `--help`).
  const temporary = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    writeFileSync(temporary, script.createCachedData(), { mode: 0o600 });
    renameSync(temporary, path);
  } catch {
    try {
      rmSync(temporary, { force: true });
    } catch {
      // Left for the OS to clear with the rest of the temporary directory.
    }
  }
}
