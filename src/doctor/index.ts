/**
 * `create-mcp-oauth doctor <url>`: checks a running MCP server's OAuth setup the way real MCP clients see it.
 *
 *   const report = await runDoctor({ url, token, probeTools });
 *   process.stdout.write(formatReport(report, { json, color }));
 *   process.exitCode = doctorExitCode(report);
 */
export { runDoctor } from './run.js';
export { formatReport, doctorExitCode, type FormatOptions } from './format.js';
export {
  DEFAULT_BROWSER_ORIGIN,
  DEFAULT_TIMEOUT_MS,
  REGISTRATION_MODES,
  isRegistrationMode,
  validateDoctorOptions,
  type DoctorDeps,
  type DoctorOptions,
  type RegistrationMode,
} from './options.js';
export {
  STEPS,
  STEP_TITLES,
  type Check,
  type CheckStatus,
  type DiscoveredFacts,
  type DoctorReport,
  type DoctorSummary,
  type Step,
} from './report.js';
export { parseWwwAuthenticate, findChallenge, type Challenge, type ParsedWwwAuthenticate } from './www-authenticate.js';
