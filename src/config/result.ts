/**
 * What every validator returns: the normalised value, or a message saying what is wrong and how to fix it.
 * Messages describe the value only ("must use https://…"); callers add the flag or field name,
 * so the same validator serves `--base-url` and the "Public base URL" prompt.
 */
export type Result<T> = { ok: true; value: T } | { ok: false; error: string };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail(error: string): { ok: false; error: string } {
  return { ok: false, error };
}
