import type { Choice, Prompter } from '../core/prompter.js';
import type { TargetState } from '../core/target-state.js';
import {
  DEFAULT_BASE_URL,
  DEFAULT_DEPLOY_TARGET,
  DEFAULT_DIR,
  DEFAULT_FILTER_LISTS,
  DEFAULT_FRAMEWORK,
  DEFAULT_MCP_PATH,
  DEFAULT_PROMPTS,
  DEFAULT_REGISTRATION,
  DEFAULT_RESOURCES,
  DEFAULT_SCOPES,
  DEFAULT_SERVER_URL_IN_AUDIENCE,
  DEFAULT_TOOLS,
} from '../core/defaults.js';
import { deployTargetsFor, validateResourceId } from './identifiers.js';
import { resolveTargetDir, type TargetDir } from './package-name.js';
import type { Result } from './result.js';
import { validatePromptName, validateResourceUri, validateScopeName, validateToolName } from './scopes-tools.js';
import {
  PLACEHOLDER_ENV_URL,
  PLACEHOLDER_RESOURCE_ID,
  type DeployTarget,
  type Framework,
  type PromptSpec,
  type Registration,
  type ResourceSpec,
  type ScopeSpec,
  type ToolSpec,
} from '../core/types.js';
import { validateBaseUrl, validateMcpPath, validateScalekitEnvUrl } from './urls.js';

/**
 * One function per question the scaffold may ask. Each has a default (Enter accepts it) and checks
 * the answer with the same validator as the matching flag, so a prompt and a flag can never disagree.
 */

/** Adapt a Result validator to a prompt: a message when wrong, nothing when right. */
function promptCheck<T>(validate: (input: string) => Result<T>) {
  return (input: string): string | undefined => {
    const result = validate(input);
    return result.ok ? undefined : result.error;
  };
}

export async function askTargetDir(
  prompter: Prompter,
  cwd: string,
  inspectTarget: (targetDir: string) => Promise<TargetState>,
): Promise<TargetDir> {
  const answer = await prompter.text({
    message: 'Where should the project go?',
    placeholder: DEFAULT_DIR,
    defaultValue: DEFAULT_DIR,
    validate: async (input) => {
      const result = resolveTargetDir(input, cwd);
      if (!result.ok) return result.error;
      const state = await inspectTarget(result.value.targetDir);
      return state.kind === 'unusable' ? state.reason : undefined;
    },
  });
  return unwrap(resolveTargetDir(answer, cwd));
}

const FRAMEWORK_CHOICES: Record<Framework, Omit<Choice<Framework>, 'value'>> = {
  express: { label: 'Express', hint: 'the familiar Node.js classic' },
  hono: { label: 'Hono', hint: 'small and built on Web standards' },
};

/** `offered`: the frameworks the chosen deploy target runs (all of them when no target was given). */
export async function askFramework(prompter: Prompter, offered: readonly Framework[]): Promise<Framework> {
  return prompter.select<Framework>({
    message: 'Which framework?',
    options: offered.map((value) => ({ value, ...FRAMEWORK_CHOICES[value] })),
    initialValue: offered.includes(DEFAULT_FRAMEWORK) ? DEFAULT_FRAMEWORK : offered[0],
  });
}

const DEPLOY_TARGET_CHOICES: Record<DeployTarget, Omit<Choice<DeployTarget>, 'value'>> = {
  node: { label: 'Node.js', hint: 'npm start on any server or platform that runs Node' },
  docker: { label: 'Docker and Kubernetes', hint: 'adds a Dockerfile, .dockerignore and deploy/kubernetes.yaml' },
  workers: { label: 'Cloudflare Workers', hint: 'wrangler deploy to Cloudflare; needs Node 22.12+ to develop' },
};

