/**
 * The OAuth module: the one set of files (templates/mcp-oauth/) that both the scaffold (into `src/mcp-oauth/`)
 * and `add` (into `<entry dir>/mcp-oauth/`) write, so a generated server and a patched one run the same code
 * and every test of one covers the other. A project gets the framework-neutral core, the adapter for its
 * framework, and the SDK helpers for its MCP SDK line as `sdk.ts`. Pure: renders from the template sources.
 */
import type { Framework, PromptSpec, ResourceSpec, ScopeSpec, ToolSpec } from '../core/types.js';
import { renderTemplate } from './render.js';
import { byCodeUnits } from '../core/compare.js';

/** Where the module's templates live, relative to the templates directory. */
export const AUTH_MODULE_TEMPLATES = 'mcp-oauth/';
/** The scope policy (tools, prompts, resources → scopes) inside the module. */
export const TOOL_SCOPES_MODULE = 'tool-scopes';

export type SdkLine = 'v1' | 'v2';

export interface AuthModuleInput {
  templates: ReadonlyMap<string, string>;
  framework: Framework;
  sdk: SdkLine;
  /** The PRM `resource_name` (the package name). */
  resourceName: string;
  scopes: readonly ScopeSpec[];
  tools: readonly ToolSpec[];
  resources: readonly ResourceSpec[];
  prompts: readonly PromptSpec[];
  /** Lists show only what the caller's token may use (a scaffold choice; `add` leaves lists as they are). */
  filterLists: boolean;
}

export interface AuthModuleFile {
  /** Path inside the module folder without extension, e.g. `auth/bearer-gate`. */
  module: string;
  /** TypeScript, with `.js` relative imports. */
  contents: string;
}

const ADAPTERS = new Set(['express', 'hono']);

export function authModuleFiles(input: AuthModuleInput): AuthModuleFile[] {
  const files: AuthModuleFile[] = [];
  for (const [templatePath, source] of input.templates) {
    if (!templatePath.startsWith(AUTH_MODULE_TEMPLATES)) continue;
    const relative = templatePath.slice(AUTH_MODULE_TEMPLATES.length);
    let module = relative.replace(/\.ts(\.hbs)?$/, '');
    if (module.startsWith('sdk/')) {
      if (module !== `sdk/${input.sdk}`) continue;
      module = 'sdk';
    } else if (ADAPTERS.has(module) && module !== input.framework) {
      continue;
    }
    const context = {
      resourceName: input.resourceName,
      scopes: input.scopes,
      tools: input.tools,
      resources: input.resources,
      prompts: input.prompts,
      filterLists: input.filterLists,
    };
    const contents = templatePath.endsWith('.hbs') ? renderTemplate(source, context, templatePath) : source;
    files.push({ module, contents });
  }
  return files.sort((a, b) => byCodeUnits(a.module, b.module));
}
