/**
 * The OAuth module `add` puts into a project, in one folder next to the entry file (`mcp-oauth/`): the same
 * files the scaffold writes to `src/mcp-oauth/` (src/plan/auth-module.ts renders both from templates/mcp-oauth/),
 * in the project's own flavour: TypeScript as it is (imports with the project's extension), or JavaScript in
 * the project's module system.
 */
import type { PromptSpec, ResourceSpec, ScopeSpec, ToolSpec } from '../core/types.js';
import { authModuleFiles, type SdkLine } from '../plan/auth-module.js';
import type { FrameworkName } from './routes.js';
import { transformModule } from './transform.js';

export { TOOL_SCOPES_MODULE } from '../plan/auth-module.js';

export type TemplateSource = ReadonlyMap<string, string>;

/** How the project's files are written: the extension of new modules and their syntax. */
export interface OutputFlavor {
  /** `.ts`, `.mts`, `.cts`, `.js`, `.mjs` or `.cjs`: the entry file's extension. */
  extension: string;
  /** `ts` keeps TypeScript; otherwise JavaScript in that module system. */
  syntax: 'ts' | 'esm' | 'cjs';
}

export interface AddedFilesInput {
  templates: TemplateSource;
  sdk: SdkLine;
  framework: FrameworkName;
  flavor: OutputFlavor;
  /** Folder (relative to the project) the modules go into, e.g. `src/mcp-oauth`. */
  folder: string;
  resourceName: string;
  scopes: ScopeSpec[];
  tools: ToolSpec[];
  resources: ResourceSpec[];
  prompts: PromptSpec[];
}

export interface AddedFile {
  /** Relative to the project. */
  path: string;
  /** Module name inside the folder, without extension (`auth/bearer-gate`). */
  module: string;
  contents: string;
}

export function addedFiles(input: AddedFilesInput): AddedFile[] {
  const extension = importExtension(input.flavor.extension);
  // Lists stay as the project serves them: filtering needs the scaffold's per-request registration.
  return authModuleFiles({ ...input, filterLists: false }).map(({ module, contents }) => ({
    module,
    path: `${input.folder}/${module}${input.flavor.extension}`,
    // TypeScript with `.js` imports is what the scaffold writes: nothing to change.
    contents:
      input.flavor.syntax === 'ts' && extension === '.js'
        ? contents
        : transformModule(contents, {
            path: `${module}.ts`,
            output: input.flavor.syntax,
            rewriteSpecifier: (specifier) =>
              specifier.startsWith('.')
                ? relativeSpecifier(module, resolveModule(module, specifier), extension)
                : undefined,
          }),
  }));
}

/** `auth/bearer-gate` + `../limits.js` → `limits`. */
export function resolveModule(from: string, specifier: string): string {
  const segments = from.split('/').slice(0, -1);
  for (const part of specifier.replace(/\.[cm]?js$/, '').split('/')) {
    if (part === '.' || part === '') continue;
    if (part === '..') {
      if (segments.length === 0) throw new Error(`${from} imports ${specifier}, outside the mcp-oauth folder`);
      segments.pop();
    } else {
      segments.push(part);
    }
  }
  return segments.join('/');
}

/** The extension relative imports carry in the project: what Node (and TypeScript's NodeNext) expect. */
export function importExtension(extension: string): string {
  return { '.ts': '.js', '.tsx': '.js', '.mts': '.mjs', '.cts': '.cjs' }[extension] ?? extension;
}

/** The import specifier from module `from` to module `to` (both relative to the folder). */
export function relativeSpecifier(from: string, to: string, extension: string): string {
  const fromDir = from.split('/').slice(0, -1);
  const target = to.split('/');
  let common = 0;
  while (common < fromDir.length && common < target.length - 1 && fromDir[common] === target[common]) common += 1;
  const ups = fromDir.length - common;
  const prefix = ups === 0 ? './' : '../'.repeat(ups);
  return `${prefix}${target.slice(common).join('/')}${extension}`;
}
