/** The commands a user types in the generated project, spelled for their package manager. */
import type { PackageManager } from '../core/types.js';

export interface ProjectCommands {
  install: string;
  dev: string;
  build: string;
  start: string;
  test: string;
  /** The slow checks in test/stress/ (load, real timeouts, a real process). */
  testStress: string;
  typecheck: string;
  /** `wrangler deploy`, for Cloudflare Workers projects. */
  deploy: string;
  /** Runs a package binary without installing it globally (npx, pnpm dlx, …). */
  exec: string;
}

export function projectCommands(packageManager: PackageManager): ProjectCommands {
  const run = (script: string) =>
    packageManager === 'npm' || packageManager === 'bun'
      ? `${packageManager} run ${script}`
      : `${packageManager} ${script}`;
  return {
    install: packageManager === 'yarn' ? 'yarn' : `${packageManager} install`,
    dev: run('dev'),
    build: run('build'),
    start: packageManager === 'bun' ? 'bun run start' : `${packageManager} start`,
    test: packageManager === 'bun' ? 'bun run test' : `${packageManager} test`,
    testStress: run('test:stress'),
    typecheck: run('typecheck'),
    deploy: run('deploy'),
    exec: { npm: 'npx', pnpm: 'pnpm dlx', yarn: 'yarn dlx', bun: 'bunx' }[packageManager],
  };
}

/** How the generated Dockerfile installs and builds, for the project's package manager and its lockfile. */
export interface DockerfileCommands {
  /** Major version of the official `node` image both stages start from. */
  nodeVersion: string;
  lockfile: string;
  /** Every dependency, exactly as locked (the build stage). */
  install: string;
  /** Production dependencies only, exactly as locked (the runtime stage). */
  installProduction: string;
  build: string;
}

export function dockerfileCommands(packageManager: PackageManager): DockerfileCommands {
  const nodeVersion = '24';
  switch (packageManager) {
    case 'npm':
      return {
        nodeVersion,
        lockfile: 'package-lock.json',
        install: 'npm ci --no-audit --no-fund',
        installProduction: 'npm ci --omit=dev --no-audit --no-fund && npm cache clean --force',
        build: 'npm run build',
      };
    case 'pnpm':
      return {
        nodeVersion,
        lockfile: 'pnpm-lock.yaml',
        install: 'corepack enable pnpm && pnpm install --frozen-lockfile',
        installProduction: 'corepack enable pnpm && pnpm install --frozen-lockfile --prod',
        build: 'pnpm build',
      };
    case 'yarn':
      return {
        nodeVersion,
        lockfile: 'yarn.lock',
        install: 'corepack enable yarn && yarn install --frozen-lockfile',
        installProduction: 'corepack enable yarn && yarn install --frozen-lockfile --production && yarn cache clean',
        build: 'yarn build',
      };
    case 'bun':
      return {
        nodeVersion,
        lockfile: 'bun.lock',
        install: 'npm install --global bun && bun install --frozen-lockfile',
        installProduction: 'npm install --global bun && bun install --frozen-lockfile --production',
        build: 'bun run build',
      };
  }
}