/** Only the targets that run `framework` are offered. */
export async function askDeployTarget(prompter: Prompter, framework: Framework): Promise<DeployTarget> {
  const offered = deployTargetsFor(framework);
  return prompter.select<DeployTarget>({
    message: 'Where will the server run?',
    options: offered.map((value) => ({ value, ...DEPLOY_TARGET_CHOICES[value] })),
    initialValue: offered.includes(DEFAULT_DEPLOY_TARGET) ? DEFAULT_DEPLOY_TARGET : offered[0],
  });
}

/** `defaultValue`: what Enter accepts (`add` offers the port the project listens on). */
export async function askBaseUrl(prompter: Prompter, defaultValue = DEFAULT_BASE_URL): Promise<string> {
  const answer = await prompter.text({
    message: 'Public base URL where MCP hosts will reach the server',
    placeholder: defaultValue,
    defaultValue,
    validate: promptCheck(validateBaseUrl),
  });
  return unwrap(validateBaseUrl(answer));
}

/** `defaultValue`: what Enter accepts (`add` offers the path it detected, mount prefixes included). */
export async function askMcpPath(prompter: Prompter, defaultValue = DEFAULT_MCP_PATH): Promise<string> {
  const answer = await prompter.text({
    message: 'Path of the MCP endpoint',
    placeholder: defaultValue,
    defaultValue,
    validate: promptCheck(validateMcpPath),
  });
  return unwrap(validateMcpPath(answer));
}

export async function askScalekitEnvUrl(prompter: Prompter): Promise<string> {
  const answer = await prompter.text({
    message: "Scalekit environment URL (dashboard > Settings > API credentials) — press Enter if you don't have it yet",
    placeholder: 'https://<your-env>.scalekit.com, or Enter to fill it in later',
    defaultValue: PLACEHOLDER_ENV_URL,
    validate: promptCheck(validateScalekitEnvUrl),
  });
  return unwrap(validateScalekitEnvUrl(answer));
}

export async function askResourceId(prompter: Prompter): Promise<string> {
  const answer = await prompter.text({
    message:
      "Scalekit resource ID of this MCP server (dashboard > MCP Servers, res_…) — press Enter if you don't have it yet",
    placeholder: 'res_…, or Enter to fill it in later',
    defaultValue: PLACEHOLDER_RESOURCE_ID,
    validate: promptCheck(validateResourceId),
  });
  return unwrap(validateResourceId(answer));
}

export async function askServerUrlInAudience(prompter: Prompter, mcpServerUrl: string): Promise<boolean> {
  return prompter.confirm({
    message: `Did you set the resource's "Server URL" in Scalekit to ${mcpServerUrl}? (tokens then carry it in aud)`,
    initialValue: DEFAULT_SERVER_URL_IN_AUDIENCE,
  });
}

/** The ready-made scopes offered first: the example server's, or (`add`) ones suggested for the project's tools. */
export interface ScopeOffer {
  scopes: readonly ScopeSpec[];
  label: string;
  /** Offer "none" too: any valid token may call every tool (`add`, on a server that had no auth). */
  allowNone?: boolean;
}

const EXAMPLE_SCOPES: ScopeOffer = { scopes: DEFAULT_SCOPES, label: 'The example scopes' };

/** `undefined` means "the offered scopes", which lets the defaults logic treat them as not given. */
export async function askScopes(prompter: Prompter, offer = EXAMPLE_SCOPES): Promise<ScopeSpec[] | undefined> {
  const choice = await prompter.select({
    message: 'Which scopes should the server define?',
    options: [
      ...(offer.scopes.length > 0
        ? [{ value: 'example', label: offer.label, hint: offer.scopes.map((scope) => scope.name).join(', ') }]
        : []),
      { value: 'custom', label: 'Define my own' },
      ...(offer.allowNone ? [{ value: 'none', label: 'None', hint: 'any valid token may call every tool' }] : []),
    ],
    initialValue: offer.scopes.length > 0 ? 'example' : 'custom',
  });
  if (choice === 'example') return undefined;
  if (choice === 'none') return [];

  const scopes: ScopeSpec[] = [];
  for (;;) {
    const name = await prompter.text({
      message: scopes.length === 0 ? 'Scope name (e.g. notes:read)' : 'Another scope name (Enter when done)',
      validate: (input) => {
        if (input.trim() === '') return scopes.length === 0 ? 'Add at least one scope' : undefined;
        const result = validateScopeName(input);
        if (!result.ok) return result.error;
        return scopes.some((scope) => scope.name === result.value) ? `${result.value} is already defined` : undefined;
      },
    });
    if (name.trim() === '') return scopes;
    const description = await prompter.text({
      message: `What does ${name.trim()} allow? (a description for humans; optional)`,
    });
    scopes.push({ name: unwrap(validateScopeName(name)), description });
  }
}

