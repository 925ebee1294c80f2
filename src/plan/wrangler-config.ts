/**
 * The generated wrangler.jsonc (`--deploy workers`), built as an object so no input can break it, laid out
 * as `npm create cloudflare` does. `vars` hold what the server needs to start: none of it is secret.
 */
import { WORKERS_COMPATIBILITY_DATE } from './package-json.js';
import type { TemplateContext } from './context.js';

export function wranglerConfig(context: TemplateContext): string {
  const config = {
    $schema: 'node_modules/wrangler/config-schema.json',
    name: context.workerName,
    main: 'src/index.ts',
    compatibility_date: WORKERS_COMPATIBILITY_DATE,
    // Workers Logs: the JSON lines the server writes become searchable fields (`event`, `reason`, `status`).
    observability: { enabled: true },
    // `npm start` (wrangler dev) listens here unless PORT/HOST say otherwise.
    dev: { ip: '127.0.0.1', port: context.port },
    vars: {
      SCALEKIT_ENVIRONMENT_URL: context.scalekitEnvUrl,
      SCALEKIT_RESOURCE_ID: context.resourceId,
      MCP_SERVER_URL: context.mcpServerUrl,
      MCP_SERVER_URL_IN_AUDIENCE: String(context.serverUrlInAudience),
    },
    ...(context.hasTodos && {
      // One Durable Object per user keeps the example todo lists (src/todos/durable-object.ts).
      durable_objects: { bindings: [{ name: 'USER_TODOS', class_name: 'UserTodos' }] },
      migrations: [{ tag: 'v1', new_sqlite_classes: ['UserTodos'] }],
    }),
  };
  const header = [
    '// Cloudflare Workers configuration: https://developers.cloudflare.com/workers/wrangler/configuration/',
    '// After changing vars or bindings, run `npm run cf-typegen` to regenerate worker-configuration.d.ts.',
    '// MCP_SERVER_URL must be the public URL once deployed (workers.dev or your custom domain): see README.md.',
  ];
  return `${header.join('\n')}\n${jsonAsPrettierPrints(config)}\n`;
}

const PRINT_WIDTH = 120;

/**
 * JSON laid out as Prettier lays out a .jsonc file (the project's .prettierrc.json): objects one key per line,
 * an array of plain values on one line when it fits, so format-on-save leaves the file as written.
 */
function jsonAsPrettierPrints(value: unknown, indent = '', lineStart = 0): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (value.every((item) => item === null || typeof item !== 'object')) {
      const flat = `[${value.map((item) => JSON.stringify(item)).join(', ')}]`;
      // The line also carries the key before it and the comma after it.
      if (lineStart + flat.length + 1 <= PRINT_WIDTH) return flat;
    }
    const inner = `${indent}  `;
    return `[\n${value.map((item) => inner + jsonAsPrettierPrints(item, inner, inner.length)).join(',\n')}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return '{}';
    const inner = `${indent}  `;
    const lines = entries.map(([key, item]) => {
      const prefix = `${inner}${JSON.stringify(key)}: `;
      return prefix + jsonAsPrettierPrints(item, inner, prefix.length);
    });
    return `{\n${lines.join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}
