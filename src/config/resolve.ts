import type { ScaffoldFlags } from '../args/scaffold-options.js';
import { CliError } from '../core/errors.js';
import type { Prompter } from '../core/prompter.js';
import { describeEntries, type TargetState } from '../core/target-state.js';
import {
  DEFAULT_BASE_URL,
  DEFAULT_DEPLOY_TARGET,
  DEFAULT_DIR,
  DEFAULT_FRAMEWORK,
  DEFAULT_MCP_PATH,
  DEFAULT_FILTER_LISTS,
  DEFAULT_REGISTRATION,
  DEFAULT_SCOPES,
  DEFAULT_SERVER_URL_IN_AUDIENCE,
} from '../core/defaults.js';
import {
  checkDeployTarget,
  detectPackageManager,
  frameworksFor,
  validateDeployTarget,
  validateFramework,
  validatePackageManager,
  validateRegistration,
  validateResourceId,
} from './identifiers.js';
import { resolveTargetDir, type TargetDir } from './package-name.js';
import {
  askBaseUrl,
  askDeployTarget,
  askFramework,
  askFilterLists,
  askMcpPath,
  askRegistration,
  askResourcesAndPrompts,
  askResourceId,
  askScalekitEnvUrl,
  askScopes,
  askServerUrlInAudience,
  askTargetDir,
  askTools,
} from './questions.js';
import type { Result } from './result.js';
import {
  parsePromptSpec,
  parseResourceSpec,
  parseScopeSpec,
  parseToolSpec,
  reconcileScopesAndTools,
} from './scopes-tools.js';
import {
  PLACEHOLDER_ENV_URL,
  FRAMEWORKS,
  PLACEHOLDER_RESOURCE_ID,
  type DeployTarget,
  type Framework,
  type PackageManager,
  type ProjectConfig,
  type PromptSpec,
  type Registration,
  type ResourceSpec,
  type RunOptions,
  type ScopeSpec,
  type ToolSpec,
} from '../core/types.js';
import { joinMcpServerUrl, validateBaseUrl, validateMcpPath, validateScalekitEnvUrl } from './urls.js';

/**
 * Flags + answers + defaults → a validated ProjectConfig and RunOptions.
 *
 * Rules: every flag is validated before anything is asked; only values not given are asked for,
 * and only when we may prompt (`ask`) and `--yes` is off. Without prompts, `--yes` takes defaults;
 * otherwise the inputs in REQUIRED_WITHOUT_PROMPT must be given, and the rest take their defaults.
 */

export interface ResolveContext {
  cwd: string;
  /** The prompter, or `undefined` when we must not prompt; `nonInteractiveReason` then says why. */
  prompter: Prompter | undefined;
  nonInteractiveReason?: string;
  inspectTarget: (targetDir: string) => Promise<TargetState>;
  /** `npm_config_user_agent`, to default the package manager to the one that ran us. */
  userAgent: string | undefined;
}

export interface ResolvedScaffold {
  config: ProjectConfig;
  run: RunOptions;
  /** Decisions made on the user's behalf (dropped example tools, auto-declared scopes…). */
  notes: string[];
  /** Which Scalekit values are still placeholders the user must fill in `.env`. */
  placeholders: { envUrl: boolean; resourceId: boolean };
}

/** Inputs without a sensible default for a real project: without a prompt they need a flag or `--yes`. */
const REQUIRED_WITHOUT_PROMPT = [
  { key: 'dir', flag: '[dir]', fix: `pass the directory to create, or --yes to use ${DEFAULT_DIR}` },
  { key: 'framework', flag: '--framework', fix: `pass express or hono, or --yes to use ${DEFAULT_FRAMEWORK}` },
  {
    key: 'baseUrl',
    flag: '--base-url',
    fix: `pass the URL hosts reach the server at, or --yes to use ${DEFAULT_BASE_URL}`,
  },
  { key: 'scalekitEnvUrl', flag: '--scalekit-env-url', fix: 'pass it, or --yes to use a placeholder' },
  { key: 'resourceId', flag: '--resource-id', fix: 'pass it, or --yes to use a placeholder' },
] as const satisfies readonly { key: keyof ScaffoldFlags; flag: string; fix: string }[];

