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
import { askRegistration, askResourceId, askScalekitEnvUrl, askServerUrlInAudience } from '../config/questions.js';
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
  const defaultBaseUrl = `http://localhost:${facts.port ?? 3000}`;
  const baseUrl = given.baseUrl ?? (prompter ? await askBaseUrl(prompter, defaultBaseUrl) : defaultBaseUrl);
  const mcpServerUrl = joinMcpServerUrl(baseUrl, mcpPath);
  const scalekitEnvUrl = given.scalekitEnvUrl ?? (prompter ? await askScalekitEnvUrl(prompter) : PLACEHOLDER_ENV_URL);
  const resourceId = given.resourceId ?? (prompter ? await askResourceId(prompter) : PLACEHOLDER_RESOURCE_ID);
  const serverUrlInAudience =
    flags.serverUrlInAudience ??
    (prompter ? await askServerUrlInAudience(prompter, mcpServerUrl) : DEFAULT_SERVER_URL_IN_AUDIENCE);

  const notes: string[] = [];
  const detected = facts.tools.map((tool) => tool.name);
  const scopesGiven = given.scopes ?? (prompter && !given.tools ? await askScopes(prompter) : undefined);
  const toolsGiven = given.tools ?? (prompter ? await askToolScopes(prompter, detected, scopesGiven ?? []) : undefined);
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

async function askBaseUrl(prompter: Prompter, defaultValue: string): Promise<string> {
  const answer = await prompter.text({
    message: 'Public base URL where MCP hosts reach the server',
    placeholder: defaultValue,
    defaultValue,
    validate: (input) => {
      const result = validateBaseUrl(input);
      return result.ok ? undefined : result.error;
    },
  });
  const result = validateBaseUrl(answer);
  if (!result.ok) throw new Error(`validated answer failed validation: ${result.error}`);
  return result.value;
}

/** Scope names (and descriptions) the server defines; none is a valid answer. */
async function askScopes(prompter: Prompter): Promise<ScopeSpec[]> {
  const scopes: ScopeSpec[] = [];
  for (;;) {
    const name = await prompter.text({
      message:
        scopes.length === 0
          ? 'A scope this server defines, e.g. notes:read (Enter for none: any valid token may call every tool)'
          : 'Another scope (Enter when done)',
      validate: (input) => {
        if (input.trim() === '') return undefined;
        const result = validateScopeName(input);
        if (!result.ok) return result.error;
        return scopes.some((scope) => scope.name === result.value) ? `${result.value} is already defined` : undefined;
      },
    });
    if (name.trim() === '') return scopes;
    const description = await prompter.text({
      message: `What does ${name.trim()} allow? (a description for humans; optional)`,
    });
    const parsed = validateScopeName(name);
    if (parsed.ok) scopes.push({ name: parsed.value, description });
  }
}

/** For each tool the code registers, which scopes it requires. */
async function askToolScopes(
  prompter: Prompter,
  detected: string[],
  scopes: ScopeSpec[],
): Promise<ToolSpec[] | undefined> {
  if (scopes.length === 0 || detected.length === 0) return undefined;
  const tools: ToolSpec[] = [];
  for (const name of detected) {
    const required = await prompter.multiselect({
      message: `Scopes the tool ${name} requires (Space to toggle, Enter to confirm; none: any valid token)`,
      options: scopes.map((scope) => ({
        value: scope.name,
        label: scope.name,
        ...(scope.description ? { hint: scope.description } : {}),
      })),
    });
    tools.push({ name, scopes: required });
  }
  return tools;
}