/**
 * `scopes` are the ones defined so far, offered as choices for each tool. `found` (`add`): the tools the project
 * registers, each pre-filled with the scopes suggested for it; their names are not asked for.
 */
export async function askTools(prompter: Prompter, scopes: ScopeSpec[], found?: ToolSpec[]): Promise<ToolSpec[]> {
  const scopeChoices = scopeChoicesOf(scopes);
  if (found) {
    const tools: ToolSpec[] = [];
    for (const tool of found) {
      const suggested = tool.scopes.filter((scope) => scopes.some((defined) => defined.name === scope));
      tools.push({
        name: tool.name,
        scopes: await askRequiredScopes(prompter, scopeChoices, `the tool ${tool.name}`, 'call it', suggested),
      });
    }
    return tools;
  }
  const declared = new Set(scopes.map((scope) => scope.name));
  const examples = DEFAULT_TOOLS.filter((tool) => tool.scopes.every((scope) => declared.has(scope)));
  if (examples.length > 0) {
    const choice = await prompter.select({
      message: 'Which tools should the server have?',
      options: [
        { value: 'example', label: 'The example tools', hint: examples.map(describeTool).join(', ') },
        { value: 'custom', label: 'Define my own' },
      ],
      initialValue: 'example',
    });
    if (choice === 'example') return examples.map((tool) => ({ name: tool.name, scopes: [...tool.scopes] }));
  }

  const tools: ToolSpec[] = [];
  for (;;) {
    const name = await prompter.text({
      message: tools.length === 0 ? 'Tool name (e.g. list_notes)' : 'Another tool name (Enter when done)',
      validate: (input) => {
        if (input.trim() === '') return tools.length === 0 ? 'Add at least one tool' : undefined;
        const result = validateToolName(input);
        if (!result.ok) return result.error;
        return tools.some((tool) => tool.name === result.value) ? `${result.value} is already defined` : undefined;
      },
    });
    if (name.trim() === '') return tools;
    const toolName = unwrap(validateToolName(name));
    tools.push({ name: toolName, scopes: await askRequiredScopes(prompter, scopeChoices, toolName, 'call it') });
  }
}

function describeTool(tool: ToolSpec): string {
  return describeProtected(tool.name, tool.scopes);
}

function describeProtected(key: string, scopes: readonly string[]): string {
  return scopes.length === 0 ? key : `${key} (${scopes.join(', ')})`;
}

/**
 * Resources and prompts, asked for only when the server has some. `undefined` for a list means "the
 * examples" (the defaults logic then treats it as not given); an empty list means none.
 */
