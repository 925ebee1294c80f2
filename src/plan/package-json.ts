/**
 * The generated package.json, built as an object (never from a text template) so no input can break it.
 * Version ranges are the majors the templates are written and tested against; all support Node >= 20.19.
 */
import type { Framework } from '../core/types.js';
import type { TemplateContext } from './context.js';
import { byCodeUnits } from '../core/compare.js';

const SHARED_DEPENDENCIES = {
  '@modelcontextprotocol/server': '^2.4.0',
  jose: '^6.1.0',
  zod: '^4.2.0',
};

const FRAMEWORK_DEPENDENCIES: Record<Framework, Record<string, string>> = {
  express: {
    '@modelcontextprotocol/node': '^2.1.2',
    cors: '^2.8.5',
    express: '^5.1.0',
  },
  hono: {
    '@hono/node-server': '^2.1.3',
    hono: '^4.11.4',
  },
};

// oidc-provider runs the local Scalekit-shaped authorization server in dev/ (`dev:local` and tests only):
// a dev dependency, so `npm ci --omit=dev` in production never installs it and the server never imports it.
const SHARED_DEV_DEPENDENCIES = {
  '@modelcontextprotocol/client': '^2.4.0',
  '@types/node': '^20.19.0',
  '@types/oidc-provider': '^9.12.0',
  'oidc-provider': '^9.13.0',
  tsx: '^4.20.0',
  typescript: '^5.9.3',
  vitest: '^4.1.0',
};

const FRAMEWORK_DEV_DEPENDENCIES: Record<Framework, Record<string, string>> = {
  express: { '@types/cors': '^2.8.19', '@types/express': '^5.0.3' },
  hono: {},
};

/**
 * The range the templates are written and tested against for `name`: the OAuth module's dependencies that `add`
 * and `upgrade` put into existing projects come from the same tables as the scaffold's.
 */
export function testedRange(name: string): string {
  const tables = [
    SHARED_DEPENDENCIES,
    ...Object.values(FRAMEWORK_DEPENDENCIES),
    SHARED_DEV_DEPENDENCIES,
    ...Object.values(FRAMEWORK_DEV_DEPENDENCIES),
  ];
  const table = tables.find((candidate) => Object.hasOwn(candidate, name));
  if (!table) throw new Error(`no tested version range for ${name}`);
  return (table as Record<string, string>)[name]!;
}

/**
 * Cloudflare Workers (`--deploy workers`, Hono only). wrangler and the Vitest plugin are pinned to the
 * release pair the templates are tested with: the plugin depends on one exact wrangler, and matching it
 * installs a single workerd (~150 MB) instead of two. `compatibility_date` in wrangler.jsonc is that
 * workerd's date. wrangler needs Node >= 22.12.
 */
export const WORKERS_NODE_RANGE = '>=22.12';
export const WORKERS_COMPATIBILITY_DATE = '2026-11-02';
const WORKERS_DEPENDENCIES = { '@modelcontextprotocol/hono': '^2.0.2', hono: '^4.11.4' };
const WORKERS_DEV_DEPENDENCIES = {
  '@cloudflare/vitest-plugin': '~1.5.0',
  '@types/node': '^22.12.0',
  wrangler: '~4.156.2',
};

export function packageJson(context: TemplateContext): string {
  if (context.deploy === 'workers') return `${JSON.stringify(workersManifest(context), null, 2)}\n`;
  const manifest = {
    name: context.packageName,
    version: '0.1.0',
    private: true,
    description: 'MCP server protected by Scalekit OAuth 2.1',
    type: 'module',
    engines: { node: '>=20.19' },
    scripts: {
      dev: 'tsx watch src/index.ts',
      // Try the server without a Scalekit account: a local authorization server plus `dev` (see dev/try-local.ts).
      'dev:local': 'tsx dev/try-local.ts',
      build: 'tsc -p tsconfig.build.json',
      start: 'node dist/index.js',
      test: 'vitest run',
      // The slow checks: thousands of requests, the real key-set timeouts, the server in its own process.
      'test:stress': 'vitest run --config vitest.stress.config.ts',
      typecheck: 'tsc --noEmit',
    },
    dependencies: sorted({ ...SHARED_DEPENDENCIES, ...FRAMEWORK_DEPENDENCIES[context.framework] }),
    devDependencies: sorted({ ...SHARED_DEV_DEPENDENCIES, ...FRAMEWORK_DEV_DEPENDENCIES[context.framework] }),
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

function workersManifest(context: TemplateContext) {
  return {
    name: context.packageName,
    version: '0.1.0',
    private: true,
    description: 'MCP server protected by Scalekit OAuth 2.1, on Cloudflare Workers',
    type: 'module',
    engines: { node: WORKERS_NODE_RANGE },
    scripts: {
      // `wrangler dev`, taking PORT, HOST and the server's variables from the environment (dev/start.ts).
      dev: 'tsx dev/start.ts',
      'dev:local': 'tsx dev/try-local.ts',
      start: 'tsx dev/start.ts',
      deploy: 'wrangler deploy',
      test: 'vitest run',
      // The slow checks: thousands of requests and the real key-set timeouts.
      'test:stress': 'vitest run --config vitest.stress.config.ts',
      // worker-configuration.d.ts (runtime types, `Env`) is generated from wrangler.jsonc, then checked.
      typecheck: 'wrangler types && tsc --noEmit && tsc --noEmit -p dev',
      'cf-typegen': 'wrangler types',
    },
    dependencies: sorted({ ...SHARED_DEPENDENCIES, ...WORKERS_DEPENDENCIES }),
    devDependencies: sorted({ ...SHARED_DEV_DEPENDENCIES, ...WORKERS_DEV_DEPENDENCIES }),
  };
}

/**
 * Sections in the order npm keeps them, so an install never reorders the file. npm compares with
 * `localeCompare(…, 'en')`; for the lower-case package names written here that is code-unit order (a unit test
 * checks every generated section), which needs no collation data.
 */
function sorted(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => byCodeUnits(a, b)));
}
