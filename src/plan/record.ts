/**
 * The project's record, `.create-mcp-oauth.json`: what this tool wrote into the project, so `upgrade` can
 * later tell our changes from the user's. It holds the CLI version, the answers that drove the templates
 * and, per file, the id of its contents as the templates rendered them (before any merge with the user's
 * edits). It is committed with the project, so it stays small: ids, not text.
 *
 * Answers are copied field by field from typed inputs (never spread), so nothing else can slip in: no
 * secret exists among them, the Scalekit values are public identifiers, and the user-owned `.env` is never
 * listed, not even by a hash (a hash of a short secret can be guessed).
 *
 * A file's id is its git blob id (`git hash-object <file>` prints the same), so anyone can check a file
 * against the record without this tool.
 */
import { createHash } from 'node:crypto';
import type {
  Framework,
  PackageManager,
  PlannedFile,
  ProjectConfig,
  PromptSpec,
  ResourceSpec,
  ScopeSpec,
  ToolSpec,
} from '../core/types.js';
import { USER_OWNED_FILES } from '../core/user-owned.js';
import { CLI_VERSION } from '../core/version.js';
import { byCodeUnits } from '../core/compare.js';

export const RECORD_FILE = '.create-mcp-oauth.json';
export { CLI_VERSION };
/** Bumped when the record's shape changes incompatibly; a reader refuses shapes it does not know. */
const RECORD_FORMAT = 1;

/**
 * What a scaffold's templates were rendered from: the validated config without what follows from where the
 * project is (its directory) or from other answers (the MCP URL), plus the package manager the README spells.
 */
export type ScaffoldAnswers = Omit<ProjectConfig, 'targetDir' | 'mcpServerUrl'> & { packageManager: PackageManager };

/** What `add`'s auth modules were rendered from. */
export interface AddAnswers {
  framework: Framework;
  sdk: 'v1' | 'v2';
  /** Extension and syntax of the modules (`.ts`/`ts`, `.js`/`esm`, `.cjs`/`cjs`…). */
  extension: string;
  syntax: 'ts' | 'esm' | 'cjs';
  /** Folder of the modules, relative to the project. */
  folder: string;
  resourceName: string;
  scopes: ScopeSpec[];
  tools: ToolSpec[];
  resources: ResourceSpec[];
  prompts: PromptSpec[];
}

export type ProjectRecord =
  | { version: string; kind: 'scaffold'; answers: ScaffoldAnswers; files: Record<string, string> }
  | { version: string; kind: 'add'; answers: AddAnswers; files: Record<string, string> };

