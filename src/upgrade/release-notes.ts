/**
 * What changed in the generated code, per version, in the words `upgrade` shows users: why a file changes.
 * Add an entry with every release that changes templates (the newest last); a unit test checks that the
 * running version has one.
 */
import lt from 'semver/functions/lt.js';
import lte from 'semver/functions/lte.js';

export interface ReleaseNotes {
  version: string;
  notes: string[];
}

export const RELEASE_NOTES: readonly ReleaseNotes[] = [
  {
    version: '0.2.0',
    notes: [
      'Projects record what create-mcp-oauth generated in .create-mcp-oauth.json (version, answers, an id per file; no secrets), so `create-mcp-oauth upgrade` can bring them up to date while keeping your edits. The README explains it.',
      'src/auth/token-verifier.ts: the accepted issuers are documented: Scalekit signs with the environment URL (older tokens) and with <environment URL>/resources/<resource id> (since 2026), and both must pass, or every token of the other form is refused.',
    ],
  },
];

/** The notes of every version after `from`, up to and including `to`, oldest first. */
export function notesBetween(from: string, to: string): ReleaseNotes[] {
  return RELEASE_NOTES.filter((entry) => lt(from, entry.version) && lte(entry.version, to));
}
