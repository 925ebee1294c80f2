/**
 * Replays a Dockerfile without a container engine (none is reachable on these machines): each stage is an
 * empty directory standing for the image's file system; COPY takes exactly what the instruction names from the
 * build context (honouring .dockerignore with Docker's own matching rules) or from an earlier stage; RUN runs its
 * shell command there; ENV, WORKDIR and USER are recorded. What the image would miss is missing here too, and
 * the runtime stage holds only what its own install step put there.
 *
 * Not replayed: the base image itself (its Node version and OS); the machine's Node runs the result.
 * RUN steps get a private npm cache per stage, seeded from the machine's cache so installs stay offline-fast.
 */
import dockerignore from '@balena/dockerignore';
import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import { execa } from 'execa';
import { cp, mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { join, posix, relative, sep } from 'node:path';

export interface ReplayedStage {
  name: string;
  /** The directory standing for the stage's `/`. */
  root: string;
  /** The stage's WORKDIR, inside `root`. */
  workdir: string;
  env: Record<string, string>;
  user: string | undefined;
  /** Exec-form CMD. */
  cmd: string[] | undefined;
  /** Exec-form HEALTHCHECK CMD. */
  healthcheck: string[] | undefined;
  /** Every RUN step, in order, with its output. */
  runs: Array<{ command: string; exitCode: number | undefined; output: string }>;
}

export class ReplayError extends Error {}

/**
 * Replays every stage of `contextDir/Dockerfile` under `workRoot`;
 * returns the stages, the last one being the image.
 */
export async function replayDockerfile(
  contextDir: string,
  workRoot: string,
  dockerfileText?: string,
): Promise<ReplayedStage[]> {
  const text = dockerfileText ?? (await readFile(join(contextDir, 'Dockerfile'), 'utf8'));
  const ignore = dockerignore.default().add(await readFile(join(contextDir, '.dockerignore'), 'utf8').catch(() => ''));
  const npmCache = (await execa('npm', ['config', 'get', 'cache'])).stdout.trim();
  const stages: ReplayedStage[] = [];
  const args: Record<string, string> = {};
  let stage: ReplayedStage | undefined;

  for (const instruction of DockerfileParser.parse(text).getInstructions()) {
    const keyword = instruction.getKeyword();
    const values = instruction.getArguments().map((argument) => argument.getValue());
    if (keyword === 'ARG') {
      const [name, value = ''] = values[0]!.split(/=(.*)/s);
      args[name!] = value;
      continue;
    }
    if (keyword === 'FROM') {
      const name = values[2] ?? `stage${stages.length}`;
      const root = join(workRoot, name);
      await mkdir(root, { recursive: true });
      stage = { name, root, workdir: root, env: {}, user: undefined, cmd: undefined, healthcheck: undefined, runs: [] };
      stages.push(stage);
      // Each image has its own npm cache; content files are immutable, so hard links are safe and fast.
      await seedNpmCache(npmCache, join(root, 'root/.npm'));
      continue;
    }
    if (!stage) throw new ReplayError(`${keyword} before FROM`);
    switch (keyword) {
      case 'WORKDIR':
        stage.workdir = join(stage.root, values[0]!);
        await mkdir(stage.workdir, { recursive: true });
        break;
      case 'ENV':
        for (const pair of values) {
          const [name, value = ''] = pair.split(/=(.*)/s);
          stage.env[name!] = value;
        }
        break;
      case 'USER':
        stage.user = values[0];
        break;
      case 'COPY':
        await copy(instruction, values, stage, stages, contextDir, ignore);
        break;
      case 'RUN':
        await run(instruction.getArgumentsContent() ?? '', stage);
        break;
      case 'CMD':
        stage.cmd = execForm(instruction.getArgumentsContent() ?? '', 'CMD');
        break;
      case 'HEALTHCHECK':
        stage.healthcheck = execForm((instruction.getArgumentsContent() ?? '').replace(/^CMD\s+/, ''), 'HEALTHCHECK');
        break;
      case 'EXPOSE':
        break;
      default:
        throw new ReplayError(`${keyword} is not replayed: extend test/support/dockerfile-replay.ts`);
    }
  }
  if (stages.length === 0) throw new ReplayError('no FROM');
  return stages;
}

async function copy(
  instruction: Instruction,
  values: string[],
  stage: ReplayedStage,
  stages: ReplayedStage[],
  contextDir: string,
  ignore: ReturnType<typeof dockerignore.default>,
): Promise<void> {
  const from = (instruction as unknown as { getFromFlag(): { getValue(): string } | null }).getFromFlag()?.getValue();
  const sources = values.filter((value) => !value.startsWith('--'));
  const destination = sources.pop()!;
  const target = destination.startsWith('/') ? join(stage.root, destination) : join(stage.workdir, destination);
  const intoDirectory = destination.endsWith('/') || sources.length > 1;
  for (const source of sources) {
    if (from !== undefined) {
      const origin = stages.find((candidate) => candidate.name === from);
      if (!origin) throw new ReplayError(`COPY --from=${from}: no such stage`);
      await copyPath(
        join(origin.root, source),
        intoDirectory ? join(target, posix.basename(source)) : target,
        () => true,
      );
      continue;
    }
    const relativeSource = posix.normalize(source).replace(/^\.\/?/, '');
    if (relativeSource === '' || ignore.ignores(relativeSource)) {
      throw new ReplayError(`COPY ${source}: not in the build context (excluded by .dockerignore)`);
    }
    const keep = (path: string) => !ignore.ignores(relative(contextDir, path).split(sep).join('/'));
    const sourcePath = join(contextDir, relativeSource);
    const isDirectory = (await stat(sourcePath).catch(() => undefined))?.isDirectory();
    if (isDirectory === undefined) throw new ReplayError(`COPY ${source}: not in the build context`);
    await copyPath(sourcePath, intoDirectory && !isDirectory ? join(target, posix.basename(source)) : target, keep);
  }
}

/** Copies a file, or a directory's contents, keeping only the paths `keep` accepts. */
async function copyPath(source: string, target: string, keep: (path: string) => boolean): Promise<void> {
  const info = await stat(source).catch(() => undefined);
  if (!info) throw new ReplayError(`COPY: ${source} does not exist`);
  if (!info.isDirectory()) {
    await mkdir(join(target, '..'), { recursive: true });
    await cp(source, target);
    return;
  }
  await mkdir(target, { recursive: true });
  for (const entry of await readdir(source)) {
    const path = join(source, entry);
    if (keep(path)) await copyPath(path, join(target, entry), keep);
  }
}

async function run(command: string, stage: ReplayedStage): Promise<void> {
  const result = await execa('sh', ['-c', command.replace(/\\\n/g, ' ')], {
    cwd: stage.workdir,
    env: {
      ...stage.env,
      HOME: join(stage.root, 'root'),
      npm_config_cache: join(stage.root, 'root/.npm'),
      npm_config_prefer_offline: 'true',
      npm_config_update_notifier: 'false',
    },
    reject: false,
    all: true,
    timeout: 600_000,
  });
  stage.runs.push({ command, exitCode: result.exitCode, output: String(result.all) });
  if (result.exitCode !== 0) throw new ReplayError(`RUN ${command} failed (${result.exitCode}):\n${result.all}`);
}

function execForm(content: string, keyword: string): string[] {
  try {
    const parsed = JSON.parse(content.replace(/\\\n/g, ' ')) as unknown;
    if (Array.isArray(parsed) && parsed.every((item) => typeof item === 'string')) return parsed;
  } catch {
    // fall through
  }
  throw new ReplayError(`${keyword} must use the exec (JSON) form so no shell is needed: ${content}`);
}

async function seedNpmCache(machineCache: string, stageCache: string): Promise<void> {
  await mkdir(join(stageCache, '_cacache'), { recursive: true });
  const source = join(machineCache, '_cacache');
  if (!(await stat(source).catch(() => undefined))) return;
  await execa('cp', ['-al', join(source, 'content-v2'), join(stageCache, '_cacache/')], { reject: false });
  await execa('cp', ['-a', join(source, 'index-v5'), join(stageCache, '_cacache/')], { reject: false });
}
