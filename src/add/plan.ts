/**
 * The whole change `add` would make, computed in memory from the project's files, the detected facts and
 * the user's answers: new files, patched files (old and new text), dependencies, `.env.example` lines, and
 * the steps left to do by hand. Pure; nothing here touches the disk.
 */
import path from 'node:path';
import type { Framework, ProjectConfig } from '../core/types.js';
import { testedRange } from '../plan/package-json.js';
import { addAnswers, RECORD_FILE, recordFile } from '../plan/record.js';
import { n, parseModule, stringValue, walk } from './ast.js';
import {
  addedFiles,
  importExtension,
  TOOL_SCOPES_MODULE,
  type OutputFlavor,
  type TemplateSource,
} from './added-files.js';
import type { ProjectFacts, ProjectSnapshot } from './detect.js';
import { addEnvVariables, oauthEnvVariables } from './patch-env-example.js';
import { GUARD_FUNCTION, manualEntrySnippet, patchEntry, patchGuard } from './patch-entry.js';
import { addDependencies, missingDependencies, type DependencyToAdd } from './patch-package-json.js';
import { patchToolRegistrations, scopeChallengeImport } from './patch-tools.js';
import { byCodeUnits } from '../core/compare.js';

/** The scaffold's inputs that apply to an existing project (it has its own directory, name and framework). */
export type AddConfig = Pick<
  ProjectConfig,
  | 'baseUrl'
  | 'mcpPath'
  | 'mcpServerUrl'
  | 'scalekitEnvUrl'
  | 'resourceId'
  | 'serverUrlInAudience'
  | 'scopes'
  | 'tools'
  | 'resources'
  | 'prompts'
  | 'registration'
>;

export interface FileChange {
  path: string;
  /** Undefined for a new file. */
  before?: string;
  after: string;
}

export interface ManualStep {
  file: string;
  line?: number;
  reason: string;
  snippet: string;
}

export interface AddPlan {
  /** Sorted by path. Empty: the project is already set up. */
  changes: FileChange[];
  dependencies: DependencyToAdd[];
  envAdded: string[];
  manual: ManualStep[];
  notes: string[];
  /** Where the auth modules live, relative to the project. */
  folder: string;
}

/** The entry file cannot be patched: nothing at all is written, and the user gets the snippet. */
export class EntryRefusal extends Error {
  override name = 'EntryRefusal';
  constructor(
    message: string,
    readonly file: string | undefined,
    readonly snippet: string,
  ) {
    super(message);
  }
}

