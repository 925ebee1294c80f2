/**
 * The data templates see: the validated config plus what is derived from it (module names, flags for
 * optional files, commands). Computed once, here, so templates stay free of logic.
 */
import { isUriTemplate } from '../config/scopes-tools.js';
import type { PackageManager, ProjectConfig, PromptSpec, ResourceSpec, ToolSpec } from '../core/types.js';
import { PLACEHOLDER_ENV_URL, PLACEHOLDER_RESOURCE_ID } from '../core/types.js';
import { workerName } from './worker-name.js';
import { dockerfileCommands, projectCommands, type DockerfileCommands, type ProjectCommands } from './commands.js';

/** Tools with a real implementation in the templates; any other name gets a stub to fill in. */
export const BUILT_IN_TOOLS = {
  whoami: { moduleName: 'whoami', registerFunction: 'registerWhoami', usesTodos: false },
  list_todos: { moduleName: 'list-todos', registerFunction: 'registerListTodos', usesTodos: true },
  add_todo: { moduleName: 'add-todo', registerFunction: 'registerAddTodo', usesTodos: true },
} as const;

/** The example resource template and prompt, implemented in the templates. */
export const BUILT_IN_RESOURCES = {
  'todo://todos/{id}': {
    moduleName: 'todo-by-id',
    registerFunction: 'registerTodoById',
    usesTodos: true,
    name: 'todo',
  },
} as const;

export const BUILT_IN_PROMPTS = {
  review_todos: { moduleName: 'review-todos', registerFunction: 'registerReviewTodos', usesTodos: true },
} as const;

/** How one tool, resource or prompt is registered: by a function in its own module. */
interface Registration {
  builtIn: boolean;
  /** File name under src/mcp/<kind>/, without extension: unique even on case-insensitive file systems. */
  moduleName: string;
  /** A valid, unique TypeScript identifier. */
  registerFunction: string;
  usesTodos: boolean;
}

export interface ToolContext extends ToolSpec, Registration {}

export interface PromptContext extends PromptSpec, Registration {}

export interface ResourceContext extends ResourceSpec, Registration {
  /** A URI template (a family of resources) rather than one URI. */
  template: boolean;
  /** The registration name (`registerResource(name, …)`): unique. */
  name: string;
}

export interface TemplateContext extends Omit<ProjectConfig, 'tools' | 'resources' | 'prompts'> {
  tools: ToolContext[];
  customTools: ToolContext[];
  resources: ResourceContext[];
  customResources: ResourceContext[];
  prompts: PromptContext[];
  customPrompts: PromptContext[];
  toolsUseTodos: boolean;
  resourcesUseTodos: boolean;
  promptsUseTodos: boolean;
  /** Some tool, resource or prompt uses the todo store. */
  hasTodos: boolean;
  /** Both todo tools exist, so the example end-to-end todo test applies. */
  hasTodoPair: boolean;
  hasWhoami: boolean;
  placeholders: boolean;
  /** Port the server listens on: the base URL's for local servers, 3000 behind a proxy otherwise. */
  port: number;
  isLocal: boolean;
  metadataUrl: string;
  authorizationServer: string;
  packageManager: PackageManager;
  commands: ProjectCommands;
  frameworkName: string;
  /** `--deploy docker`: the README documents the image and the Kubernetes manifest. */
  docker: boolean;
  /** `--deploy workers`: a Cloudflare Worker (wrangler), not a Node process. */
  workers: boolean;
  /** The Worker's name in wrangler.jsonc (and its workers.dev host name). */
  workerName: string;
  /** The git-ignored file holding the answers: `.env`, or `.dev.vars` (wrangler's) for a Worker. */
  localConfigFile: '.env' | '.dev.vars';
  dockerfile: DockerfileCommands;
  /** The package name as a Kubernetes object name (a letter, then a-z, 0-9 and `-`; at most 50). */
  kubernetesName: string;
  serverUrlInAudienceText: string;
  dcr: boolean;
  cimd: boolean;
}

export function templateContext(config: ProjectConfig, packageManager: PackageManager): TemplateContext {
  const tools = toolContexts(config.tools);
  const resources = resourceContexts(config.resources);
  const prompts = promptContexts(config.prompts);
  const toolsUseTodos = tools.some((tool) => tool.usesTodos);
  const resourcesUseTodos = resources.some((resource) => resource.usesTodos);
  const promptsUseTodos = prompts.some((prompt) => prompt.usesTodos);
  const base = new URL(config.baseUrl);
  const isLocal = ['localhost', '127.0.0.1', '[::1]'].includes(base.hostname);
  const server = new URL(config.mcpServerUrl);
  return {
    ...config,
    tools,
    customTools: tools.filter((tool) => !tool.builtIn),
    resources,
    customResources: resources.filter((resource) => !resource.builtIn),
    prompts,
    customPrompts: prompts.filter((prompt) => !prompt.builtIn),
    toolsUseTodos,
    resourcesUseTodos,
    promptsUseTodos,
    hasTodos: toolsUseTodos || resourcesUseTodos || promptsUseTodos,
    hasTodoPair: tools.some((tool) => tool.name === 'add_todo') && tools.some((tool) => tool.name === 'list_todos'),
    hasWhoami: tools.some((tool) => tool.name === 'whoami'),
    placeholders: config.scalekitEnvUrl === PLACEHOLDER_ENV_URL || config.resourceId === PLACEHOLDER_RESOURCE_ID,
    port: isLocal ? Number(base.port || (base.protocol === 'https:' ? 443 : 80)) : 3000,
    isLocal,
    metadataUrl: `${server.origin}/.well-known/oauth-protected-resource${server.pathname}`,
    authorizationServer: `${config.scalekitEnvUrl}/resources/${config.resourceId}`,
    packageManager,
    commands: projectCommands(packageManager),
    frameworkName: config.framework === 'express' ? 'Express' : 'Hono',
    docker: config.deploy === 'docker',
    workers: config.deploy === 'workers',
    workerName: workerName(config.packageName),
    localConfigFile: config.deploy === 'workers' ? '.dev.vars' : '.env',
    dockerfile: dockerfileCommands(packageManager),
    kubernetesName: kubernetesName(config.packageName),
    serverUrlInAudienceText: String(config.serverUrlInAudience),
    dcr: config.registration === 'dcr' || config.registration === 'both',
    cimd: config.registration === 'cimd' || config.registration === 'both',
  };
}

