/**
 * The `add` flow: read the project → detect → (git check) → resolve inputs → plan → diff → confirm →
 * write everything or nothing → install → what is left to do. Returns the exit code.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { askMcpPath } from '../config/questions.js';
import { DEFAULT_MCP_PATH } from '../core/defaults.js';
import { ENV } from '../core/env.js';
import { formatCommand, installCommand } from '../core/package-manager.js';
import { shellQuote } from '../ui/shell-quote.js';
import { loadTemplates } from '../plan/index.js';
import { CancelledError, CliError, EXIT_CANCELLED, EXIT_OK } from '../core/errors.js';
import type { CliIo } from '../core/io.js';
import { createPlainUi } from '../ui/plain-ui.js';
import { colorDiff, confirmChange } from '../ui/review.js';
import { colorsFor, whyNotInteractive } from '../ui/terminal.js';
import type { Ui } from '../ui/ui.js';
import { writePatchInterruptibly } from '../write/patch-project.js';
import { WriteAbortedError, WriteError } from '../write/write-project.js';
import type { AddFlags } from '../args/add-options.js';
import { describeSteps, DetectionError, detectProject, type ProjectFacts, type ProjectSnapshot } from './detect.js';
import type { ExistingAuth } from './existing-auth.js';
import { unifiedDiff } from './diff.js';
import { refuseDirtyTree } from './git-check.js';
import { importExtension } from './added-files.js';
import { GUARD_FUNCTION, manualEntrySnippet } from './patch-entry.js';
import { EntryRefusal, guardFile, moduleFolder, outputFlavor, planAdd, type AddPlan } from './plan.js';
import { ProjectReadError, readProject } from './project-files.js';
import { resolveAdd, validateAddFlags, type ResolvedAdd } from './resolve.js';

export async function runAdd(flags: AddFlags, io: CliIo): Promise<number> {
  const colors = colorsFor(io.stdout, io.env);
  const nonInteractiveReason = whyNotInteractive(io, io.env);
  const ui: Ui = nonInteractiveReason ? createPlainUi(io) : (await import('../ui/clack-ui.js')).createClackUi(colors);
  try {
    ui.intro('create-mcp-oauth add');
    let given = validateAddFlags(flags);
    const dir = path.resolve(io.cwd, flags.dir ?? '.');
    const snapshot = await readSnapshot(dir);
    let facts = detect(snapshot, flags, given.mcpPath, io.cwd, dir);
    ui.section('Detected', describeFacts(facts));
    // The public path, pre-filled with the detected one: another answer is taken as --mcp-path would be.
    const prompter = flags.yes ? undefined : ui.prompter;
    if (prompter && given.mcpPath === undefined) {
      if (facts.entry.kind === 'ambiguous') ui.warn(`${facts.entry.reason}: ${facts.entry.fix}`);
      const detected = facts.entry.kind === 'found' ? facts.entry.route.path : DEFAULT_MCP_PATH;
      const mcpPath = await askMcpPath(prompter, detected);
      if (mcpPath !== detected || facts.entry.kind !== 'found') {
        given = { ...given, mcpPath };
        facts = detect(snapshot, flags, mcpPath, io.cwd, dir);
      }
    }
    // Without the MCP route, leave the user's code alone: refuse, or (asked for) write only the module files.
    let filesOnly = flags.filesOnly;
    if (facts.entry.kind !== 'found' && !filesOnly)
      filesOnly = await offerFilesOnly(facts, given.mcpPath, ui, prompter);

    // Before any question: there is no point asking when the answer would be a refusal.
    if (facts.existingAuth.length > 0 && !filesOnly) throw existingAuthRefusal(facts.existingAuth);
    if (!flags.dryRun && flags.gitCheck) await refuseDirtyTree(dir, 'add', ui);

    const resolved = await resolveAdd({
      flags,
      given,
      facts,
      prompter: ui.prompter,
      ...(nonInteractiveReason ? { nonInteractiveReason } : {}),
      userAgent: io.env.npm_config_user_agent,
    });
    for (const note of resolved.notes) ui.warn(note);

    const plan = planOrRefuse(snapshot, facts, resolved, await loadTemplates(), filesOnly, ui);
    const paste = filesOnly ? pasteSteps(facts, plan, given.mcpPath) : undefined;
    for (const note of plan.notes) ui.warn(note);

    if (plan.changes.length === 0) {
      ui.success(`Already set up: ${dir} has Scalekit OAuth in ${plan.folder}; nothing to change.`);
      if (paste) ui.section(paste.title, paste.lines);
      reportManualSteps(plan, ui);
      ui.outro('Nothing was written.');
      return EXIT_OK;
    }

    const diff = plan.changes.map((change) => unifiedDiff(change.path, change.before, change.after)).join('');
    io.stdout.write(`\n${colorDiff(diff, colors)}\n`);
    ui.section('Summary', summarize(plan, resolved, flags));

    if (flags.dryRun) {
      if (paste) ui.section(paste.title, paste.lines);
      reportManualSteps(plan, ui);
      ui.outro('Dry run: nothing was written.');
      return EXIT_OK;
    }
    const apply = await confirmChange(ui, {
      yes: flags.yes,
      message: `Apply these changes to ${plan.changes.length} files?`,
      nonInteractiveReason,
    });
    if (!apply) {
      ui.outro('Nothing was written.');
      return EXIT_OK;
    }

    await writeInterruptibly(dir, plan);
    ui.success(`Wrote ${plan.changes.length} files in ${dir}`);
    if (plan.dependencies.length > 0 && flags.install) await install(resolved, dir, ui);

    if (paste) ui.section(paste.title, paste.lines);
    reportManualSteps(plan, ui);
    ui.section('Next steps', nextSteps(resolved, plan, dir, io.cwd, flags, facts));
    ui.outro(colors.green('Done.'));
    return EXIT_OK;
  } catch (error) {
    if (error instanceof CancelledError || error instanceof WriteAbortedError) {
      ui.cancelled('Nothing was written.');
      return EXIT_CANCELLED;
    }
    throw error;
  }
}

async function readSnapshot(dir: string): Promise<ProjectSnapshot> {
  try {
    return await readProject(dir);
  } catch (error) {
    if (error instanceof ProjectReadError) throw new CliError(error.message);
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') {
      throw new CliError(`[dir]: ${dir} is not a directory; pass the directory of an existing MCP server project`);
    }
    throw error;
  }
}

function detect(
  snapshot: ProjectSnapshot,
  flags: AddFlags,
  mcpPath: string | undefined,
  cwd: string,
  dir: string,
): ProjectFacts {
  let entry: string | undefined;
  if (flags.entry !== undefined) {
    // Relative to where the user is, or to the project: whichever names one of its source files.
    const candidates = [path.resolve(cwd, flags.entry), path.resolve(dir, flags.entry)].map((absolute) =>
      path.relative(dir, absolute).split(path.sep).join('/'),
    );
    entry = candidates.find((candidate) => snapshot.files.has(candidate)) ?? candidates[0];
  }
  try {
    return detectProject(snapshot, {
      ...(entry === undefined ? {} : { entry }),
      ...(mcpPath === undefined ? {} : { mcpPath }),
    });
  } catch (error) {
    if (error instanceof DetectionError) throw new CliError(error.message);
    throw error;
  }
}

function planOrRefuse(
  snapshot: ProjectSnapshot,
  facts: ProjectFacts,
  resolved: ResolvedAdd,
  templates: ReadonlyMap<string, string>,
  filesOnly: boolean,
  ui: Ui,
): AddPlan {
  try {
    return planAdd({ snapshot, facts, config: resolved.config, templates, filesOnly });
  } catch (error) {
    if (!(error instanceof EntryRefusal)) throw error;
    return refuse(error.message, error.file, error.snippet, ui);
  }
}

/**
 * The MCP route is not understood: in a terminal, offer to write only the module files (true when accepted);
 * otherwise, or when declined, refuse with the snippet.
 */
