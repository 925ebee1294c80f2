/**
 * The report `doctor` produces: a flat list of checks, each one a verdict on one thing a real MCP client relies on.
 * Everything in here is safe to print: no token or secret ever enters a Check (and `runDoctor` scrubs it once more).
 */

import { specFor } from './spec.js';

export const STEPS = ['challenge', 'prm', 'authorization-server', 'browser', 'token'] as const;
/** The five stages of what an MCP client does, in the order it does them. */
export type Step = (typeof STEPS)[number];

export const STEP_TITLES: Record<Step, string> = {
  challenge: 'Unauthenticated request',
  prm: 'Protected Resource Metadata',
  'authorization-server': 'Authorization server',
  browser: 'Browser readiness',
  token: 'Access token',
};

/** `skip`: not evaluated (missing input or an earlier failure) or purely informational. */
export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';

export interface Check {
  /** Stable identifier, `<step>.<name>` (e.g. `prm.resource`); safe to match on in scripts. */
  id: string;
  step: Step;
  status: CheckStatus;
  /** One line saying what was verified. */
  title: string;
  /** What was observed (may span several lines). */
  seen: string;
  /** Why it matters to an MCP client; empty when there is nothing to add. */
  why: string;
  /** What to change; empty for passes. */
  fix: string;
  /** Where the requirement is written (spec or RFC section, one `name: url` per line); empty for passes and skips. */
  spec: string;
}

export interface DoctorSummary {
  pass: number;
  warn: number;
  fail: number;
  skip: number;
}

/** What discovery found, for scripts consuming `--json`. Every field is public information. */
export interface DiscoveredFacts {
  resourceMetadataUrl?: string;
  resource?: string;
  authorizationServer?: string;
  authorizationServerMetadataUrl?: string;
  issuer?: string;
  jwksUri?: string;
  scopesSupported?: string[];
  challengeScope?: string;
  tools?: string[];
}

export interface DoctorReport {
  /** Bumped when the JSON shape changes incompatibly. */
  schemaVersion: 1;
  url: string;
  startedAt: string;
  durationMs: number;
  /** How the token was obtained; never the token itself. */
  tokenSource: 'none' | 'flag' | 'env' | 'client-credentials';
  registration?: string;
  probeTools: boolean;
  timeoutMs: number;
  discovered: DiscoveredFacts;
  checks: Check[];
  summary: DoctorSummary;
}

export function summarize(checks: readonly Check[]): DoctorSummary {
  const summary: DoctorSummary = { pass: 0, warn: 0, fail: 0, skip: 0 };
  for (const check of checks) summary[check.status] += 1;
  return summary;
}

type CheckFields = Omit<Check, 'status' | 'why' | 'fix' | 'spec'> & { why?: string; fix?: string };

export const pass = (fields: CheckFields): Check => make('pass', fields);
export const warn = (fields: CheckFields): Check => make('warn', fields);
export const fail = (fields: CheckFields): Check => make('fail', fields);
export const skip = (fields: CheckFields): Check => make('skip', fields);

function make(status: CheckStatus, fields: CheckFields): Check {
  return {
    id: fields.id,
    step: fields.step,
    status,
    title: fields.title,
    seen: fields.seen,
    why: fields.why ?? '',
    fix: status === 'pass' ? '' : (fields.fix ?? ''),
    spec: status === 'fail' || status === 'warn' ? specFor(fields.id) : '',
  };
}

/** Orders checks by step (the order a client works in), keeping each step's own order. */
export function orderChecks(checks: readonly Check[]): Check[] {
  return [...checks].sort((a, b) => STEPS.indexOf(a.step) - STEPS.indexOf(b.step));
}
