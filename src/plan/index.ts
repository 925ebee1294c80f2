/**
 * The plan: every file a scaffold writes, computed purely from the validated config and the template
 * sources. No I/O here except `loadTemplates`, so the whole output can be inspected (and tested) in memory.
 *
 * Template layout: `base/` holds files for every project, `express/` and `hono/` add or replace files for
 * one framework, `deploy/<target>/` adds or replaces the files of a deployment target (none for `node`), and
 * `mcp-oauth/` is the OAuth module (see auth-module.ts), written to `src/mcp-oauth/`. A name ending in `.hbs` is
 * rendered (and loses the suffix); other files are copied as is.
 * `_gitignore`-style names become dotfiles (npm would drop real dotfiles from the published package), and
 * names starting with `_` elsewhere are partials used by the planner itself.
 */
import type { PackageManager, Plan, PlannedFile, ProjectConfig } from '../core/types.js';
import { authModuleFiles } from './auth-module.js';
import { templateContext, type TemplateContext } from './context.js';
import { packageJson } from './package-json.js';
import { recordFile, scaffoldAnswers } from './record.js';
import { renderTemplate } from './render.js';
import { readTemplateFiles } from './template-files.js';
import { wranglerConfig } from './wrangler-config.js';
import { byCodeUnits } from '../core/compare.js';

export { HISTORY_DIR, readTemplateHistory } from './template-files.js';
export { loadEarlierTemplateSpecs } from './template-specs.js';

/** Template files keyed by their path relative to the templates directory (posix separators). */
export type TemplateSource = ReadonlyMap<string, string>;

export interface PlanOptions {
  /** Spells the commands in the generated README and .env comments. */
  packageManager?: PackageManager;
}

const DOTFILES: Record<string, string> = {
  _gitignore: '.gitignore',
  '_prettierrc.json': '.prettierrc.json',
  _prettierignore: '.prettierignore',
  _dockerignore: '.dockerignore',
  _env: '.env',
  '_env.example': '.env.example',
  '_dev.vars': '.dev.vars',
  '_dev.vars.example': '.dev.vars.example',
};
/** Stubs for the tools, resources and prompts the templates do not implement: one file each. */
const CUSTOM_STUBS = [
  { template: 'base/src/mcp/tools/_custom-tool.ts.hbs', folder: 'tools', items: (c: TemplateContext) => c.customTools },
  {
    template: 'base/src/mcp/resources/_custom-resource.ts.hbs',
    folder: 'resources',
    items: (c: TemplateContext) => c.customResources,
  },
  {
    template: 'base/src/mcp/prompts/_custom-prompt.ts.hbs',
    folder: 'prompts',
    items: (c: TemplateContext) => c.customPrompts,
  },
] as const;

/** Files that exist only when the project needs them. */
const OPTIONAL_FILES: Record<string, (context: TemplateContext) => boolean> = {
  'src/todos/store.ts': (context) => context.hasTodos,
  'src/todos/durable-object.ts': (context) => context.hasTodos,
  'src/mcp/tools/whoami.ts': (context) => context.hasWhoami,
  'src/mcp/tools/list-todos.ts': (context) => context.tools.some((tool) => tool.name === 'list_todos'),
  'src/mcp/tools/add-todo.ts': (context) => context.tools.some((tool) => tool.name === 'add_todo'),
  'src/mcp/resources/todo-by-id.ts': (context) => context.resources.some((resource) => resource.builtIn),
  'src/mcp/prompts/review-todos.ts': (context) => context.prompts.some((prompt) => prompt.builtIn),
  'test/todos.test.ts': (context) => context.hasTodoPair,
  // Its cases are the resources that need a scope: without one there is nothing to test.
  'test/resource-uris.test.ts': (context) => context.resources.some((resource) => resource.scopes.length > 0),
  'test/todo-resource.test.ts': (context) =>
    context.resources.some((resource) => resource.builtIn) && context.tools.some((tool) => tool.name === 'add_todo'),
  'test/todo-prompt.test.ts': (context) =>
    context.prompts.some((prompt) => prompt.builtIn) && context.tools.some((tool) => tool.name === 'add_todo'),
  // A Worker has no Node process: wrangler runs src/index.ts (deploy/workers) and reads .dev.vars, not .env.
  ...Object.fromEntries(
    [
      'src/server.ts',
      'src/startup.ts',
      'src/shutdown.ts',
      'test/shutdown.test.ts',
      'test/stress/shutdown.test.ts',
      'test/support/in-flight.ts',
      'tsconfig.build.json',
      '.env',
      '.env.example',
    ].map((path) => [path, (context: TemplateContext) => context.deploy !== 'workers']),
  ),
};