async function offerFilesOnly(
  facts: ProjectFacts,
  mcpPath: string | undefined,
  ui: Ui,
  prompter: Ui['prompter'],
): Promise<boolean> {
  if (prompter && facts.entry.kind !== 'found') {
    ui.warn(facts.entry.kind === 'ambiguous' ? `${facts.entry.reason}: ${facts.entry.fix}` : facts.entry.reason);
    const accepted = await prompter.confirm({
      message: 'Write only the OAuth module files (your code stays as it is) and show the lines to paste?',
      initialValue: true,
    });
    if (accepted) return true;
  }
  return refuseEntry(facts, mcpPath, ui);
}

/** The lines to paste by hand after `--files-only`, and where. */
function pasteSteps(
  facts: ProjectFacts,
  plan: AddPlan,
  mcpPath: string | undefined,
): { title: string; lines: string[] } {
  const { entry } = facts;
  const file = guardFile(facts);
  const folder = `./${plan.folder.split('/').pop()}`;
  const snippet = manualEntrySnippet(
    {
      framework: facts.framework.name,
      sdk: facts.sdk,
      mcpPath: entry.kind === 'found' ? entry.route.path : mcpPath,
      adapterSpecifier: `${folder}/${facts.framework.name}${importExtension(outputFlavor(facts).extension)}`,
      worker: facts.worker !== undefined,
    },
    outputFlavor(facts).syntax !== 'cjs',
  );
  const mount = entry.kind === 'found' ? entry.route.mount : undefined;
  const where = mount
    ? [
        `// The MCP route (${entry.kind === 'found' ? entry.file : ''}) is mounted under ${mount.prefix} ` +
          `by ${describeSteps(mount.steps)}: the guard goes on the root app, ${mount.guard.appName}, ` +
          (mount.guard.mode === 'creation'
            ? `which is created with basePath(…): into its creation (line ${mount.guard.line}), before basePath, ` +
              `e.g. new Hono().use(${GUARD_FUNCTION}({ … })).basePath(…)`
            : `before line ${mount.guard.line}`),
        '',
      ]
    : [];
  return {
    title:
      `Paste into ${file ?? 'the file that creates the app'} (the module is in ${plan.folder}; ` +
      'fix the import path if you paste elsewhere)',
    lines: [...where, ...snippet.split('\n')],
  };
}

