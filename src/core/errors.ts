/** Exit codes: 0 success, 1 any failure the user can fix (or a bug), 130 cancelled/interrupted (128 + SIGINT). */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_CANCELLED = 130;

/**
 * An expected failure: bad input, a directory in the way, a failed install. Printed as one
 * `error:` line (plus optional detail lines), never with a stack trace.
 */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: number = EXIT_FAILURE,
  ) {
    super(message);
  }
}

/** The user cancelled a prompt or pressed Ctrl-C: print "Cancelled", exit 130, leave nothing behind. */
export class CancelledError extends Error {
  override name = 'CancelledError';
  /** What was left behind, when something was (e.g. a project whose install was interrupted). */
  constructor(readonly detail?: string) {
    super(detail ? `Cancelled: ${detail}` : 'Cancelled');
  }
}