/** The current templates: from templates/ when running from source, from the bundle when published. */
export async function loadTemplates(templatesDir?: string): Promise<TemplateSource> {
  return readTemplateFiles(templatesDir);
}

export function planProject(config: ProjectConfig, templates: TemplateSource, options: PlanOptions = {}): Plan {
  const context = templateContext(config, options.packageManager ?? 'npm');
  const files = new Map<string, PlannedFile>();

  // base first, then the framework's files replace any base file with the same output path; the deploy
  // target's files come last.
  for (const layer of ['base', config.framework, `deploy/${config.deploy}`]) {
    for (const [templatePath, source] of templates) {
      if (!templatePath.startsWith(`${layer}/`)) continue;
      const output = outputPath(templatePath.slice(layer.length + 1));
      if (output === undefined || !included(output, context)) continue;
      const contents = templatePath.endsWith('.hbs') ? renderTemplate(source, context, templatePath) : source;
      files.set(output, { path: output, contents });
    }
  }

  // The OAuth module, exactly as `add` writes it into an existing TypeScript server on the same SDK.
  for (const file of authModuleFiles({
    templates,
    framework: config.framework,
    sdk: 'v2',
    resourceName: context.packageName,
    scopes: config.scopes,
    tools: config.tools,
    resources: config.resources,
    prompts: config.prompts,
    filterLists: config.filterLists,
  })) {
    const path = `src/mcp-oauth/${file.module}.ts`;
    files.set(path, { path, contents: file.contents });
  }

  for (const stub of CUSTOM_STUBS) {
    const items = stub.items(context);
    const source = templates.get(stub.template);
    if (source === undefined && items.length > 0) throw new Error(`Missing template ${stub.template}`);
    for (const item of items) {
      const path = `src/mcp/${stub.folder}/${item.moduleName}.ts`;
      files.set(path, { path, contents: renderTemplate(source!, item, stub.template) });
    }
  }

  files.set('package.json', { path: 'package.json', contents: packageJson(context) });
  if (config.deploy === 'workers')
    files.set('wrangler.jsonc', { path: 'wrangler.jsonc', contents: wranglerConfig(context) });
  // What was generated, from which answers: `upgrade` reads it (src/plan/record.ts).
  const record = recordFile({ kind: 'scaffold', answers: scaffoldAnswers(config, context.packageManager) }, [
    ...files.values(),
  ]);
  files.set(record.path, record);
  return { files: [...files.values()].sort((a, b) => byCodeUnits(a.path, b.path)) };
}

/** Where a template lands in the project, or undefined for partials. */
function outputPath(templatePath: string): string | undefined {
  const withoutSuffix = templatePath.replace(/\.hbs$/, '');
  const segments = withoutSuffix.split('/');
  const name = segments.pop()!;
  const dotfile = DOTFILES[name];
  if (dotfile === undefined && name.startsWith('_')) return undefined;
  return [...segments, dotfile ?? name].join('/');
}

function included(path: string, context: TemplateContext): boolean {
  return OPTIONAL_FILES[path]?.(context) ?? true;
}
