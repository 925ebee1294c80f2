/** What is in the target directory, as config/ (asking where to write) and write/ (inspecting it) both see it. */
export type TargetState =
  | { kind: 'missing' }
  /** Exists and holds nothing, or only harmless entries (listed). */
  | { kind: 'empty'; entries: string[] }
  /** Exists and holds user content: only `--force` may write into it. */
  | { kind: 'not-empty'; entries: string[] }
  /** Can't be used at all; `reason` says why and how to fix it. */
  | { kind: 'unusable'; reason: string };

/** A short human list of what is in the way, for error messages. */
export function describeEntries(entries: string[], max = 3): string {
  const shown = entries.slice(0, max).join(', ');
  return entries.length > max ? `${shown} and ${entries.length - max} more` : shown;
}
