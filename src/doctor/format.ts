/**
 * Human output: one line per check (symbol + title), grouped by step, with indented seen / why / fix lines for
 * warnings and failures (and the reason for skips). `--json` prints the report object as is.
 */
import picocolors from 'picocolors';
import { STEP_TITLES, STEPS, type Check, type CheckStatus, type DoctorReport } from './report.js';

export interface FormatOptions {
  json?: boolean;
  color?: boolean;
}

const SYMBOLS: Record<CheckStatus, string> = { pass: '✓', warn: '⚠', fail: '✗', skip: '-' };
const DETAIL_INDENT = '      ';
const LABEL_WIDTH = 5;

export function formatReport(report: DoctorReport, options: FormatOptions = {}): string {
  if (options.json) return `${JSON.stringify(report, null, 2)}\n`;
  const colors = picocolors.createColors(options.color ?? false);
  const paint: Record<CheckStatus, (text: string) => string> = {
    pass: colors.green,
    warn: colors.yellow,
    fail: colors.red,
    skip: colors.dim,
  };

  const lines: string[] = [colors.bold(`create-mcp-oauth doctor  ${report.url}`)];
  STEPS.forEach((step, index) => {
    const checks = report.checks.filter((check) => check.step === step);
    if (checks.length === 0) return;
    lines.push('', colors.bold(`${index + 1}. ${STEP_TITLES[step]}`));
    checks.forEach((check, position) => {
      // Consecutive skips for the same reason state it once, after the last of them.
      const next = checks[position + 1];
      const reasonFollows = check.status === 'skip' && next?.status === 'skip' && next.seen === check.seen;
      lines.push(...formatCheck(check, paint, colors.dim, reasonFollows));
    });
  });

  const { pass, warn, fail, skip } = report.summary;
  const parts = [
    paint.fail(`${fail} failed`),
    paint.warn(`${warn} warning${warn === 1 ? '' : 's'}`),
    paint.pass(`${pass} passed`),
    paint.skip(`${skip} skipped`),
  ];
  lines.push('', `${parts.join(', ')}  ${colors.dim(`(${report.durationMs} ms)`)}`);
  return `${lines.join('\n')}\n`;
}

function formatCheck(
  check: Check,
  paint: Record<CheckStatus, (text: string) => string>,
  dim: (text: string) => string,
  omitReason = false,
): string[] {
  const head =
    `  ${paint[check.status](SYMBOLS[check.status])} ` + `${check.status === 'skip' ? dim(check.title) : check.title}`;
  if (check.status === 'pass') return [head];
  if (check.status === 'skip') return omitReason ? [head] : [head, ...labelled('', check.seen).map(dim)];
  return [
    head,
    ...labelled('seen', check.seen),
    ...labelled('why', check.why),
    ...labelled('fix', check.fix),
    ...labelled('spec', check.spec),
  ];
}

/** `seen  first line` then continuation lines aligned under the text. */
function labelled(label: string, text: string): string[] {
  if (!text) return [];
  const prefix = label ? `${label.padEnd(LABEL_WIDTH)} ` : '';
  const continuation = ' '.repeat(prefix.length);
  return text.split('\n').map((line, index) => `${DETAIL_INDENT}${index === 0 ? prefix : continuation}${line}`);
}

/** Non-zero when any check failed: warnings alone do not fail a CI job. */
export function doctorExitCode(report: DoctorReport): number {
  return report.checks.some((check) => check.status === 'fail') ? 1 : 0;
}
