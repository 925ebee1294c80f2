/**
 * `add` flags + answers + what detection found → the validated inputs of the plan. Same rules as the
 * scaffold: every flag is validated (with the scaffold's validators) before anything is asked; only values
 * not given are asked for, and only when we may prompt and `--yes` is off.
 */
import { DEFAULT_REGISTRATION, DEFAULT_SERVER_URL_IN_AUDIENCE } from '../core/defaults.js';
import {
  detectPackageManager,
  validatePackageManager,
  validateRegistration,
  validateResourceId,
} from '../config/identifiers.js';
import {
  askBaseUrl,
  askRegistration,
  askResourceId,
  askScalekitEnvUrl,
  askScopes,
  askServerUrlInAudience,
  askTools,
} from '../config/questions.js';
import type { Result } from '../config/result.js';
import {
  parsePromptSpec,
  parseResourceSpec,
  parseScopeSpec,
  parseToolSpec,
  reconcileScopesAndTools,
  validatePromptName,
  validateResourceUri,
  validateScopeName,
} from '../config/scopes-tools.js';
import {
  PLACEHOLDER_ENV_URL,
  PLACEHOLDER_RESOURCE_ID,
  type PackageManager,
  type PromptSpec,
  type Registration,
  type ResourceSpec,
  type ScopeSpec,
  type ToolSpec,
} from '../core/types.js';
import { joinMcpServerUrl, validateBaseUrl, validateMcpPath, validateScalekitEnvUrl } from '../config/urls.js';
import { CliError } from '../core/errors.js';
import type { Prompter } from '../core/prompter.js';
import type { AddFlags } from '../args/add-options.js';
import type { ProjectFacts } from './detect.js';
import type { AddConfig } from './plan.js';

export interface GivenAddValues {
  baseUrl?: string;
  mcpPath?: string;
  scalekitEnvUrl?: string;
  resourceId?: string;
  scopes?: ScopeSpec[];
  tools?: ToolSpec[];
  resources?: ResourceSpec[];
  prompts?: PromptSpec[];
  registration?: Registration;
  packageManager?: PackageManager;
}

/** Validate every flag that was given, so a typo fails before detection output and questions. */
export function validateAddFlags(flags: AddFlags): GivenAddValues {
  const check = <T>(flag: string, value: string | undefined, validate: (input: string) => Result<T>): T | undefined => {
    if (value === undefined) return undefined;
    const result = validate(value);
    if (!result.ok) throw new CliError(`${flag}: ${result.error}`);
    return result.value;
  };
  const checkEach = <T>(flag: string, values: string[] | undefined, parse: (input: string) => Result<T>) =>
    values?.map((value) => check(flag, value, parse) as T);
  return {
    baseUrl: check('--base-url', flags.baseUrl, validateBaseUrl),
    mcpPath: check('--mcp-path', flags.mcpPath, validateMcpPath),
    scalekitEnvUrl: check('--scalekit-env-url', flags.scalekitEnvUrl, validateScalekitEnvUrl),
    resourceId: check('--resource-id', flags.resourceId, validateResourceId),
    scopes: checkEach('--scope', flags.scopes, parseScopeSpec),
    tools: checkEach('--tool', flags.tools, parseToolSpec),
    resources: checkEach('--resource', flags.resources, parseResourceSpec),
    prompts: checkEach('--prompt', flags.prompts, parsePromptSpec),
    registration: check('--registration', flags.registration, validateRegistration),
    packageManager: check('--package-manager', flags.packageManager, validatePackageManager),
  };
}

const REQUIRED_WITHOUT_PROMPT = [
  { key: 'scalekitEnvUrl', flag: '--scalekit-env-url', fix: 'pass it, or --yes to use a placeholder' },
  { key: 'resourceId', flag: '--resource-id', fix: 'pass it, or --yes to use a placeholder' },
] as const satisfies readonly { key: keyof AddFlags; flag: string; fix: string }[];

export interface ResolvedAdd {
  config: AddConfig;
  packageManager: PackageManager;
  notes: string[];
  placeholders: { envUrl: boolean; resourceId: boolean };
}