/** The git blob id of `text` as written (UTF-8). */
export function blobId(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

export function scaffoldAnswers(config: ProjectConfig, packageManager: PackageManager): ScaffoldAnswers {
  return {
    packageName: config.packageName,
    framework: config.framework,
    baseUrl: config.baseUrl,
    mcpPath: config.mcpPath,
    scalekitEnvUrl: config.scalekitEnvUrl,
    resourceId: config.resourceId,
    serverUrlInAudience: config.serverUrlInAudience,
    scopes: copyScopes(config.scopes),
    tools: copyTools(config.tools),
    resources: copyResources(config.resources),
    prompts: copyTools(config.prompts),
    filterLists: config.filterLists,
    registration: config.registration,
    deploy: config.deploy,
    packageManager,
  };
}

/**
 * The answers of a record, with what later versions added filled in as those versions' defaults: a project
 * recorded before a question existed was made with the answer that is now the default.
 */
export function scaffoldAnswersOf(recorded: ScaffoldAnswers): ScaffoldAnswers {
  return { ...ANSWERS_ADDED_SINCE_0_1_0, ...recorded };
}

const ANSWERS_ADDED_SINCE_0_1_0: Pick<ScaffoldAnswers, 'deploy' | 'resources' | 'prompts' | 'filterLists'> = {
  deploy: 'node',
  resources: [],
  prompts: [],
  filterLists: false,
};

/** The same for `add`'s answers. */
export function addAnswersOf(recorded: AddAnswers): AddAnswers {
  // Records made before 0.2.0 have neither field.
  return { ...recorded, resources: recorded.resources ?? [], prompts: recorded.prompts ?? [] };
}

export function addAnswers(answers: AddAnswers): AddAnswers {
  return {
    framework: answers.framework,
    sdk: answers.sdk,
    extension: answers.extension,
    syntax: answers.syntax,
    folder: answers.folder,
    resourceName: answers.resourceName,
    scopes: copyScopes(answers.scopes),
    tools: copyTools(answers.tools),
    resources: copyResources(answers.resources),
    prompts: copyTools(answers.prompts),
  };
}

/** The record for `files` as the templates rendered them, as a planned file. */
export function recordFile(
  record: Omit<ProjectRecord, 'files' | 'version'> & { version?: string },
  files: readonly PlannedFile[],
): PlannedFile {
  const ids: Record<string, string> = {};
  for (const file of [...files].sort((a, b) => byCodeUnits(a.path, b.path))) {
    if (file.path === RECORD_FILE || USER_OWNED_FILES.has(file.path)) continue;
    ids[file.path] = blobId(file.contents);
  }
  const contents = {
    $comment:
      'Written by create-mcp-oauth: what it generated here, ' +
      'so `npx create-mcp-oauth upgrade` can bring the project up to date and keep your edits. ' +
      'Commit it; do not edit it.',
    format: RECORD_FORMAT,
    version: record.version ?? CLI_VERSION,
    kind: record.kind,
    answers: record.answers,
    files: ids,
  };
  return { path: RECORD_FILE, contents: `${JSON.stringify(contents, null, 2)}\n` };
}

/** A problem with the record file itself; the message says what is wrong and how to recover. */
export class RecordError extends Error {
  override name = 'RecordError';
}

/** Read a record, checking its shape (it is user-editable data like any other file). */
export function parseRecord(text: string): ProjectRecord {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new RecordError(`${RECORD_FILE} is not valid JSON (${(error as Error).message})`);
  }
  const record = data as Record<string, unknown>;
  const fail = (what: string) => {
    throw new RecordError(`${RECORD_FILE}: ${what}; restore it from git (git checkout -- ${RECORD_FILE})`);
  };
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return fail('not a JSON object');
  if (record.format !== RECORD_FORMAT)
    return fail(`format ${JSON.stringify(record.format)} is not one this version reads (${RECORD_FORMAT})`);
  if (typeof record.version !== 'string' || !/^\d+\.\d+\.\d+/.test(record.version)) return fail('"version" is missing');
  if (record.kind !== 'scaffold' && record.kind !== 'add') return fail('"kind" must be "scaffold" or "add"');
  if (typeof record.answers !== 'object' || record.answers === null) return fail('"answers" is missing');
  const files = record.files as Record<string, unknown> | undefined;
  if (typeof files !== 'object' || files === null || Array.isArray(files)) return fail('"files" is missing');
  for (const [path, id] of Object.entries(files)) {
    if (typeof id !== 'string' || !/^[0-9a-f]{40}$/.test(id)) return fail(`"files" has no valid id for ${path}`);
    if (path.startsWith('/') || path.split('/').includes('..'))
      return fail(`"files" names a path outside the project: ${path}`);
  }
  return {
    version: record.version,
    kind: record.kind,
    answers: record.answers,
    files: files as Record<string, string>,
  } as ProjectRecord;
}

function copyScopes(scopes: readonly ScopeSpec[]): ScopeSpec[] {
  return scopes.map((scope) => ({ name: scope.name, description: scope.description }));
}

function copyResources(resources: readonly ResourceSpec[]): ResourceSpec[] {
  return resources.map((resource) => ({ uri: resource.uri, scopes: [...resource.scopes] }));
}

function copyTools(tools: readonly ToolSpec[]): ToolSpec[] {
  return tools.map((tool) => ({ name: tool.name, scopes: [...tool.scopes] }));
}
