/**
 * The templates of earlier versions, for the base of `upgrade`'s three-way merges.
 *
 * A merge needs the file as we wrote it, not only its id. Like copier and cruft (which re-render the template
 * at the commit a project records), `upgrade` re-renders the recorded answers with the templates of the
 * recorded version, and uses the result only where its id matches the record, so a base is never guessed.
 * Those templates ship with the CLI, compactly: templates/history/<version>.json holds only what differs from
 * the current templates (scripts/template-history.mjs writes it from the release's git commit). The
 * alternatives are worse: storing every file's text in the record would make a committed file of tens of
 * kilobytes that changes wholesale on every upgrade, and reading old blobs from the project's git history
 * fails for projects not in git, and for the renderings `upgrade` itself records (they are merged with the
 * user's edits, so they are never committed as such).
 */
import { loadEarlierTemplateSpecs, readTemplateHistory, type TemplateSource } from '../plan/index.js';

export interface TemplateHistory {
  version: string;
  /** Template path → its source in that version, or null where that version had no such template. */
  templates: Record<string, string | null>;
}

/** The kept templates of `version`, or undefined when this CLI does not carry them. */
export async function loadTemplateHistory(
  version: string,
  templatesDir?: string,
): Promise<TemplateHistory | undefined> {
  const text = await readTemplateHistory(version, templatesDir);
  if (text === undefined) return undefined;
  await loadEarlierTemplateSpecs();
  return JSON.parse(text) as TemplateHistory;
}

/** The template set of an earlier version: the current one with that version's differences laid over it. */
export function templatesOf(current: TemplateSource, history: TemplateHistory): TemplateSource {
  const templates = new Map(current);
  for (const [name, source] of Object.entries(history.templates)) {
    if (source === null) templates.delete(name);
    else templates.set(name, source);
  }
  return templates;
}
