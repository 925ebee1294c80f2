/**
 * `create-mcp-oauth doctor <url>`: commander flags → `DoctorOptions` → report on stdout, exit code.
 *
 * Only the option definitions load eagerly (this module is imported for `doctor --help` too); the checks,
 * their HTTP machinery and jose are imported once the command actually runs.
 */
import { CommanderError, InvalidArgumentError, Option, type Command } from 'commander';
import type { SubcommandContext } from '../args/subcommands.js';
import { CliError } from '../core/errors.js';
import { colorsFor } from '../ui/terminal.js';
import {
  DEFAULT_BROWSER_ORIGIN,
  DEFAULT_TIMEOUT_MS,
  MAX_TIMEOUT_MS,
  REGISTRATION_MODES,
  validateDoctorOptions,
  type DoctorOptions,
} from './options.js';

/** Wrong flags, values or combinations: distinct from 1 ("doctor found a ✗") so scripts can tell them apart. */
export const EXIT_USAGE = 2;

/** Commander's codes for a command line it could not parse; all of them are usage errors. */
const COMMANDER_USAGE_ERRORS = new Set([
  'commander.unknownOption',
  'commander.unknownCommand',
  'commander.missingArgument',
  'commander.optionMissingArgument',
  'commander.missingMandatoryOptionValue',
  'commander.invalidArgument',
  'commander.excessArguments',
  'commander.conflictingOption',
]);

/** The flags exactly as commander parsed them: the options, with `--timeout` and `--no-color` spelled as flags. */
type DoctorFlags = Omit<DoctorOptions, 'url' | 'timeoutMs'> & {
  timeout?: number;
  /** `--no-color` sets this to false. */
  color: boolean;
};

const HELP_AFTER = `
Checks, in the order an MCP host works: the unauthenticated 401 challenge, the Protected Resource
Metadata, the authorization server (issuer, PKCE, registration, JWKS), browser readiness (CORS,
Origin checks) and, with a token, its claims, tools/list and per-tool 403 insufficient_scope.
Each check prints ✓ (fine), ⚠ (works, but worth fixing), ✗ (clients will fail) or - (skipped).

The token is sent only to <url> and never printed; a client secret only to the authorization
server's token endpoint. Prefer --token-env and --client-secret-env: values given on the command
line end up in your shell history and are visible to other users in the process list.

Exit codes: 0 no ✗ (warnings allowed), 1 at least one ✗, 2 wrong flags or values.

Examples:
  $ npx create-mcp-oauth doctor http://localhost:3000/mcp
  $ npx create-mcp-oauth doctor https://mcp.example.com/mcp --registration cimd
  $ MCP_TOKEN=eyJ… npx create-mcp-oauth doctor https://mcp.example.com/mcp --token-env MCP_TOKEN --probe-tools
  $ npx create-mcp-oauth doctor https://mcp.example.com/mcp --client-id skc_123 --client-secret-env SCALEKIT_CLIENT_SECRET
  $ npx create-mcp-oauth doctor https://mcp.example.com/mcp --json | jq '.checks[] | select(.status == "fail")'`;

export function configure(command: Command, { io, setExitCode }: SubcommandContext): void {
  // `<url>` itself is declared where the subcommand is registered (src/cli.ts); only its help text is added here.
  const urlArgument = command.registeredArguments[0];
  if (urlArgument)
    urlArgument.description = 'the MCP endpoint exactly as hosts connect to it, e.g. https://mcp.example.com/mcp';
  command
    .addOption(
      new Option(
        '--registration <mode>',
        'how hosts should register with the authorization server; a mode that is off is a ✗',
      ).choices(REGISTRATION_MODES),
    )
    .option(
      '--resource-id <id>',
      'Scalekit resource ID (res_…) tokens must be issued for (default: read from authorization_servers)',
    )
    .option('--token <jwt>', 'an access token to test with (prefer --token-env)')
    .option('--token-env <NAME>', 'read the access token from this environment variable')
    .option(
      '--probe-tools',
      'call every listed tool with empty arguments, get every prompt and read every resource, ' +
        'to check their scope challenges (tools may have side effects)',
    )
    .option('--client-id <id>', 'fetch a machine token with the client credentials grant, as this client')
    .option('--client-secret <secret>', 'the client secret for --client-id (prefer --client-secret-env)')
    .option('--client-secret-env <NAME>', 'read the client secret from this environment variable')
    .option(
      '--origin <origin>',
      `browser origin for the CORS checks (default: ${DEFAULT_BROWSER_ORIGIN}, MCP Inspector)`,
    )
    .option('--timeout <ms>', `per-request timeout in milliseconds (default: ${DEFAULT_TIMEOUT_MS})`, parseTimeout)
    .option('--json', 'print the report as JSON (stable check ids; no colors)')
    .option('--no-color', 'no colors in the human-readable report')
    .showHelpAfterError('(run create-mcp-oauth doctor --help for all options)')
    .addHelpText('after', HELP_AFTER)
    .exitOverride((error) => {
      // Commander says 1 for a bad command line; doctor keeps 1 for "the server has a problem".
      if (COMMANDER_USAGE_ERRORS.has(error.code)) throw new CommanderError(EXIT_USAGE, error.code, error.message);
      throw error;
    })
    .action(async (url: string, flags: DoctorFlags) => {
      const options = toDoctorOptions(url, flags);
      const problems = validateDoctorOptions(options);
      if (problems.length > 0) {
        throw new CliError(
          `${problems.join('\nerror: ')}\n(run create-mcp-oauth doctor --help for all options)`,
          EXIT_USAGE,
        );
      }
      if (flags.clientSecret !== undefined) {
        io.stderr.write(
          `${colorsFor(io.stderr, io.env).yellow('warning:')} --client-secret puts the secret ` +
            `in your shell history and the process list; prefer --client-secret-env NAME\n`,
        );
      }

      const { runDoctor, formatReport, doctorExitCode } = await import('./index.js');
      const report = await runDoctor(options, { env: io.env });
      const color = !options.json && flags.color && colorsFor(io.stdout, io.env).isColorSupported;
      io.stdout.write(formatReport(report, { json: options.json, color }));
      setExitCode(doctorExitCode(report));
    });
}

export function toDoctorOptions(url: string, flags: DoctorFlags): DoctorOptions {
  return {
    url,
    registration: flags.registration,
    resourceId: flags.resourceId,
    token: flags.token,
    tokenEnv: flags.tokenEnv,
    probeTools: flags.probeTools === true,
    clientId: flags.clientId,
    clientSecret: flags.clientSecret,
    clientSecretEnv: flags.clientSecretEnv,
    origin: flags.origin,
    timeoutMs: flags.timeout,
    json: flags.json === true,
  };
}

function parseTimeout(value: string): number {
  const ms = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(ms) || ms <= 0 || ms > MAX_TIMEOUT_MS) {
    throw new InvalidArgumentError(
      `--timeout must be a positive whole number of milliseconds, at most ${MAX_TIMEOUT_MS}, e.g. --timeout 10000`,
    );
  }
  return ms;
}
