/**
 * The auth modules `add` puts into a project, in one folder next to the entry file (`mcp-oauth/`).
 *
 * Sources, first match wins for each module:
 *   templates/add/<sdk line>/mcp-oauth/  what only one SDK line needs (v1: the SDK compatibility module, the tool step-up)
 *   templates/add/mcp-oauth/             the framework-neutral core and the Express/Hono adapters
 *   templates/base/src/                  the generated servers' own auth modules, reused as they are
 * The set is the closure of relative imports from the core and the framework's adapter, so a module the
 * generated servers start to depend on comes along without a list to update here.
 */
import { renderTemplate } from '../plan/render.js';
import type { ScopeSpec, ToolSpec } from '../core/types.js';
import { parseModule, n, stringValue } from './ast.js';
import type { SdkLine } from './detect.js';
import type { FrameworkName } from './routes.js';
import { transformModule } from './transform.js';

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
}

export interface AddedFile {
  /** Relative to the project. */
  path: string;
  /** Module name inside the folder, without extension (`auth/bearer-gate`). */
  module: string;
  contents: string;
}

const V2_PACKAGE = '@modelcontextprotocol/server';
/** The v1 stand-in for the v2 package's auth helpers (templates/add/v1/mcp-oauth/sdk.ts). */
const V1_COMPAT_MODULE = 'sdk';
export const TOOL_SCOPES_MODULE = 'mcp/tool-scopes';

export function addedFiles(input: AddedFilesInput): AddedFile[] {
  const sources = new Map<string, { templatePath: string; text: string }>();
  const pending = ['index', input.framework];
  while (pending.length > 0) {
    const module = pending.shift()!;
    if (sources.has(module)) continue;
    const source = renderedSource(module, input);
    sources.set(module, source);
    for (const dependency of dependenciesOf(source.text, module, input.sdk)) pending.push(dependency);
  }

  return [...sources.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([module, source]) => ({
      module,
      path: `${input.folder}/${module}${input.flavor.extension}`,
      contents: transformModule(source.text, {
        path: `${module}.ts`,
        output: input.flavor.syntax,
        rewriteSpecifier: (specifier) => rewriteSpecifier(specifier, module, input),
      }),
    }));
}

function renderedSource(module: string, input: AddedFilesInput): { templatePath: string; text: string } {
  const candidates = [`add/${input.sdk}/mcp-oauth/${module}`, `add/mcp-oauth/${module}`, `base/src/${module}`];
  for (const candidate of candidates) {
    for (const templatePath of [`${candidate}.ts`, `${candidate}.ts.hbs`]) {
      const text = input.templates.get(templatePath);
      if (text === undefined) continue;
      if (!templatePath.endsWith('.hbs')) return { templatePath, text };
      const context = {
        resourceName: input.resourceName,
        packageName: input.resourceName,
        scopes: input.scopes,
        tools: input.tools,
        checkToolScopesInBody: input.sdk === 'v1',
      };
      return { templatePath, text: renderTemplate(text, context, templatePath) };
    }
  }
  throw new Error(`No template for the module ${module} (looked for ${candidates.join(', ')})`);
}

/** Modules this one imports: relative imports, and for v1 the compatibility module in place of the v2 package. */
function dependenciesOf(text: string, module: string, sdk: SdkLine): string[] {
  const dependencies: string[] = [];
  for (const specifier of importSpecifiers(text, `${module}.ts`)) {
    if (specifier.startsWith('.')) dependencies.push(resolveModule(module, specifier));
    else if (specifier === V2_PACKAGE && sdk === 'v1') dependencies.push(V1_COMPAT_MODULE);
  }
  return dependencies;
}

function importSpecifiers(text: string, path: string): string[] {
  const specifiers: string[] = [];
  for (const statement of parseModule(text, path).program.body) {
    if (
      (n.ImportDeclaration.check(statement) ||
        n.ExportNamedDeclaration.check(statement) ||
        n.ExportAllDeclaration.check(statement)) &&
      statement.source
    ) {
      const value = stringValue(statement.source);
      if (value !== undefined) specifiers.push(value);
    }
  }
  return specifiers;
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

function rewriteSpecifier(specifier: string, module: string, input: AddedFilesInput): string | undefined {
  const extension = importExtension(input.flavor.extension);
  if (specifier === V2_PACKAGE && input.sdk === 'v1') return relativeSpecifier(module, V1_COMPAT_MODULE, extension);
  if (specifier.startsWith('.')) return relativeSpecifier(module, resolveModule(module, specifier), extension);
  return undefined;
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
