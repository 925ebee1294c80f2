/**
 * The shapes that flow through the CLI: argv → RawAnswers → ProjectConfig (validated) → Plan → disk.
 * Everything downstream of `ProjectConfig` may trust it: it has been validated and normalised once.
 */

export const FRAMEWORKS = ['express', 'hono'] as const;
export type Framework = (typeof FRAMEWORKS)[number];

/**
 * Where the generated server is meant to run, and the frameworks each target supports. A target is one row:
 * the flag, the prompt and the framework check all read this table (a target's files live under
 * templates/deploy/<target>/).
 */
export const DEPLOY_TARGETS = {
  /** A plain Node.js process (`npm start`) on any host, VM or platform that runs Node. */
  node: { frameworks: FRAMEWORKS },
  /** A container image (Dockerfile, .dockerignore) and a Kubernetes manifest. */
  docker: { frameworks: FRAMEWORKS },
  /** Cloudflare Workers (wrangler): Hono runs on web standards, Express needs Node's HTTP server. */
  workers: { frameworks: ['hono'] },
} as const satisfies Record<string, { frameworks: readonly Framework[] }>;
export type DeployTarget = keyof typeof DEPLOY_TARGETS;
export const DEPLOY_TARGET_NAMES = Object.keys(DEPLOY_TARGETS) as DeployTarget[];

export const REGISTRATIONS = ['dcr', 'cimd', 'both', 'preregistered'] as const;
/** How MCP clients register with Scalekit: a dashboard setting, reflected in the generated README. */
export type Registration = (typeof REGISTRATIONS)[number];

export const PACKAGE_MANAGERS = ['npm', 'pnpm', 'yarn', 'bun'] as const;
export type PackageManager = (typeof PACKAGE_MANAGERS)[number];

export interface ScopeSpec {
  /** RFC 6749 scope-token, never `offline_access`. */
  name: string;
  /** Free text from the user; may contain anything (quotes, backticks, newlines). Empty when not given. */
  description: string;
}

export interface ToolSpec {
  /** MCP tool name: 1–128 of A-Z a-z 0-9 _ - . ; unique within the project. */
  name: string;
  /** Scopes the tool requires (all of them); each one is declared in `ProjectConfig.scopes`. Empty: any valid token. */
  scopes: string[];
}

export interface PromptSpec {
  /** MCP prompt name: 1–128 of A-Z a-z 0-9 _ - . ; unique within the project. */
  name: string;
  /** Scopes a `prompts/get` requires (all of them); each one is declared in `ProjectConfig.scopes`. */
  scopes: string[];
}

export interface ResourceSpec {
  /**
   * An absolute URI (`config://app`), or an RFC 6570 URI template (`todo://todos/{id}`) for a family of
   * resources; written exactly as the SDK compares it (what `new URL(uri).href` gives back). Unique.
   */
  uri: string;
  /** Scopes a `resources/read` requires (all of them); each one is declared in `ProjectConfig.scopes`. */
  scopes: string[];
}

/** A validated, normalised scaffold configuration. */
export interface ProjectConfig {
  /** Absolute path of the directory to create or fill. */
  targetDir: string;
  /** A valid npm package name derived from the directory name. */
  packageName: string;
  framework: Framework;
  /** Where the server will run; always one that supports `framework`. */
  deploy: DeployTarget;
  /** Public base URL, normalised: absolute, no trailing slash, no query or fragment (e.g. `https://mcp.example.com`). */
  baseUrl: string;
  /** Path of the MCP endpoint: starts with `/`, no trailing slash (e.g. `/mcp`). */
  mcpPath: string;
  /** `baseUrl + mcpPath`: the canonical resource URL clients connect to (PRM `resource`). */
  mcpServerUrl: string;
  /** Scalekit environment URL without trailing slash, or `PLACEHOLDER_ENV_URL`. */
  scalekitEnvUrl: string;
  /** Scalekit resource id (`res_…`), or `PLACEHOLDER_RESOURCE_ID`. */
  resourceId: string;
  /**
   * True when the user said they set the Scalekit "Server URL" to `mcpServerUrl`: tokens must then carry it in `aud`
   * too.
   */
  serverUrlInAudience: boolean;
  scopes: ScopeSpec[];
  tools: ToolSpec[];
  resources: ResourceSpec[];
  prompts: PromptSpec[];
  /** Lists show only what the caller's token may use (off: everything is listed, the SDK's default). */
  filterLists: boolean;
  registration: Registration;
}

/** How to carry the plan out; none of these change what is generated. */
export interface RunOptions {
  packageManager: PackageManager;
  install: boolean;
  git: boolean;
  force: boolean;
  dryRun: boolean;
}

/**
 * Values the generated server refuses to start with, so a `--yes` scaffold is safe but never silently misconfigured.
 */
export const PLACEHOLDER_ENV_URL = 'https://REPLACE-ME.scalekit.com';
export const PLACEHOLDER_RESOURCE_ID = 'res_REPLACE_ME';

/** One file the plan wants on disk: a path relative to the target directory and its full contents. */
export interface PlannedFile {
  path: string;
  contents: string;
  /** Unix mode, for executable scripts. */
  mode?: number;
}

/** Everything a scaffold will write and run, computed purely from a ProjectConfig. */
export interface Plan {
  files: PlannedFile[];
}