export function planAdd(input: {
  snapshot: ProjectSnapshot;
  facts: ProjectFacts;
  config: AddConfig;
  templates: TemplateSource;
  /** Leave the project's own code alone: the module, dependencies and .env.example only (see `pasteSteps`). */
  filesOnly?: boolean;
}): AddPlan {
  const { snapshot, facts, config } = input;
  const entry = facts.entry;
  const flavor = outputFlavor(facts);
  const folder = moduleFolder(facts);
  const adapterFile = `${folder}/${facts.framework.name}${importExtension(flavor.extension)}`;
  const adapterSpecifier = relativeImport(guardFile(facts) ?? 'index.js', adapterFile);
  const esm = flavor.syntax !== 'cjs';
  const filesOnly = input.filesOnly === true;
  if (entry.kind !== 'found' && !filesOnly) {
    const message = entry.kind === 'ambiguous' ? `${entry.reason}: ${entry.fix}` : entry.reason;
    throw new EntryRefusal(
      message,
      entry.kind === 'not-found' ? entry.file : undefined,
      manualEntrySnippet(
        {
          framework: facts.framework.name,
          sdk: facts.sdk,
          mcpPath: config.mcpPath,
          adapterSpecifier,
          worker: facts.worker !== undefined,
        },
        esm,
      ),
    );
  }

  const contents = new Map<string, string>();
  const current = (file: string) => contents.get(file) ?? snapshot.files.get(file);
  const notes: string[] = [];
  const manual: ManualStep[] = [];

  // 1. The auth modules; a file the user already has is theirs and stays as it is.
  let mappedTools = new Set(config.tools.map((tool) => tool.name));
  const added = addedFiles({
    templates: input.templates,
    sdk: facts.sdk,
    framework: facts.framework.name,
    flavor,
    folder,
    resourceName: facts.packageName,
    scopes: config.scopes,
    tools: config.tools,
    resources: config.resources,
    prompts: config.prompts,
  });
  for (const file of added) {
    const existing = snapshot.files.get(file.path);
    if (existing === undefined) contents.set(file.path, file.contents);
    else if (existing !== file.contents) {
      if (file.module === TOOL_SCOPES_MODULE) {
        mappedTools = toolScopeKeys(existing, file.path);
        const unmapped = facts.tools.filter((tool) => !mappedTools.has(tool.name));
        for (const tool of unmapped) {
          manual.push({
            file: file.path,
            reason:
              `${tool.name} (${tool.file}:${tool.line}) is not ` +
              `in TOOL_SCOPES yet; add it with the scopes it needs`,
            snippet: `${tool.name}: [],`,
          });
        }
      } else {
        notes.push(
          `kept your ${file.path}: it differs from what add would write ` +
            `(delete it and run add again to get the current version)`,
        );
      }
    }
  }

  // 2. The entry file: import the adapter, register the guard before the MCP route.
  //    Mounted under a prefix: the guard goes on the root app, maybe in another file (see mounts.ts).
  if (entry.kind === 'found' && !filesOnly) {
    const guard = entry.route.mount?.guard;
    const patched = patchEntry({
      file: entry.file,
      source: current(entry.file)!,
      framework: facts.framework.name,
      sdk: facts.sdk,
      mcpPath: entry.route.path,
      routePath: entry.route.localPath,
      ...(guard ? { guard } : {}),
      adapterSpecifier: relativeImport(entry.file, adapterFile),
      esm,
      worker: facts.worker !== undefined,
    });
    if (!patched.ok) throw new EntryRefusal(patched.reason, entry.file, patched.snippet);
    contents.set(entry.file, patched.text);
    notes.push(...patched.notes);
    const unseen = entry.route.unseenMount;
    if (unseen) {
      // The guard sees only what reaches this router: the endpoint, but not the discovery documents at the root.
      notes.push(
        `the guard is registered inside ${unseen.name} (${unseen.file}), which is mounted where add cannot see: ` +
          `under a prefix, requests for /.well-known/oauth-protected-resource${entry.route.path} never reach it; ` +
          `to serve the discovery documents, register ${GUARD_FUNCTION}({ mcpPath: '${entry.route.path}' }) ` +
          `on the root app instead, before it mounts ${unseen.name}`,
      );
    }
    if (guard && guard.file !== entry.file) {
      const guarded = patchGuard({
        file: guard.file,
        source: current(guard.file)!,
        framework: facts.framework.name,
        sdk: facts.sdk,
        mcpPath: entry.route.path,
        guard,
        alsoProtect: patched.alsoProtect,
        adapterSpecifier: relativeImport(guard.file, adapterFile),
        esm: !isCommonJsFile(guard.file, facts),
        worker: facts.worker !== undefined,
      });
      if (!guarded.ok) throw new EntryRefusal(guarded.reason, guard.file, guarded.snippet);
      contents.set(guard.file, guarded.text);
    }
  }

  // 3. v2: each tool's scope check where it is registered. (v1 checks tool scopes in the guard instead.)
  if (facts.sdk === 'v2' && filesOnly) {
    const toolScopesFile = `${folder}/${TOOL_SCOPES_MODULE}${importExtension(flavor.extension)}`;
    for (const tool of facts.tools) {
      const specifier = relativeImport(tool.file, toolScopesFile);
      manual.push({
        file: tool.file,
        line: tool.line,
        reason: `${tool.name}: add its scope check to the registration's config, so the SDK answers 403 before it runs`,
        snippet:
          `${scopeChallengeImport(specifier, !isCommonJsFile(tool.file, facts))}\n…\n` +
          `scopeChallenge: scopeChallengeFor(${JSON.stringify(tool.name)}),`,
      });
    }
  } else if (facts.sdk === 'v2') {
    const toolScopesFile = `${folder}/${TOOL_SCOPES_MODULE}${importExtension(flavor.extension)}`;
    for (const file of [...new Set(facts.tools.map((tool) => tool.file))].sort()) {
      const specifier = relativeImport(file, toolScopesFile);
      const result = patchToolRegistrations({
        file,
        source: current(file)!,
        mappedTools,
        toolScopesSpecifier: specifier,
        esm: !isCommonJsFile(file, facts),
      });
      if (result.text !== undefined) contents.set(file, result.text);
      for (const step of result.manual) {
        manual.push({
          ...step,
          snippet: `${scopeChallengeImport(specifier, !isCommonJsFile(file, facts))}\n…\n${step.snippet}`,
        });
      }
    }
  }
  // v2 resources and prompts: the same check belongs in their registration's config; the line to add is shown.
  // (v1 checks them in the guard, from the policy, like tools.)
  if (facts.sdk === 'v2') {
    const toolScopesFile = `${folder}/${TOOL_SCOPES_MODULE}${importExtension(flavor.extension)}`;
    const required = new Map<string, string[]>([
      ...config.resources.map((resource): [string, string[]] => [`resource ${resource.uri}`, resource.scopes]),
      ...config.prompts.map((prompt): [string, string[]] => [`prompt ${prompt.name}`, prompt.scopes]),
    ]);
    const registered = [
      ...facts.resources.map((item) => ({ ...item, kind: 'resource', fn: 'resourceScopeChallengeFor' })),
      ...facts.prompts.map((item) => ({ ...item, kind: 'prompt', fn: 'promptScopeChallengeFor' })),
    ];
    for (const item of registered) {
      if (!required.get(`${item.kind} ${item.key}`)?.length) continue;
      const specifier = relativeImport(item.file, toolScopesFile);
      const esmFile = !isCommonJsFile(item.file, facts);
      manual.push({
        file: item.file,
        line: item.line,
        reason:
          `the ${item.kind} ${item.key} needs ${required.get(`${item.kind} ${item.key}`)!.join(' ')}: ` +
          `add its scope check to the config of its registration` +
          (item.api === 'resource' || item.api === 'prompt'
            ? ` (register it with ${item.api === 'resource' ? 'registerResource' : 'registerPrompt'}, which takes one)`
            : ''),
        snippet:
          (esmFile ? `import { ${item.fn} } from '${specifier}';` : `const { ${item.fn} } = require('${specifier}');`) +
          `\n…\nscopeChallenge: ${item.fn}(${JSON.stringify(item.key)}),`,
      });
    }
  }
  for (const tool of facts.unreadableTools) {
    notes.push(
      `${tool.file}:${tool.line} registers a tool whose name is not a literal: ` +
        `map it in ${folder}/${TOOL_SCOPES_MODULE}${flavor.extension} yourself`,
    );
  }

  // 4. Dependencies the modules import, without touching versions the project already has.
  const dependencies = missingDependencies(
    facts.manifest as Record<string, unknown>,
    moduleDependencies(facts.framework.name, facts.language === 'ts', !facts.framework.declared),
  );
  if (dependencies.length > 0) contents.set('package.json', addDependencies(snapshot.packageJson, dependencies));
  const compiler = commonJsCompilerProblem(facts, flavor.extension);
  if (compiler) notes.push(compiler);

  // 5. .env.example: the variables the guard reads.
  const env = addEnvVariables(snapshot.envExample, oauthEnvVariables(config));
  if (env) contents.set('.env.example', env.text);

  const originals = new Map<string, string | undefined>(
    [...contents.keys()].map((file) => [file, originalOf(file, snapshot)]),
  );
  const changes: FileChange[] = [...contents.entries()]
    .filter(([file, text]) => originals.get(file) !== text)
    .map(([file, text]) => ({
      path: file,
      ...(originals.get(file) === undefined ? {} : { before: originals.get(file) }),
      after: text,
    }));
  // 6. The record of what was generated, for `upgrade`: written with a change, never on its own.
  if (changes.length > 0) {
    const record = recordFile(
      {
        kind: 'add',
        answers: addAnswers({
          framework: facts.framework.name,
          sdk: facts.sdk,
          extension: flavor.extension,
          syntax: flavor.syntax,
          folder,
          resourceName: facts.packageName,
          scopes: config.scopes,
          tools: config.tools,
          resources: config.resources,
          prompts: config.prompts,
        }),
      },
      added,
    );
    if (record.contents !== snapshot.record)
      changes.push({
        path: RECORD_FILE,
        ...(snapshot.record === undefined ? {} : { before: snapshot.record }),
        after: record.contents,
      });
  }
  changes.sort((a, b) => byCodeUnits(a.path, b.path));
  return { changes, dependencies, envAdded: env?.added ?? [], manual, notes, folder };
}

