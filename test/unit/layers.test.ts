/**
 * The folders under src/ are layers, and the imports must show the one-way flow
 * argv (args/) → config (config/) → plan (plan/) → write (write/) → install (install/), with shared types,
 * errors and names at the bottom (core/). A layer imports only layers before it; ui/ draws config and plans
 * but never writes or installs; the commands (add/, doctor/) sit on top and only cli.ts loads them.
 * Static, type-only and dynamic imports all count, and no two files may import each other in a circle.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

/** The pipeline, bottom first: each layer may import the layers listed before it. */
const PIPELINE = ['core', 'args', 'config', 'plan', 'write', 'install'];
const ALLOWED: Record<string, readonly string[]> = {
  ...Object.fromEntries(PIPELINE.map((layer, index) => [layer, PIPELINE.slice(0, index)])),
  ui: ['core', 'config', 'plan'],
  add: [...PIPELINE, 'ui'],
  doctor: [...PIPELINE, 'ui'],
  /** Ambient declarations for untyped modules. */
  types: [],
};
/** Files directly in src/ (cli.ts): the composition root, which may import everything. */
const ROOT = '.';

function layerOf(file: string): string {
  const [first, ...rest] = path.relative(SRC, file).split(path.sep);
  return rest.length === 0 ? ROOT : first!;
}

/** Why `from` may not import `to`, or undefined when it may. */
function violation(from: string, to: string): string | undefined {
  const [source, target] = [layerOf(from), layerOf(to)];
  if (source === target || source === ROOT) return undefined;
  const allowed = ALLOWED[source];
  if (!allowed) return `${source}/ is not a known layer: add it to ALLOWED in this test`;
  return allowed.includes(target) ? undefined : `${source}/ may not import ${target === ROOT ? 'src/' : `${target}/`}`;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.ts$/.test(entry) && !entry.endsWith('.d.ts') ? [full] : [];
  });
}

/** Every relative import of a file (static, type-only, re-export and `import()`), resolved to a path in src/. */
function relativeImports(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return importedFiles
    .map(({ fileName }) => fileName)
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => path.resolve(path.dirname(file), specifier.replace(/\.js$/, '.ts')));
}

const files = sourceFiles(SRC);
const graph = new Map(files.map((file) => [file, relativeImports(file)]));
const rel = (file: string) => path.relative(SRC, file);

describe('layers of src/', () => {
  it('reads the imports of every source file (and each one resolves)', () => {
    expect(files.length).toBeGreaterThan(50);
    const unresolved = [...graph].flatMap(([file, targets]) =>
      targets.filter((target) => !target.endsWith('.json') && !graph.has(target)).map((t) => `${rel(file)} → ${t}`),
    );
    expect(unresolved).toEqual([]);
  });

  it('imports only go down the layers: core ← args ← config ← plan ← write ← install; ui and commands on top', () => {
    const broken = [...graph].flatMap(([file, targets]) =>
      targets.flatMap((target) => {
        const why = violation(file, target);
        return why ? [`${rel(file)} imports ${rel(target)}: ${why}`] : [];
      }),
    );
    expect(broken).toEqual([]);
  });

  it('has no import cycles between files', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (file: string, trail: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        cycles.push([...trail.slice(trail.indexOf(file)), file].map(rel).join(' → '));
        return;
      }
      state.set(file, 'open');
      for (const target of graph.get(file) ?? []) if (graph.has(target)) visit(target, [...trail, file]);
      state.set(file, 'done');
    };
    for (const file of files) visit(file, []);
    expect(cycles).toEqual([]);
  });

  it('names the wrong direction when a layer reaches up', () => {
    const at = (file: string) => path.join(SRC, file);
    expect(violation(at('config/resolve.ts'), at('install/install.ts'))).toBe('config/ may not import install/');
    expect(violation(at('ui/dry-run.ts'), at('write/target.ts'))).toBe('ui/ may not import write/');
    expect(violation(at('core/types.ts'), at('config/urls.ts'))).toBe('core/ may not import config/');
    expect(violation(at('plan/index.ts'), at('add/run.ts'))).toBe('plan/ may not import add/');
    expect(violation(at('add/run.ts'), at('cli.ts'))).toBe('add/ may not import src/');
    expect(violation(at('plan/index.ts'), at('write/fs.ts'))).toBe('plan/ may not import write/');
    expect(violation(at('install/install.ts'), at('core/package-manager.ts'))).toBeUndefined();
    expect(violation(at('cli.ts'), at('add/command.ts'))).toBeUndefined();
  });
});
