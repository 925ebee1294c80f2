/**
 * Render a record's answers with a template set: the files that version of the templates generates, and the
 * dependency ranges they need. Generic over whatever the planners produce (no list of files here), so files
 * that appear, disappear or move between versions are simply in one rendering and not the other.
 */
import type { ProjectConfig, PlannedFile } from '../core/types.js';
import { addedFiles } from '../add/added-files.js';
import { moduleDependencies } from '../add/plan.js';
import type { DependencyToAdd } from '../add/patch-package-json.js';
import { planProject, type TemplateSource } from '../plan/index.js';
import { RECORD_FILE, RecordError, scaffoldAnswersOf, addAnswersOf, type ProjectRecord } from '../plan/record.js';
import { USER_OWNED_FILES } from '../core/user-owned.js';

export const MANIFEST = 'package.json';

export interface Rendering {
  /** Files `upgrade` brings up to date, by path (never package.json, the record or a user-owned file). */
  files: ReadonlyMap<string, string>;
  /** The package.json the templates would write: recorded, never merged as text (its ranges are raised instead). */
  manifest?: string;
  /** Dependencies the generated code needs, with the ranges the templates were written against. */
  dependencies: DependencyToAdd[];
  /** The scripts of the package.json the templates would write (none for a module patched in by `add`). */
  scripts: Record<string, string>;
}

export function renderRecord(record: ProjectRecord, templates: TemplateSource, targetDir: string): Rendering {
  try {
    return record.kind === 'scaffold' ? renderScaffold(record, templates, targetDir) : renderAdd(record, templates);
  } catch (error) {
    if (error instanceof TypeError)
      throw new RecordError(
        `${RECORD_FILE}: its "answers" do not have the shape this version expects ` +
          `(${error.message}); restore it from git`,
      );
    throw error;
  }
}

function renderScaffold(
  record: Extract<ProjectRecord, { kind: 'scaffold' }>,
  templates: TemplateSource,
  targetDir: string,
): Rendering {
  const { packageManager, ...answers } = scaffoldAnswersOf(record.answers);
  const config: ProjectConfig = { ...answers, targetDir, mcpServerUrl: `${answers.baseUrl}${answers.mcpPath}` };
  const plan = planProject(config, templates, { packageManager });
  const files = new Map<string, string>();
  let manifest: string | undefined;
  for (const file of plan.files) {
    if (file.path === MANIFEST) manifest = file.contents;
    else if (file.path !== RECORD_FILE && !USER_OWNED_FILES.has(file.path)) files.set(file.path, file.contents);
  }
  return {
    files,
    ...(manifest === undefined ? {} : { manifest }),
    dependencies: manifestDependencies(manifest),
    scripts:
      manifest === undefined ? {} : ((JSON.parse(manifest) as { scripts?: Record<string, string> }).scripts ?? {}),
  };
}

function renderAdd(record: Extract<ProjectRecord, { kind: 'add' }>, templates: TemplateSource): Rendering {
  const answers = addAnswersOf(record.answers);
  const files = addedFiles({
    templates,
    sdk: answers.sdk,
    framework: answers.framework,
    flavor: { extension: answers.extension, syntax: answers.syntax },
    folder: answers.folder,
    resourceName: answers.resourceName,
    scopes: answers.scopes,
    tools: answers.tools,
    resources: answers.resources,
    prompts: answers.prompts,
  });
  return {
    files: new Map(files.map((file) => [file.path, file.contents])),
    dependencies: moduleDependencies(answers.framework, answers.syntax === 'ts'),
    scripts: {},
  };
}

function manifestDependencies(manifest: string | undefined): DependencyToAdd[] {
  if (manifest === undefined) return [];
  const parsed = JSON.parse(manifest) as Record<string, Record<string, string> | undefined>;
  return [
    ...Object.entries(parsed.dependencies ?? {}).map(([name, range]) => ({ name, range, dev: false })),
    ...Object.entries(parsed.devDependencies ?? {}).map(([name, range]) => ({ name, range, dev: true })),
  ];
}

/** The files a rendering records: everything it generated, package.json included. */
export function recordedFiles(rendering: Rendering): PlannedFile[] {
  const files = [...rendering.files].map(([path, contents]) => ({ path, contents }));
  if (rendering.manifest !== undefined) files.push({ path: MANIFEST, contents: rendering.manifest });
  return files;
}