function refuseEntry(facts: ProjectFacts, mcpPath: string | undefined, ui: Ui): never {
  const { entry } = facts;
  if (entry.kind === 'found') throw new Error('refuseEntry called with a recognised entry');
  const folder = path.posix.basename(moduleFolder(facts));
  const adapterSpecifier = `./${folder}/${facts.framework.name}${importExtension(outputFlavor(facts).extension)}`;
  const snippet = manualEntrySnippet(
    { framework: facts.framework.name, sdk: facts.sdk, mcpPath, adapterSpecifier, worker: facts.worker !== undefined },
    outputFlavor(facts).syntax !== 'cjs',
  );
  return refuse(
    entry.kind === 'ambiguous' ? `${entry.reason}: ${entry.fix}` : entry.reason,
    entry.kind === 'not-found' ? entry.file : undefined,
    snippet,
    ui,
  );
}

/** The app guards its MCP endpoint itself: a second gate would refuse every Scalekit token. */
function existingAuthRefusal(found: readonly ExistingAuth[]): CliError {
  const list = found.map((auth) => `${auth.file}:${auth.line}: ${auth.what}`).join('; ');
  return new CliError(
    `the server already has OAuth of its own (${list}). With it in place, hosts would be sent to its ` +
      'authorization server and every Scalekit token refused. Nothing was changed: remove it (the guard `add` ' +
      'installs serves the metadata, answers 401/403 and checks tokens and scopes) and run add again, or pass ' +
      '--files-only to write only the OAuth module and wire it yourself',
  );
}

