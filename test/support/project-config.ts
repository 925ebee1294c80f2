/** Validated configs for tests, as the CLI would produce them. */
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { ProjectConfig } from '../../src/core/types.js';
import { PLACEHOLDER_ENV_URL, PLACEHOLDER_RESOURCE_ID } from '../../src/core/types.js';

export function projectConfig(overrides: Partial<ProjectConfig> = {}): ProjectConfig {
  const baseUrl = overrides.baseUrl ?? 'http://localhost:3000';
  const mcpPath = overrides.mcpPath ?? '/mcp';
  return {
    targetDir: join(tmpdir(), 'demo-server'),
    packageName: 'demo-server',
    framework: 'express',
    deploy: 'node',
    scalekitEnvUrl: PLACEHOLDER_ENV_URL,
    resourceId: PLACEHOLDER_RESOURCE_ID,
    serverUrlInAudience: false,
    scopes: [
      { name: 'todo:read', description: 'Read your todos' },
      { name: 'todo:write', description: 'Create and change your todos' },
    ],
    tools: [
      { name: 'whoami', scopes: [] },
      { name: 'list_todos', scopes: ['todo:read'] },
      { name: 'add_todo', scopes: ['todo:write'] },
    ],
    resources: [{ uri: 'todo://todos/{id}', scopes: ['todo:read'] }],
    prompts: [{ name: 'review_todos', scopes: ['todo:read'] }],
    filterLists: false,
    registration: 'both',
    ...overrides,
    baseUrl,
    mcpPath,
    mcpServerUrl: overrides.mcpServerUrl ?? `${baseUrl}${mcpPath}`,
  };
}

/** Strings that break naive templating: quotes, backticks, template holes, comment ends, newlines, HTML, unicode. */
export const HOSTILE_DESCRIPTIONS = [
  `It's "quoted" and 'single'`,
  'Back`tick` and ${process.exit(1)} and \\${escaped}',
  'Ends a comment */ and starts one /* and // line',
  'Line one\nLine two\r\nLine three',
  '<script>alert(1)</script> | pipe | {{handlebars}} {{{raw}}}',
  'Unicode ✓ — naïve 日本語 \u2028 separator \u2029 and emoji 🔐',
  'Backslash \\ at the end \\',
];

/** Scope tokens are RFC 6749 `scope-token`s: printable ASCII except space, `"` and `\`. */
export const HOSTILE_SCOPES = ["a'b", 'back`tick`', '${scope}', '*/end', 'x:y/z?q=1&r#f', 'open{{brace}}'];

/**
 * Resource URIs and templates the CLI accepts that break naive templating:
 * quotes, template holes, comment ends, backslashes.
 */
export const HOSTILE_RESOURCE_URIS = [
  "x://a?q='quoted'",
  'x://a?q=`$x`&r=$(id)',
  'x://a?c=*/end/*',
  'x://a/\\back/{id}',
  "x://a/{id}?q='+//*/",
  'x://a/%22%3Cscript%3E',
];

/** A project whose every scope, description, tool, prompt and resource URI is one of the hostile strings above. */
export function hostileProjectConfig(overrides: Partial<ProjectConfig> = {}): ProjectConfig {
  return projectConfig({
    scopes: [
      ...HOSTILE_SCOPES.map((name, index) => ({
        name,
        description: HOSTILE_DESCRIPTIONS[index % HOSTILE_DESCRIPTIONS.length]!,
      })),
      ...HOSTILE_DESCRIPTIONS.map((description, index) => ({ name: `scope${index}`, description })),
    ],
    tools: [
      { name: 'a.b-c_d', scopes: [...HOSTILE_SCOPES] },
      { name: 'whoami', scopes: [HOSTILE_SCOPES[0]!] },
    ],
    resources: HOSTILE_RESOURCE_URIS.map((uri, index) => ({ uri, scopes: [HOSTILE_SCOPES[index]!] })),
    prompts: [
      { name: 'p.r-o_m', scopes: [...HOSTILE_SCOPES] },
      { name: 'review_todos', scopes: [HOSTILE_SCOPES[1]!] },
    ],
    ...overrides,
  });
}