/** Service names are RFC 1035 labels: a letter first, then a-z, 0-9 and `-`; short enough for pod-name suffixes. */
function kubernetesName(packageName: string): string {
  const name = packageName
    .replace(/^@[^/]*\//, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const labelled = /^[a-z]/.test(name) ? name : `mcp-${name}`;
  return labelled.slice(0, 50).replace(/-+$/, '');
}

function toolContexts(tools: ToolSpec[]): ToolContext[] {
  // Names the tools registry itself uses (src/mcp/tools/index.ts exports registerTools) are taken too.
  const claimRegistration = registrationClaimer(BUILT_IN_TOOLS, 'registerTools', 'tool');
  return tools.map((tool) => ({ ...tool, ...claimRegistration(tool.name, tool.name) }));
}

function promptContexts(prompts: PromptSpec[]): PromptContext[] {
  const claimRegistration = registrationClaimer(BUILT_IN_PROMPTS, 'registerPrompts', 'prompt');
  return prompts.map((prompt) => ({ ...prompt, ...claimRegistration(prompt.name, prompt.name) }));
}

function resourceContexts(resources: ResourceSpec[]): ResourceContext[] {
  const claimRegistration = registrationClaimer(BUILT_IN_RESOURCES, 'registerResources', 'resource');
  // The SDK keys URI templates by their registration name, so names must be unique too.
  const takenNames = new Set<string>(Object.values(BUILT_IN_RESOURCES).map((resource) => resource.name));
  return resources.map((resource) => {
    const builtIn = builtInOf(BUILT_IN_RESOURCES, resource.uri);
    const registration = claimRegistration(resource.uri, resourceWords(resource.uri));
    return {
      ...resource,
      ...registration,
      template: isUriTemplate(resource.uri),
      name: builtIn?.name ?? claim(takenNames, kebabCase(resourceWords(resource.uri)) || 'resource', (name) => name),
    };
  });
}

/** A URI's words for file and function names: `notes://notes/{id}` → `notes notes id`. */
function resourceWords(uri: string): string {
  return uri.replace(/%[0-9A-Fa-f]{2}/g, ' ');
}

type BuiltIns = Readonly<Record<string, Omit<Registration, 'builtIn'>>>;

function builtInOf<T extends BuiltIns>(builtIns: T, key: string): T[keyof T] | undefined {
  return Object.hasOwn(builtIns, key) ? builtIns[key as keyof T] : undefined;
}

/**
 * Hands out module and function names for one kind (tools, resources or prompts): the built-in ones for the
 * examples, fresh unique ones derived from `words` for the rest. `registry` is the function the kind's
 * index.ts exports, and `fallback` the word used when a name has no letters or digits.
 */
function registrationClaimer(
  builtIns: BuiltIns,
  registry: string,
  fallback: string,
): (key: string, words: string) => Registration {
  const takenModules = new Set<string>(['index', ...Object.values(builtIns).map((item) => item.moduleName)]);
  const takenFunctions = new Set<string>([registry, ...Object.values(builtIns).map((item) => item.registerFunction)]);
  return (key, source) => {
    const builtIn = builtInOf(builtIns, key);
    if (builtIn) {
      return {
        moduleName: builtIn.moduleName,
        registerFunction: builtIn.registerFunction,
        usesTodos: builtIn.usesTodos,
        builtIn: true,
      };
    }
    return {
      builtIn: false,
      usesTodos: false,
      moduleName: claim(takenModules, kebabCase(source) || fallback, (name) => name.toLowerCase()),
      registerFunction: claim(takenFunctions, `register${pascalCase(source, fallback)}`, (name) => name),
    };
  };
}

/** Returns `wanted`, or `wanted2`, `wanted3`… — the first one whose key is not taken yet — and takes it. */
function claim(taken: Set<string>, wanted: string, key: (name: string) => string): string {
  let candidate = wanted;
  for (let counter = 2; taken.has(key(candidate)); counter += 1) candidate = `${wanted}${counter}`;
  taken.add(key(candidate));
  return candidate;
}

function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
}

function kebabCase(name: string): string {
  return words(name).join('-').toLowerCase();
}

function pascalCase(name: string, fallback: string): string {
  const pascal = words(name)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join('');
  return pascal || fallback[0]!.toUpperCase() + fallback.slice(1);
}