function originalOf(file: string, snapshot: ProjectSnapshot): string | undefined {
  if (file === 'package.json') return snapshot.packageJson;
  if (file === '.env.example') return snapshot.envExample;
  return snapshot.files.get(file);
}

export function outputFlavor(facts: ProjectFacts): OutputFlavor {
  const entryFile = facts.entry.kind === 'found' || facts.entry.kind === 'not-found' ? facts.entry.file : undefined;
  const fallback = facts.language === 'ts' ? '.ts' : '.js';
  const extension = entryFile ? path.posix.extname(entryFile).replace('.tsx', '.ts').replace('.jsx', '.js') : fallback;
  if (facts.language === 'ts') return { extension, syntax: 'ts' };
  // .mjs and .cjs say their module system whatever package.json says.
  const byExtension: Record<string, 'esm' | 'cjs'> = { '.mjs': 'esm', '.cjs': 'cjs' };
  return { extension, syntax: byExtension[extension] ?? facts.moduleSystem };
}

/** The file that registers the guard: the root app's for a mounted route, else the route's. */
export function guardFile(facts: ProjectFacts): string | undefined {
  const { entry } = facts;
  if (entry.kind === 'found') return entry.route.mount?.guard.file ?? entry.file;
  return entry.kind === 'not-found' ? entry.file : undefined;
}