function refuse(reason: string, file: string | undefined, snippet: string, ui: Ui): never {
  ui.section(
    `What add would insert ${file ? `in ${file}` : 'in the file that creates the app'}, before the MCP route`,
    snippet.split('\n'),
  );
  throw new CliError(
    `${reason}.\nNothing was changed. Pass --entry <file> (and ` +
      `--mcp-path <path>) if another file mounts the MCP endpoint, ` +
      "or mount it with a literal path, e.g. app.post('/mcp', handler), and run add again; " +
      'or pass --files-only to write only the OAuth module files and paste the lines above yourself.',
  );
}

function describeFacts(facts: ProjectFacts): string[] {
  const frameworkName = facts.framework.name === 'express' ? 'Express' : 'Hono';
  const framework = facts.framework.major === undefined ? frameworkName : `${frameworkName} ${facts.framework.major}`;
  const moduleSystem = facts.moduleSystem === 'esm' ? 'ES modules' : 'CommonJS';
  const language = `${facts.language === 'ts' ? 'TypeScript' : 'JavaScript'} (${moduleSystem})`;
  const sdk = facts.sdk === 'v1' ? 'v1 (@modelcontextprotocol/sdk)' : 'v2 (@modelcontextprotocol/server)';
  const packageManager = facts.packageManager
    ? `${facts.packageManager.name} (from ${facts.packageManager.from})`
    : 'not recorded (no lockfile)';
  let entry = 'not found';
  if (facts.entry.kind === 'found') {
    const { file, route } = facts.entry;
    const methods = route.methods.map((method) => method.toUpperCase()).join('/');
    entry = `${file}: ${methods} ${route.path} on ${route.appName} (line ${route.line})`;
    // A root app created with basePath(…) has no mount statement: the prefix is its own.
    if (route.mount)
      entry +=
        route.mount.steps.length > 0
          ? `, mounted by ${describeSteps(route.mount.steps)}`
          : `, under ${route.mount.prefix} (basePath of ${route.mount.guard.appName})`;
  } else if (facts.entry.kind === 'not-found' && facts.entry.file) {
    entry = `${facts.entry.file}? (MCP route not recognised)`;
  }
  const tools = facts.tools.length > 0 ? facts.tools.map((tool) => tool.name).join(', ') : 'none found';
  const rows: [string, string][] = [
    ['Framework', facts.worker ? `${framework} on Cloudflare Workers (${facts.worker.config})` : framework],
    ['Language', language],
    ['MCP SDK', sdk],
    ['Package manager', packageManager],
    ['MCP endpoint', entry],
    ['Tools', tools],
  ];
  const lines = rows.map(([label, value]) => `${label.padEnd(16)}${value}`);
  for (const problem of facts.unparsed) lines.push(`(skipped ${problem.file}: it does not parse)`);
  return lines;
}

function summarize(plan: AddPlan, resolved: ResolvedAdd, flags: AddFlags): string[] {
  const created = plan.changes.filter((change) => change.before === undefined).length;
  const lines = [`${plan.changes.length} files: ${created} new, ${plan.changes.length - created} changed`];
  if (plan.dependencies.length > 0) {
    const install =
      flags.install && !flags.dryRun ? `, then ${formatCommand(installCommand(resolved.packageManager))}` : '';
    const added = plan.dependencies.map(
      (dependency) => `${dependency.name}@${dependency.range}${dependency.dev ? ' (dev)' : ''}`,
    );
    lines.push(`dependencies added: ${added.join(', ')}${install}`);
  }
  if (plan.envAdded.length > 0) lines.push(`.env.example: ${plan.envAdded.join(', ')} (.env is not touched)`);
  const scoped = resolved.config.tools.filter((tool) => tool.scopes.length > 0);
  lines.push(
    scoped.length > 0
      ? `tool scopes: ${scoped.map((tool) => `${tool.name} → ${tool.scopes.join(' ')}`).join(', ')}`
      : 'tool scopes: none (any valid token)',
  );
  return lines;
}