export async function resolveScaffold(flags: ScaffoldFlags, context: ResolveContext): Promise<ResolvedScaffold> {
  const given = validateFlags(flags, context.cwd);
  const prompter = flags.yes ? undefined : context.prompter;
  if (!prompter && !flags.yes) assertRequiredGiven(flags, context.nonInteractiveReason);

  const { target, force } = await chooseTarget(given.target, flags, prompter, context);
  const framework = given.framework ?? (await chooseFramework(given.deploy, prompter));
  const deploy = given.deploy ?? (prompter ? await askDeployTarget(prompter, framework) : DEFAULT_DEPLOY_TARGET);
  const deployCheck = checkDeployTarget(deploy, framework);
  if (!deployCheck.ok) throw new CliError(`--deploy: ${deployCheck.error}`);
  const baseUrl = given.baseUrl ?? (prompter ? await askBaseUrl(prompter) : DEFAULT_BASE_URL);
  const mcpPath = given.mcpPath ?? (prompter ? await askMcpPath(prompter) : DEFAULT_MCP_PATH);
  const mcpServerUrl = joinMcpServerUrl(baseUrl, mcpPath);
  const scalekitEnvUrl = given.scalekitEnvUrl ?? (prompter ? await askScalekitEnvUrl(prompter) : PLACEHOLDER_ENV_URL);
  const resourceId = given.resourceId ?? (prompter ? await askResourceId(prompter) : PLACEHOLDER_RESOURCE_ID);
  const serverUrlInAudience =
    given.serverUrlInAudience ??
    (prompter ? await askServerUrlInAudience(prompter, mcpServerUrl) : DEFAULT_SERVER_URL_IN_AUDIENCE);
  const scopesGiven = given.scopes ?? (prompter ? await askScopes(prompter) : undefined);
  const toolsGiven =
    given.tools ?? (prompter ? await askTools(prompter, scopesGiven ?? [...DEFAULT_SCOPES]) : undefined);
  const primitives =
    given.resources !== undefined || given.prompts !== undefined || !prompter
      ? { resources: given.resources, prompts: given.prompts }
      : await askResourcesAndPrompts(prompter, scopesGiven ?? [...DEFAULT_SCOPES]);
  const filterLists = given.filterLists ?? (prompter ? await askFilterLists(prompter) : DEFAULT_FILTER_LISTS);
  const registration = given.registration ?? (prompter ? await askRegistration(prompter) : DEFAULT_REGISTRATION);

  const scopesAndTools = reconcileScopesAndTools({
    scopes: scopesGiven,
    tools: toolsGiven,
    resources: primitives.resources,
    prompts: primitives.prompts,
  });
  if (!scopesAndTools.ok) throw new CliError(scopesAndTools.error);

  return {
    config: {
      targetDir: target.targetDir,
      packageName: target.packageName,
      framework,
      deploy,
      baseUrl,
      mcpPath,
      mcpServerUrl,
      scalekitEnvUrl,
      resourceId,
      serverUrlInAudience,
      scopes: scopesAndTools.value.scopes,
      tools: scopesAndTools.value.tools,
      resources: scopesAndTools.value.resources,
      prompts: scopesAndTools.value.prompts,
      filterLists,
      registration,
    },
    run: {
      packageManager: given.packageManager ?? detectPackageManager(context.userAgent),
      install: flags.install,
      git: flags.git,
      force,
      dryRun: flags.dryRun,
    },
    notes: scopesAndTools.value.notes,
    placeholders: {
      envUrl: scalekitEnvUrl === PLACEHOLDER_ENV_URL,
      resourceId: resourceId === PLACEHOLDER_RESOURCE_ID,
    },
  };
}

interface GivenValues {
  target?: TargetDir;
  framework?: Framework;
  deploy?: DeployTarget;
  baseUrl?: string;
  mcpPath?: string;
  scalekitEnvUrl?: string;
  resourceId?: string;
  serverUrlInAudience?: boolean;
  scopes?: ScopeSpec[];
  tools?: ToolSpec[];
  resources?: ResourceSpec[];
  prompts?: PromptSpec[];
  filterLists?: boolean;
  registration?: Registration;
  packageManager?: PackageManager;
}

