/** The commands a user types in the generated project, spelled for their package manager. */
import type { PackageManager } from '../core/types.js';

export interface ProjectCommands {
  install: string;
  dev: string;
  build: string;
  start: string;
  test: string;
  typecheck: string;
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
    typecheck: run('typecheck'),
    exec: { npm: 'npx', pnpm: 'pnpm dlx', yarn: 'yarn dlx', bun: 'bunx' }[packageManager],
  };
}
