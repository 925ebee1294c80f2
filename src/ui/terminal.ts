import pc from 'picocolors';

type Colors = ReturnType<typeof pc.createColors>;

export interface TerminalStreams {
  stdin: { isTTY?: boolean };
  stdout: { isTTY?: boolean };
}

/** `CI` counts as set unless it is empty, `0` or `false` (some runners export CI=false locally). */
export function isCiSet(env: NodeJS.ProcessEnv): boolean {
  const value = env.CI?.trim().toLowerCase();
  return value !== undefined && value !== '' && value !== '0' && value !== 'false';
}

/** Why we can't ask questions, or `undefined` when we can. */
export function whyNotInteractive(streams: TerminalStreams, env: NodeJS.ProcessEnv): string | undefined {
  if (isCiSet(env)) return 'CI is set';
  // stdout first: Node creates process.stdin on first access (a stream, and a handle for a pipe), which output
  // redirected to a file or pipe never needs.
  if (!streams.stdout.isTTY || !streams.stdin.isTTY) return 'stdin/stdout is not a terminal';
  return undefined;
}

/** Colours only for a terminal, and never with NO_COLOR (https://no-color.org); FORCE_COLOR wins over the TTY check. */
export function colorsFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): Colors {
  const noColor = env.NO_COLOR !== undefined && env.NO_COLOR !== '';
  const forced = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return pc.createColors(!noColor && (forced || (Boolean(stream.isTTY) && env.TERM !== 'dumb')));
}

export type { Colors };