export interface ResolveAddContext {
  flags: AddFlags;
  given: GivenAddValues;
  facts: ProjectFacts;
  /** `undefined` when we must not prompt (or `--yes`). */
  prompter: Prompter | undefined;
  nonInteractiveReason?: string;
  userAgent: string | undefined;
}

export async function resolveAdd(context: ResolveAddContext): Promise<ResolvedAdd> {
  const { flags, given, facts } = context;
  const prompter = flags.yes ? undefined : context.prompter;
  if (!prompter && !flags.yes) {
    const missing = REQUIRED_WITHOUT_PROMPT.filter(({ key }) => flags[key] === undefined);
    if (missing.length > 0) {
      throw new CliError(
        `${missing.map(({ flag, fix }) => `missing ${flag}: ${fix}`).join('\n')}\n(can't ` +
          `prompt: ${context.nonInteractiveReason ?? 'not prompting'})`,
      );
    }
  }

  const mcpPath = facts.entry.kind === 'found' ? facts.entry.route.path : (given.mcpPath ?? '/mcp');
  // `wrangler dev` serves a Worker on 8787 unless told otherwise.
  const defaultBaseUrl = `http://localhost:${facts.port ?? (facts.worker ? 8787 : 3000)}`;
  const baseUrl = given.baseUrl ?? (prompter ? await askBaseUrl(prompter, defaultBaseUrl) : defaultBaseUrl);
  const mcpServerUrl = joinMcpServerUrl(baseUrl, mcpPath);
  const scalekitEnvUrl = given.scalekitEnvUrl ?? (prompter ? await askScalekitEnvUrl(prompter) : PLACEHOLDER_ENV_URL);
  const resourceId = given.resourceId ?? (prompter ? await askResourceId(prompter) : PLACEHOLDER_RESOURCE_ID);
  const serverUrlInAudience =
    flags.serverUrlInAudience ??
    (prompter ? await askServerUrlInAudience(prompter, mcpServerUrl) : DEFAULT_SERVER_URL_IN_AUDIENCE);

  const notes: string[] = [];
  const detected = facts.tools.map((tool) => tool.name);
  let scopesGiven = given.scopes;
  if (!scopesGiven && prompter && !given.tools) {
    const suggested = suggestScopes(facts.packageName);
    const offer = { scopes: suggested, label: 'Suggested for this project', allowNone: true };
    const answer = await askScopes(prompter, offer);
    scopesGiven = answer ?? suggested;
  }
  const toolsGiven =
    given.tools ??
    (prompter && scopesGiven?.length && detected.length > 0
      ? await askTools(prompter, scopesGiven, suggestToolScopes(detected, scopesGiven))
      : undefined);
  const tools = mergeTools(toolsGiven ?? [], detected, notes);
  const resources = mergeMapped(
    '--resource',
    (given.resources ?? []).map((resource) => ({ key: resource.uri, scopes: resource.scopes })),
    facts.resources.map((resource) => resource.key),
    validateResourceUri,
    notes,
  ).map(({ key, scopes }) => ({ uri: key, scopes }));
  const prompts = mergeMapped(
    '--prompt',
    (given.prompts ?? []).map((prompt) => ({ key: prompt.name, scopes: prompt.scopes })),
    facts.prompts.map((prompt) => prompt.key),
    validatePromptName,
    notes,
  ).map(({ key, scopes }) => ({ name: key, scopes }));
  const reconciled = reconcileScopesAndTools({ scopes: scopesGiven ?? [], tools, resources, prompts });
  if (!reconciled.ok) throw new CliError(reconciled.error);
  notes.push(...reconciled.value.notes);
  if (reconciled.value.tools.every((tool) => tool.scopes.length === 0)) {
    notes.push(
      'no tool requires a scope: any valid token may call every tool. Map ' +
        'tools to scopes with --tool name=scope (or in the tool-scopes file)',
    );
  }
  const registration = given.registration ?? (prompter ? await askRegistration(prompter) : DEFAULT_REGISTRATION);

  return {
    config: {
      baseUrl,
      mcpPath,
      mcpServerUrl,
      scalekitEnvUrl,
      resourceId,
      serverUrlInAudience,
      scopes: reconciled.value.scopes,
      tools: reconciled.value.tools,
      resources: reconciled.value.resources,
      prompts: reconciled.value.prompts,
      registration,
    },
    packageManager: given.packageManager ?? facts.packageManager?.name ?? detectPackageManager(context.userAgent),
    notes,
    placeholders: {
      envUrl: scalekitEnvUrl === PLACEHOLDER_ENV_URL,
      resourceId: resourceId === PLACEHOLDER_RESOURCE_ID,
    },
  };
}

