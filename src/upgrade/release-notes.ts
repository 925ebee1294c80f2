/**
 * What changed in the generated code, per version, in the words `upgrade` shows users: why a file changes.
 * Add an entry with every release that changes templates (the newest last); a unit test checks that the
 * running version has one.
 */
import lt from 'semver/functions/lt.js';
import lte from 'semver/functions/lte.js';

export type ProjectKind = 'scaffold' | 'add';

export interface ReleaseNotes {
  version: string;
  /** What changed, in the user's words; a note about one kind of project only says which (`only`). */
  notes: (string | { text: string; only: ProjectKind })[];
  /**
   * Files this version moved, old path → new path, for a scaffolded project (`scaffold`) and, relative to the
   * module folder, for one patched by `add` (`add`). Declared moves win over guessing by similarity: a file
   * that moved and was rewritten (the scope map) must still carry the user's edits, never be left behind.
   */
  moves?: { scaffold?: Record<string, string>; add?: Record<string, string> };
  /**
   * Scripts this version added to a scaffolded project's package.json: `upgrade` adds each one the project
   * lacks, with the command this version generates (a script of the user's with that name is left alone).
   */
  scripts?: string[];
}

export const RELEASE_NOTES: readonly ReleaseNotes[] = [
  {
    version: '0.2.0',
    notes: [
      'Projects record what create-mcp-oauth generated in .create-mcp-oauth.json ' +
        '(version, answers, an id per file; no secrets), ' +
        'so `create-mcp-oauth upgrade` can bring them up to date while keeping your edits. The README explains it.',
      'auth/token-verifier.ts (under src/mcp-oauth/, or the OAuth module folder add wrote): the accepted issuers ' +
        'are documented: Scalekit signs with the environment URL (older tokens) ' +
        'and with <environment URL>/resources/<resource id> (since 2026), ' +
        'and both must pass, or every token of the other form is refused.',
      {
        only: 'scaffold',
        text:
          'The auth files moved from src/auth/ to src/mcp-oauth/auth/, and config, limits, log and the scope map ' +
          'into src/mcp-oauth/: one folder, the same module add installs. Each old path re-exports the new one.',
      },
      {
        only: 'add',
        text:
          'The scope map moved from mcp/tool-scopes to tool-scopes in the OAuth module folder; the old path ' +
          're-exports it, so your tools keep importing it until you point them at the new one.',
      },
      {
        only: 'scaffold',
        text:
          'Tests: the default test run is much shorter. The slow checks moved to test/stress/ and run with the new ' +
          '`test:stress` script (vitest.stress.config.ts): 2,000 mixed requests, the key-set outages with the ' +
          "server's real timeouts, and graceful shutdown of the server in its own process. test/load.test.ts and " +
          'test/key-set-faults.test.ts keep the same checks in a fast form (200 requests; shortened timeouts), and ' +
          'test/shutdown.test.ts checks shutdown in-process. vitest.config.ts runs test files without per-file ' +
          'isolation (isolate: false): set it to true if your own tests mock modules or change globals.',
      },
    ],
    moves: {
      scaffold: {
        ...Object.fromEntries(
          [
            'authorization-server-mirror',
            'bearer-gate',
            'cors',
            'key-set',
            'protected-resource',
            'rejections',
            'scalekit',
            'step-up',
            'token-cache',
            'token-verifier',
          ].map((name) => [`src/auth/${name}.ts`, `src/mcp-oauth/auth/${name}.ts`]),
        ),
        'src/config.ts': 'src/mcp-oauth/config.ts',
        'src/limits.ts': 'src/mcp-oauth/limits.ts',
        'src/log.ts': 'src/mcp-oauth/log.ts',
        'src/mcp/tool-scopes.ts': 'src/mcp-oauth/tool-scopes.ts',
      },
      add: { 'mcp/tool-scopes': 'tool-scopes' },
    },
    scripts: ['test:stress'],
  },
];

/**
 * The moves declared by the versions after `from` up to `to`, as old path → new path in this project. For
 * `add`, paths are relative to the module folder and without the extension (the project's own).
 */
export function declaredMoves(
  from: string,
  to: string,
  project: { kind: 'scaffold' } | { kind: 'add'; folder: string; extension: string },
): Map<string, string> {
  const moves = new Map<string, string>();
  for (const entry of notesBetween(from, to)) {
    if (project.kind === 'scaffold') {
      for (const [old, now] of Object.entries(entry.moves?.scaffold ?? {})) moves.set(old, now);
    } else {
      const at = (module: string) => `${project.folder}/${module}${project.extension}`;
      for (const [old, now] of Object.entries(entry.moves?.add ?? {})) moves.set(at(old), at(now));
    }
  }
  return moves;
}

/** The scripts the versions after `from` up to `to` added to a scaffolded project. */
export function declaredScripts(from: string, to: string): string[] {
  return notesBetween(from, to).flatMap((entry) => entry.scripts ?? []);
}

/** The notes of every version after `from`, up to and including `to`, oldest first. */
export function notesBetween(from: string, to: string): ReleaseNotes[] {
  return RELEASE_NOTES.filter((entry) => lt(from, entry.version) && lte(entry.version, to));
}