/**
 * Where the OAuth module goes: `mcp-oauth/` next to the file that registers the guard. On Vercel, a file under api/
 * is deployed as a function of its own unless a part of its path starts with `_` (Vercel's build ignores those), so
 * there the folder is `_mcp-oauth/`: the module's files must not become endpoints.
 */
export function moduleFolder(facts: ProjectFacts): string {
  const entryFile = guardFile(facts);
  const dir = entryFile ? path.posix.dirname(entryFile) : '.';
  const inVercelFunctions = facts.vercel === true && (dir === 'api' || dir.startsWith('api/'));
  const name = inVercelFunctions ? '_mcp-oauth' : 'mcp-oauth';
  return dir === '.' ? name : `${dir}/${name}`;
}

/**
 * What the auth modules import, for a project on `framework`, in TypeScript or not (`upgrade` raises these too), at
 * the versions the generated servers use. `withFramework` adds the framework itself, for a project that only has it
 * through the MCP SDK (v1's `createMcpExpressApp`): the adapter imports it, so it must be a dependency of its own.
 */
export function moduleDependencies(
  framework: Framework,
  typescript: boolean,
  withFramework = false,
): DependencyToAdd[] {
  const wanted = (name: string, dev = false): DependencyToAdd => ({ name, range: testedRange(name), dev });
  const dependencies = [wanted('jose')];
  if (withFramework) dependencies.push(wanted(framework));
  if (framework === 'express') {
    dependencies.push(wanted('cors'));
    if (typescript) dependencies.push(wanted('@types/cors', true));
    if (typescript && withFramework) dependencies.push(wanted('@types/express', true));
  }
  if (typescript) dependencies.push(wanted('@types/node', true));
  return dependencies;
}

/**
 * TypeScript compiled to CommonJS turns the modules' `import … from 'jose'` into `require('jose')`. jose 6 is ES
 * modules only: Node >= 20.19 can require it, but TypeScript refuses to under `"module": "node16"`, and under
 * `"nodenext"` before 5.8. Their build would fail, so say how to fix it (the user's tsconfig is theirs to change).
 */
function commonJsCompilerProblem(facts: ProjectFacts, extension: string): string | undefined {
  if (facts.language !== 'ts' || facts.manifest.type === 'module' || !/^\.tsx?$/.test(extension)) return undefined;
  const range = facts.manifest.devDependencies?.typescript ?? facts.manifest.dependencies?.typescript ?? '';
  const typescript = /(\d+)\.(\d+)/.exec(range);
  const before58 = typescript !== null && Number(typescript[1]) === 5 && Number(typescript[2]) < 8;
  if (facts.compilerModule !== 'node16' && !(facts.compilerModule === 'nodenext' && before58)) return undefined;
  return (
    `tsconfig.json compiles to CommonJS with "module": "${facts.compilerModule}", where TypeScript refuses to ` +
    `require jose 6 (ES modules only), so the build fails: set "module" and "moduleResolution" to "nodenext" ` +
    `with TypeScript 5.8 or later, which lets CommonJS require ES modules as Node 20.19+ does`
  );
}

/** `src/tools/notes.ts` → `src/mcp-oauth/tool-scopes.js` gives `../mcp-oauth/tool-scopes.js`. */
export function relativeImport(fromFile: string, toFile: string): string {
  const relative = path.posix.relative(path.posix.dirname(fromFile), toFile);
  return relative.startsWith('.') ? relative : `./${relative}`;
}

function isCommonJsFile(file: string, facts: ProjectFacts): boolean {
  if (file.endsWith('.cjs')) return true;
  if (file.endsWith('.mjs') || /\.[cm]?tsx?$/.test(file)) return false;
  return facts.moduleSystem === 'cjs';
}

/** The tool names in an existing tool-scope map (`export const TOOL_SCOPES = { name: [...] }`). */
function toolScopeKeys(source: string, file: string): Set<string> {
  const keys = new Set<string>();
  let ast;
  try {
    ast = parseModule(source, file);
  } catch {
    return keys;
  }
  walk(ast, (node) => {
    if (!n.VariableDeclarator.check(node) || !n.Identifier.check(node.id) || node.id.name !== 'TOOL_SCOPES') return;
    walk(node.init, (inner) => {
      if (n.ObjectExpression.check(inner)) {
        for (const property of inner.properties) {
          if (n.ObjectProperty.check(property) || n.Property.check(property)) {
            const key = n.Identifier.check(property.key) ? property.key.name : stringValue(property.key);
            if (key !== undefined) keys.add(key);
          }
        }
        return false;
      }
      return undefined;
    });
    return false;
  });
  return keys;
}