export async function askResourcesAndPrompts(
  prompter: Prompter,
  scopes: ScopeSpec[],
): Promise<{ resources: ResourceSpec[] | undefined; prompts: PromptSpec[] | undefined }> {
  const declared = new Set(scopes.map((scope) => scope.name));
  const covered = (item: { scopes: readonly string[] }) => item.scopes.every((scope) => declared.has(scope));
  const examples = [
    ...DEFAULT_RESOURCES.filter(covered).map((resource) => describeProtected(resource.uri, resource.scopes)),
    ...DEFAULT_PROMPTS.filter(covered).map((prompt) => describeProtected(prompt.name, prompt.scopes)),
  ];
  const choice = await prompter.select({
    message: 'Does the server offer resources or prompts too? (each one gets scopes, like a tool)',
    options: [
      ...(examples.length > 0
        ? [{ value: 'example', label: 'The example resource and prompt', hint: examples.join(', ') }]
        : []),
      { value: 'custom', label: 'Yes, define my own' },
      { value: 'none', label: 'No, tools only' },
    ],
    initialValue: examples.length > 0 ? 'example' : 'none',
  });
  if (choice === 'example') return { resources: undefined, prompts: undefined };
  if (choice === 'none') return { resources: [], prompts: [] };

  const scopeChoices = scopeChoicesOf(scopes);
  const resources: ResourceSpec[] = [];
  for (;;) {
    const uri = await prompter.text({
      message:
        resources.length === 0
          ? 'Resource URI or URI template (e.g. notes://notes/{id}; Enter for none)'
          : 'Another resource URI or template (Enter when done)',
      validate: (input) => {
        if (input.trim() === '') return undefined;
        const result = validateResourceUri(input);
        if (!result.ok) return result.error;
        return resources.some((resource) => resource.uri === result.value)
          ? `${result.value} is already defined`
          : undefined;
      },
    });
    if (uri.trim() === '') break;
    const resourceUri = unwrap(validateResourceUri(uri));
    resources.push({
      uri: resourceUri,
      scopes: await askRequiredScopes(prompter, scopeChoices, resourceUri, 'read it'),
    });
  }
  const prompts: PromptSpec[] = [];
  for (;;) {
    const name = await prompter.text({
      message:
        prompts.length === 0
          ? 'Prompt name (e.g. summarize_notes; Enter for none)'
          : 'Another prompt name (Enter when done)',
      validate: (input) => {
        if (input.trim() === '') return undefined;
        const result = validatePromptName(input);
        if (!result.ok) return result.error;
        return prompts.some((prompt) => prompt.name === result.value)
          ? `${result.value} is already defined`
          : undefined;
      },
    });
    if (name.trim() === '') break;
    const promptName = unwrap(validatePromptName(name));
    prompts.push({ name: promptName, scopes: await askRequiredScopes(prompter, scopeChoices, promptName, 'get it') });
  }
  return { resources, prompts };
}

function scopeChoicesOf(scopes: ScopeSpec[]): Choice<string>[] {
  return scopes.map((scope) => ({
    value: scope.name,
    label: scope.name,
    ...(scope.description ? { hint: scope.description } : {}),
  }));
}

async function askRequiredScopes(
  prompter: Prompter,
  choices: Choice<string>[],
  what: string,
  action: string,
  initialValues: string[] = [],
): Promise<string[]> {
  if (choices.length === 0) return [];
  return prompter.multiselect({
    message: `Scopes ${what} requires (Space to toggle, Enter to confirm; none: any signed-in user may ${action})`,
    options: choices,
    ...(initialValues.length > 0 ? { initialValues } : {}),
  });
}

export async function askFilterLists(prompter: Prompter): Promise<boolean> {
  return prompter.confirm({
    message:
      "Show each client only the tools, prompts and resources its token's scopes allow? " +
      '(No: list everything, so clients can discover what to ask for)',
    initialValue: DEFAULT_FILTER_LISTS,
  });
}

export async function askRegistration(prompter: Prompter): Promise<Registration> {
  return prompter.select<Registration>({
    message: 'How do MCP clients register with Scalekit? (match your dashboard setting)',
    options: [
      { value: 'both', label: 'DCR and CIMD', hint: 'works with the most hosts' },
      { value: 'dcr', label: 'Dynamic Client Registration (DCR)' },
      { value: 'cimd', label: 'Client ID Metadata Documents (CIMD)' },
      { value: 'preregistered', label: 'Pre-registered clients only' },
    ],
    initialValue: DEFAULT_REGISTRATION,
  });
}

/** Prompt answers were validated by the same function already; a failure here is a bug. */
function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`validated answer failed validation: ${result.error}`);
  return result.value;
}
