/**
 * How each package manager spells the commands the CLI runs (install) and prints (next steps, dry run), as
 * argv: install/ runs them and ui/ shows them from this one definition, so what is shown is what runs.
 */
import type { PackageManager } from './types.js';

/** A command as argv, so it can be both run (without a shell) and printed. */
export interface Command {
  command: string;
  args: string[];
}

export function installCommand(pm: PackageManager): Command {
  return pm === 'yarn' ? { command: 'yarn', args: [] } : { command: pm, args: ['install'] };
}

/**
 * How to run a package.json script. `npm dev` does not exist and `bun test` runs bun's own test
 * runner instead of the script, so those two always say `run`; pnpm and yarn accept the short form.
 */
export function runScriptCommand(pm: PackageManager, script: string): Command {
  if (pm === 'npm')
    return script === 'test' ? { command: 'npm', args: ['test'] } : { command: 'npm', args: ['run', script] };
  if (pm === 'bun') return { command: 'bun', args: ['run', script] };
  return { command: pm, args: [script] };
}

export function formatCommand({ command, args }: Command): string {
  return [command, ...args].join(' ');
}
