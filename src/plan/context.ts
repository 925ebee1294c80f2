/**
 * The data templates see: the validated config plus what is derived from it (module names, flags for
 * optional files, commands). Computed once, here, so templates stay free of logic.
 */
import type { PackageManager, ProjectConfig, ToolSpec } from '../core/types.js';
import { PLACEHOLDER_ENV_URL, PLACEHOLDER_RESOURCE_ID } from '../core/types.js';
import { workerName } from './wrangler-config.js';
import { dockerfileCommands, projectCommands, type DockerfileCommands, type ProjectCommands } from './commands.js';

/** Tools with a real implementation in the templates; any other name gets a stub to fill in. */
export const BUILT_IN_TOOLS = {
  whoami: { moduleName: 'whoami', registerFunction: 'registerWhoami', usesTodos: false },
  list_todos: { moduleName: 'list-todos', registerFunction: 'registerListTodos', usesTodos: true },
  add_todo: { moduleName: 'add-todo', registerFunction: 'registerAddTodo', usesTodos: true },
} as const;

export interface ToolContext extends ToolSpec {
  builtIn: boolean;
  /** File name under src/mcp/tools/, without extension: unique even on case-insensitive file systems. */
  moduleName: string;
  /** A valid, unique TypeScript identifier. */
  registerFunction: string;
  usesTodos: boolean;
}

export interface TemplateContext extends Omit<ProjectConfig, 'tools'> {
  tools: ToolContext[];
  customTools: ToolContext[];
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
  const base = new URL(config.baseUrl);
  const isLocal = ['localhost', '127.0.0.1', '[::1]'].includes(base.hostname);
  const server = new URL(config.mcpServerUrl);
  return {
    ...config,
    tools,
    customTools: tools.filter((tool) => !tool.builtIn),
    hasTodos: tools.some((tool) => tool.usesTodos),
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
  const takenModules = new Set<string>(['index', ...Object.values(BUILT_IN_TOOLS).map((tool) => tool.moduleName)]);
  const takenFunctions = new Set<string>([
    'registerTools',
    ...Object.values(BUILT_IN_TOOLS).map((tool) => tool.registerFunction),
  ]);
  return tools.map((tool) => {
    const builtIn = Object.hasOwn(BUILT_IN_TOOLS, tool.name)
      ? BUILT_IN_TOOLS[tool.name as keyof typeof BUILT_IN_TOOLS]
      : undefined;
    if (builtIn) return { ...tool, ...builtIn, builtIn: true };
    return {
      ...tool,
      builtIn: false,
      usesTodos: false,
      moduleName: claim(takenModules, kebabCase(tool.name) || 'tool', (name) => name.toLowerCase()),
      registerFunction: claim(takenFunctions, `register${pascalCase(tool.name)}`, (name) => name),
    };
  });
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

function pascalCase(name: string): string {
  const pascal = words(name)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join('');
  return pascal || 'Tool';
}