function reportManualSteps(plan: AddPlan, ui: Ui): void {
  if (plan.manual.length === 0) return;
  ui.warn(
    `${plan.manual.length} change${plan.manual.length === 1 ? '' : 's'} could not be made automatically: until ` +
      `${plan.manual.length === 1 ? 'it is' : 'they are'} done by hand, those tools accept any valid token`,
  );
  const lines = plan.manual.flatMap((step) => [
    `${step.file}${step.line ? `:${step.line}` : ''}: ${step.reason}`,
    ...step.snippet.split('\n').map((line) => `    ${line}`),
    '',
  ]);
  ui.section('To do by hand', lines);
}

function nextSteps(
  resolved: ResolvedAdd,
  plan: AddPlan,
  dir: string,
  cwd: string,
  flags: AddFlags,
  facts: ProjectFacts,
): string[] {
  const { config } = resolved;
  const steps: string[] = [];
  const relativeDir = path.relative(cwd, dir);
  const installLine = formatCommand(installCommand(resolved.packageManager));
  if (plan.dependencies.length > 0 && !flags.install)
    steps.push(
      `Install the new dependencies: ` +
        `${relativeDir ? `(cd ${shellQuote(relativeDir)} && ${installLine})` : installLine}`,
    );
  const placeholders = [
    resolved.placeholders.envUrl ? ENV.environmentUrl : '',
    resolved.placeholders.resourceId ? ENV.resourceId : '',
  ].filter(Boolean);
  const variables =
    `the variables from .env.example (${ENV.environmentUrl}, ${ENV.resourceId}, ${ENV.serverUrl}` +
    `${placeholders.length > 0 ? `; replace the placeholders in ${placeholders.join(' and ')}` : ''})`;
  steps.push(
    facts.worker
      ? `Set ${variables} as the Worker's vars in ${facts.worker.config} (or secrets: wrangler secret put), and ` +
          `in .dev.vars for wrangler dev: until they are valid, the Worker answers every request with 503.`
      : `Set ${variables} in .env or the environment: the server refuses to start without them.`,
  );
  steps.push(
    `In Scalekit (dashboard > MCP Servers), the resource ${config.resourceId} should ` +
      `list the scopes ${config.scopes.map((scope) => scope.name).join(', ') || '(none)'}.`,
  );
  if (config.registration !== 'preregistered') {
    const how = {
      both: 'Dynamic Client Registration and Client ID Metadata Documents',
      dcr: 'Dynamic Client Registration',
      cimd: 'Client ID Metadata Documents',
    }[config.registration];
    steps.push(`Turn on ${how} for it, so MCP hosts can register themselves.`);
  }
  steps.push(`Start the server, then check it: npx create-mcp-oauth doctor ${config.mcpServerUrl}`);
  if (facts.sdk === 'v1')
    steps.push(
      `Tool scopes are checked by the guard before the MCP handler (the v1 SDK has no per-tool check); ` +
        `edit them in ${plan.folder}/tool-scopes.`,
    );
  return steps;
}

async function writeInterruptibly(dir: string, plan: AddPlan): Promise<void> {
  try {
    await writePatchInterruptibly({ fs, targetDir: dir, changes: plan.changes });
  } catch (error) {
    if (error instanceof WriteError) throw new CliError(error.message);
    throw error;
  }
}

async function install(resolved: ResolvedAdd, dir: string, ui: Ui): Promise<void> {
  const command = formatCommand(installCommand(resolved.packageManager));
  const progress = ui.progress(`Installing the added dependencies (${command})`);
  const { installDependencies } = await import('../install/install.js');
  const outcome = await installDependencies(resolved.packageManager, dir);
  if (outcome.ok) {
    progress.done('Installed dependencies');
    return;
  }
  progress.fail('Installing dependencies failed');
  throw new CliError(`${outcome.reason}\nThe changes were written. To install: cd ${dir} && ${outcome.retry}`);
}