/**
 * Every registered tool gets an entry (no scope unless mapped); mapped tools that are not registered are kept, with a
 * note.
 */
export function mergeTools(mapped: ToolSpec[], detected: string[], notes: string[]): ToolSpec[] {
  const names = new Set(mapped.map((tool) => tool.name));
  for (const tool of mapped) {
    if (!detected.includes(tool.name))
      notes.push(`--tool ${tool.name}: no registerTool('${tool.name}', …) found in the code; it is mapped anyway`);
  }
  const unmapped = detected.filter((name) => !names.has(name));
  if (mapped.length > 0 && unmapped.length > 0)
    notes.push(
      `${unmapped.join(', ')}: no --tool given, so any valid token may call ${unmapped.length === 1 ? 'it' : 'them'}`,
    );
  return [...mapped, ...unmapped.map((name) => ({ name, scopes: [] }))];
}

/**
 * Resources and prompts, like tools: every registered one gets an entry in the policy (no scope unless mapped
 * with the flag); mapped ones not found in the code are kept, with a note. A registered URI or name the
 * policy could not hold (one URL parsing would rewrite, so no request could ever match it) is left out, with a note.
 */
export function mergeMapped(
  flag: string,
  mapped: Array<{ key: string; scopes: string[] }>,
  detected: string[],
  validate: (key: string) => Result<string>,
  notes: string[],
): Array<{ key: string; scopes: string[] }> {
  const keys = new Set(mapped.map((item) => item.key));
  for (const item of mapped) {
    if (!detected.includes(item.key))
      notes.push(`${flag} ${item.key}: not found registered in the code; it is mapped anyway`);
  }
  const unmapped: string[] = [];
  for (const key of detected.filter((candidate) => !keys.has(candidate))) {
    const valid = validate(key);
    if (valid.ok) unmapped.push(key);
    else notes.push(`${flag}: the registered ${JSON.stringify(key)} is left out of the scope policy: ${valid.error}`);
  }
  if (unmapped.length > 0)
    notes.push(
      `${unmapped.join(', ')}: no ${flag} given, so any valid token may use ${unmapped.length === 1 ? 'it' : 'them'}`,
    );
  return [...mapped, ...unmapped.map((key) => ({ key, scopes: [] }))];
}

/**
 * Scopes to offer a server that has none yet: read and write on what the package is about
 * (`@acme/journal-mcp` → `journal:read`, `journal:write`).
 */
export function suggestScopes(packageName: string): ScopeSpec[] {
  const subject =
    packageName
      .replace(/^@[^/]+\//, '')
      .replace(/(^|[-_.])(mcp|server|api)(?=$|[-_.])/gi, '')
      .replace(/[^a-z0-9]+/gi, '-')
      .replace(/^-+|-+$/g, '')
      .toLowerCase() || 'mcp';
  const scopes = [
    { name: `${subject}:read`, description: `Read ${subject}` },
    { name: `${subject}:write`, description: `Change ${subject}` },
  ];
  return scopes.every((scope) => validateScopeName(scope.name).ok)
    ? scopes
    : [
        { name: 'mcp:read', description: 'Read' },
        { name: 'mcp:write', description: 'Change' },
      ];
}

/** Tools that read by their name (`list_…`, `get_…`, `search_…`) get the scopes ending in "read", others "write". */
export function suggestToolScopes(tools: readonly string[], scopes: readonly ScopeSpec[]): ToolSpec[] {
  const ending = (suffix: string) => scopes.filter((scope) => scope.name.endsWith(suffix)).map((scope) => scope.name);
  return tools.map((name) => ({
    name,
    scopes: READING_TOOL.test(name) ? ending('read') : ending('write'),
  }));
}

const READING_TOOL =
  /^(?:list|get|search|find|read|show|check|count|describe|fetch|query|lookup|view|whoami)(?:_|-|$|[A-Z])/;