/** Validate every flag that was given, so a typo fails before the first question. */
export function validateFlags(flags: ScaffoldFlags, cwd: string): GivenValues {
  const check = <T>(flag: string, value: string | undefined, validate: (input: string) => Result<T>): T | undefined => {
    if (value === undefined) return undefined;
    const result = validate(value);
    if (!result.ok) throw new CliError(`${flag}: ${result.error}`);
    return result.value;
  };
  const checkEach = <T>(flag: string, values: string[] | undefined, parse: (input: string) => Result<T>) =>
    values?.map((value) => check(flag, value, parse) as T);

  return {
    target: check('[dir]', flags.dir, (input) => resolveTargetDir(input, cwd)),
    framework: check('--framework', flags.framework, validateFramework),
    deploy: check('--deploy', flags.deploy, validateDeployTarget),
    baseUrl: check('--base-url', flags.baseUrl, validateBaseUrl),
    mcpPath: check('--mcp-path', flags.mcpPath, validateMcpPath),
    scalekitEnvUrl: check('--scalekit-env-url', flags.scalekitEnvUrl, validateScalekitEnvUrl),
    resourceId: check('--resource-id', flags.resourceId, validateResourceId),
    serverUrlInAudience: flags.serverUrlInAudience,
    scopes: checkEach('--scope', flags.scopes, parseScopeSpec),
    tools: checkEach('--tool', flags.tools, parseToolSpec),
    resources: checkEach('--resource', flags.resources, parseResourceSpec),
    prompts: checkEach('--prompt', flags.prompts, parsePromptSpec),
    filterLists: flags.filterLists,
    registration: check('--registration', flags.registration, validateRegistration),
    packageManager: check('--package-manager', flags.packageManager, validatePackageManager),
  };
}

/**
 * Without `--framework`: asked among the frameworks the deploy target runs,
 * else the default (or the target's first).
 */
async function chooseFramework(deploy: DeployTarget | undefined, prompter: Prompter | undefined): Promise<Framework> {
  const offered = deploy ? frameworksFor(deploy) : FRAMEWORKS;
  if (prompter) return askFramework(prompter, offered);
  return offered.includes(DEFAULT_FRAMEWORK) ? DEFAULT_FRAMEWORK : offered[0]!;
}

function assertRequiredGiven(flags: ScaffoldFlags, reason = 'not prompting'): void {
  const missing = REQUIRED_WITHOUT_PROMPT.filter(({ key }) => flags[key] === undefined);
  if (missing.length === 0) return;
  const lines = missing.map(({ flag, fix }) => `missing ${flag}: ${fix}`);
  throw new CliError(`${lines.join('\n')}\n(can't prompt: ${reason})`);
}

/** Pick the target directory and make sure we may write into it (asking before using a non-empty one). */
async function chooseTarget(
  given: TargetDir | undefined,
  flags: ScaffoldFlags,
  prompter: Prompter | undefined,
  context: ResolveContext,
): Promise<{ target: TargetDir; force: boolean }> {
  let candidate = given ?? (prompter ? undefined : mustResolve(DEFAULT_DIR, context.cwd));
  for (;;) {
    const target = candidate ?? (await askTargetDir(prompter!, context.cwd, context.inspectTarget));
    const state = await context.inspectTarget(target.targetDir);
    if (state.kind === 'unusable') {
      if (candidate === undefined) continue; // the prompt's validation already showed why
      throw new CliError(`[dir]: ${state.reason}`);
    }
    if (state.kind !== 'not-empty' || flags.force) return { target, force: flags.force };
    if (!prompter) {
      throw new CliError(
        `[dir]: ${target.targetDir} is not empty (${describeEntries(state.entries)}); ` +
          `choose another directory, or pass --force to write into it (only generated files are overwritten)`,
      );
    }
    const overwrite = await prompter.confirm({
      message:
        `${target.targetDir} is not empty (${describeEntries(state.entries)}). Write into it anyway? ` +
        `Files the generator produces will be overwritten (an existing .env is kept); nothing is deleted.`,
      initialValue: false,
    });
    if (overwrite) return { target, force: true };
    prompter.note('Choose another directory, then.');
    candidate = undefined;
  }
}

function mustResolve(dir: string, cwd: string): TargetDir {
  const result = resolveTargetDir(dir, cwd);
  if (!result.ok) throw new CliError(`[dir]: ${result.error}`);
  return result.value;
}
