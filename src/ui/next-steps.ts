import path from 'node:path';
import { ENV } from '../core/env.js';
import type { PackageManager } from '../core/types.js';
import { formatCommand, installCommand, runScriptCommand } from '../core/package-manager.js';
import { shellQuote } from './shell-quote.js';

export interface NextStepsInput {
  targetDir: string;
  cwd: string;
  packageManager: PackageManager;
  /** False with --no-install or after a failed install: then installing is a step. */
  installed: boolean;
  placeholders: { envUrl: boolean; resourceId: boolean };
  /** Where the local configuration lives: `.env`, or `.dev.vars` for Cloudflare Workers. */
  localConfigFile?: string;
  platform?: NodeJS.Platform;
}

/** What to do after scaffolding, as lines of commands and short explanations. */
export function nextSteps(input: NextStepsInput): string[] {
  const { packageManager: pm } = input;
  const steps: string[] = [];
  const relative = path.relative(input.cwd, input.targetDir);
  if (relative !== '') steps.push(`cd ${shellQuote(relative, input.platform)}`);

  const unset = [
    ...(input.placeholders.envUrl ? [ENV.environmentUrl] : []),
    ...(input.placeholders.resourceId ? [ENV.resourceId] : []),
  ];
  if (unset.length > 0) {
    steps.push(
      `# fill in ${unset.join(' and ')} in ${input.localConfigFile ?? '.env'} ` +
        '(the server refuses to start with placeholders)',
    );
  }
  const commands: [string, string][] = [
    ...(input.installed ? [] : [[formatCommand(installCommand(pm)), 'install dependencies'] as [string, string]]),
    [formatCommand(runScriptCommand(pm, 'dev')), 'start the server'],
    // Without Scalekit values yet, the project can still be tried end to end with its local test sign-in server.
    ...(unset.length > 0
      ? [
          [formatCommand(runScriptCommand(pm, 'dev:local')), 'or try it now, with a local test sign-in server'] as [
            string,
            string,
          ],
        ]
      : []),
    [formatCommand(runScriptCommand(pm, 'test')), 'run the tests'],
  ];
  const width = Math.max(...commands.map(([command]) => command.length));
  for (const [command, why] of commands) steps.push(`${command.padEnd(width)}  # ${why}`);
  steps.push('# then see README.md to connect an MCP host (Claude, Cursor, VS Code, …)');
  return steps;
}

/** wrangler (Cloudflare Workers) needs Node >= 22.12; the CLI itself runs on older Node. Undefined when fine. */
export function workersNodeWarning(nodeVersion: string): string | undefined {
  const [major = 0, minor = 0] = nodeVersion.split('.').map(Number);
  if (major > 22 || (major === 22 && minor >= 12)) return undefined;
  return (
    `Cloudflare Workers projects need Node.js 22.12 or newer (wrangler does), and this is Node.js ${nodeVersion}: ` +
    'the project is written, but install, test and run it with Node.js 22.12+ (see its package.json engines).'
  );
}
