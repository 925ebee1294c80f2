import type { DeployTarget, Framework, PromptSpec, Registration, ResourceSpec, ScopeSpec, ToolSpec } from './types.js';

/** What `--yes` (or pressing Enter at a prompt) chooses. */
export const DEFAULT_DIR = 'mcp-server';
export const DEFAULT_FRAMEWORK: Framework = 'express';
export const DEFAULT_DEPLOY_TARGET: DeployTarget = 'node';
export const DEFAULT_BASE_URL = 'http://localhost:3000';
export const DEFAULT_MCP_PATH = '/mcp';
export const DEFAULT_REGISTRATION: Registration = 'both';
export const DEFAULT_SERVER_URL_IN_AUDIENCE = false;
export const DEFAULT_FILTER_LISTS = false;

/** The example todo server: one scope to read, one to write, and a tool that needs no scope. */
export const DEFAULT_SCOPES: readonly ScopeSpec[] = [
  { name: 'todo:read', description: 'Read your todos' },
  { name: 'todo:write', description: 'Create and change your todos' },
];

export const DEFAULT_TOOLS: readonly ToolSpec[] = [
  { name: 'whoami', scopes: [] },
  { name: 'list_todos', scopes: ['todo:read'] },
  { name: 'add_todo', scopes: ['todo:write'] },
];

/** The example resource template (one todo by id) and prompt: the same scope policy beyond tools. */
export const DEFAULT_RESOURCES: readonly ResourceSpec[] = [{ uri: 'todo://todos/{id}', scopes: ['todo:read'] }];
export const DEFAULT_PROMPTS: readonly PromptSpec[] = [{ name: 'review_todos', scopes: ['todo:read'] }];

/** The message of the first commit in a new project's repository. */
export const INITIAL_COMMIT_MESSAGE = 'Initial commit from create-mcp-oauth';
