import type { Command } from 'commander';
import {
  DEFAULT_BASE_URL,
  DEFAULT_DEPLOY_TARGET,
  DEFAULT_DIR,
  DEFAULT_MCP_PATH,
  DEFAULT_REGISTRATION,
} from '../core/defaults.js';
import { DEPLOY_TARGET_NAMES } from '../core/types.js';

/**
 * The scaffold command's flags exactly as typed: strings, unvalidated. `undefined` means "not given",
 * which matters: only values not given are prompted for or defaulted.
 */
export interface ScaffoldFlags {
  dir?: string;
  framework?: string;
  deploy?: string;
  baseUrl?: string;
  mcpPath?: string;
  scalekitEnvUrl?: string;
  resourceId?: string;
  serverUrlInAudience?: boolean;
  /** Each `--scope`, in order. */
  scopes?: string[];
  /** Each `--tool`, in order. */
  tools?: string[];
  /** Each `--resource`, in order. */
  resources?: string[];
  /** Each `--prompt`, in order. */
  prompts?: string[];
  filterLists?: boolean;
  registration?: string;
  packageManager?: string;
  install: boolean;
  git: boolean;
  yes: boolean;
  force: boolean;
  dryRun: boolean;
}

const EXAMPLES = `
Examples:
  $ npm create mcp-oauth@latest                      ask for everything
  $ npx create-mcp-oauth my-server --yes             defaults, placeholders for Scalekit
  $ npx create-mcp-oauth my-server --framework hono \\
      --base-url https://mcp.example.com \\
      --scalekit-env-url https://acme.scalekit.com --resource-id res_123 \\
      --scope notes:read="Read your notes" --tool list_notes=notes:read \\
      --resource 'notes://notes/{id}=notes:read' --prompt summarize_notes=notes:read

Without a terminal (or with CI set) nothing is asked: pass [dir], --framework, --base-url,
--scalekit-env-url and --resource-id, or --yes; everything else has a default.`;

/** Commander argument parser for repeatable options (`--scope a --scope b`). */
export const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/** The Scalekit settings, the same for the scaffold and `add`. */
export function defineScalekitOptions(command: Command): Command {
  return command
    .option('--scalekit-env-url <url>', 'Scalekit environment URL, e.g. https://acme.scalekit.com')
    .option('--resource-id <id>', 'Scalekit resource ID of the MCP server (res_…)')
    .option('--server-url-in-audience', `you set Scalekit's "Server URL" to the MCP URL: tokens carry it in aud`)
    .option('--no-server-url-in-audience', 'tokens do not carry the MCP URL in aud (default)')
    .option(
      '--registration <how>',
      `how clients register: dcr, cimd, both or preregistered (default: ${DEFAULT_REGISTRATION})`,
    );
}

/** Adds the scaffold's argument and flags to `command` (the root program). */
export function defineScaffoldOptions(command: Command): Command {
  command
    .argument('[dir]', `directory to create; its name becomes the package name (default with --yes: ${DEFAULT_DIR})`)
    .option('--framework <name>', 'server framework: express or hono')
    .option(
      '--deploy <target>',
      `where the server will run: ${DEPLOY_TARGET_NAMES.join(', ')} (default: ${DEFAULT_DEPLOY_TARGET}; ` +
        `docker adds a Dockerfile and a Kubernetes manifest; workers is Cloudflare Workers, Hono only)`,
    )
    .option('--base-url <url>', `public base URL where hosts reach the server (default: ${DEFAULT_BASE_URL})`)
    .option('--mcp-path <path>', `path of the MCP endpoint (default: ${DEFAULT_MCP_PATH})`);
  return defineScalekitOptions(command)
    .option(
      '--scope <name[=description]>',
      'a scope the server defines; repeat for more (default: todo:read, todo:write)',
      collect,
    )
    .option(
      '--tool <name=scope[,scope...]>',
      'a tool and the scopes it requires, name= for none; repeat for more',
      collect,
    )
    .option(
      '--resource <uri=scope[,scope...]>',
      'a resource (exact URI, or URI template like todo://todos/{id}) and the scopes it requires; repeat for more',
      collect,
    )
    .option(
      '--prompt <name=scope[,scope...]>',
      'a prompt and the scopes it requires, name= for none; repeat for more',
      collect,
    )
    .option('--filter-lists', "list only the tools, prompts and resources the caller's token may use (default: all)")
    .option('--package-manager <pm>', 'npm, pnpm, yarn or bun (default: the one running this command)')
    .option('--no-install', 'do not install dependencies')
    .option('--no-git', 'do not create a git repository')
    .option('-y, --yes', 'use defaults for everything not given; never prompt')
    .option('--force', 'write into a non-empty directory (only generated files are overwritten)')
    .option('--dry-run', 'show what would be written and run, change nothing')
    .addHelpText('after', EXAMPLES);
}

/** The inputs the scaffold and `add` share, as typed (strings, unvalidated; `undefined` = not given). */
export type SharedInputFlags = Pick<
  ScaffoldFlags,
  | 'baseUrl'
  | 'mcpPath'
  | 'scalekitEnvUrl'
  | 'resourceId'
  | 'serverUrlInAudience'
  | 'scopes'
  | 'tools'
  | 'resources'
  | 'prompts'
  | 'registration'
  | 'packageManager'
>;

/** Commander's parsed values (typed loosely by `opts()`) → the inputs both commands share. */
export function readSharedInputFlags(options: Record<string, unknown>): SharedInputFlags {
  const text = (key: string) => (typeof options[key] === 'string' ? (options[key] as string) : undefined);
  const list = (key: string) => (Array.isArray(options[key]) ? (options[key] as string[]) : undefined);
  return {
    baseUrl: text('baseUrl'),
    mcpPath: text('mcpPath'),
    scalekitEnvUrl: text('scalekitEnvUrl'),
    resourceId: text('resourceId'),
    serverUrlInAudience: typeof options.serverUrlInAudience === 'boolean' ? options.serverUrlInAudience : undefined,
    scopes: list('scope'),
    tools: list('tool'),
    resources: list('resource'),
    prompts: list('prompt'),
    registration: text('registration'),
    packageManager: text('packageManager'),
  };
}

/** Commander's parsed values → `ScaffoldFlags`. */
export function readScaffoldFlags(dir: string | undefined, options: Record<string, unknown>): ScaffoldFlags {
  return {
    dir,
    framework: typeof options.framework === 'string' ? options.framework : undefined,
    deploy: typeof options.deploy === 'string' ? options.deploy : undefined,
    ...readSharedInputFlags(options),
    filterLists: options.filterLists === true ? true : undefined,
    install: options.install !== false,
    git: options.git !== false,
    yes: options.yes === true,
    force: options.force === true,
    dryRun: options.dryRun === true,
  };
}
