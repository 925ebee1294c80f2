/**
 * The generated package.json, built as an object (never from a text template) so no input can break it.
 * Version ranges are the majors the templates are written and tested against; all support Node >= 20.19.
 */
import type { Framework } from '../core/types.js';
import type { TemplateContext } from './context.js';

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

export function packageJson(context: TemplateContext): string {
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
      typecheck: 'tsc --noEmit',
    },
    dependencies: sorted({ ...SHARED_DEPENDENCIES, ...FRAMEWORK_DEPENDENCIES[context.framework] }),
    devDependencies: sorted({ ...SHARED_DEV_DEPENDENCIES, ...FRAMEWORK_DEV_DEPENDENCIES[context.framework] }),
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

function sorted(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}
