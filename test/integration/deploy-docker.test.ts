/**
 * `--deploy docker`, proven without a container engine: the generated Dockerfile is replayed stage by stage
 * (test/support/dockerfile-replay.ts) into empty directories, the image's command starts the server from the
 * runtime stage as an unprivileged user, and the image's HEALTHCHECK runs against it. A file the image would
 * miss, or a dev dependency needed at run time, makes the server fail here as it would in the container.
 */
import { execa, type ResultPromise } from 'execa';
import { chmod, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeScalekit, type FakeScalekit } from '../../templates/base/test/support/fake-scalekit.js';
import { createSigningKey, signToken, type SigningKey } from '../../templates/base/test/support/signing-keys.js';
import { replayDockerfile, type ReplayedStage } from '../support/dockerfile-replay.js';
import { FIXTURE_RESOURCE_ID, generatedProject, type Framework } from '../support/generated-projects.js';
import { freePort } from '../support/ports.js';

/** `nobody`: CI runs as root, the image as its `node` user; either way the server must not need privileges. */
const UNPRIVILEGED = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--'];
const DEV_ONLY_PACKAGES = ['typescript', 'vitest', 'tsx', 'oidc-provider', '@modelcontextprotocol/client'];

let workRoot: string;
let scalekit: FakeScalekit;
let key: SigningKey;
beforeAll(async () => {
  workRoot = await mkdtemp(join(tmpdir(), 'dockerfile-replay-'));
  await chmod(workRoot, 0o755); // the unprivileged user must reach the runtime stage
  key = await createSigningKey('replay-key');
  scalekit = await startFakeScalekit(FIXTURE_RESOURCE_ID, [key]);
});
afterAll(async () => {
  await scalekit?.close();
  if (!process.env.KEEP_FIXTURES) await rm(workRoot, { recursive: true, force: true });
});

interface StartedImage {
  child: ResultPromise;
  port: number;
  output(): string;
}

/** Runs the image's CMD in its WORKDIR as `nobody`, with `docker run -e`-style overrides; waits for `listening`. */
async function startImage(image: ReplayedStage): Promise<StartedImage> {
  const port = await freePort();
  let output = '';
  const child = execa(UNPRIVILEGED[0]!, [...UNPRIVILEGED.slice(1), ...image.cmd!], {
    cwd: image.workdir,
    env: {
      ...image.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      SCALEKIT_ENVIRONMENT_URL: scalekit.url,
      SCALEKIT_RESOURCE_ID: FIXTURE_RESOURCE_ID,
      MCP_SERVER_URL: `http://localhost:${port}/mcp`,
    },
    extendEnv: false,
    reject: false,
    all: true,
  });
  child.all!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 30_000;
  while (!output.includes('"event":"listening"')) {
    if (child.exitCode !== null) throw new Error(`the image's CMD exited (${child.exitCode}):\n${output}`);
    if (Date.now() > deadline) throw new Error(`the image's CMD did not start listening:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { child, port, output: () => output };
}

async function stopImage(started: StartedImage | undefined): Promise<void> {
  if (!started) return;
  started.child.kill('SIGTERM');
  await started.child;
}

describe.each<Framework>(['express', 'hono'])('the %s Dockerfile, replayed', (framework) => {
  let stages: ReplayedStage[];
  let image: ReplayedStage;
  let started: StartedImage | undefined;

  beforeAll(async () => {
    stages = await replayDockerfile(generatedProject(framework).dir, join(workRoot, framework));
    image = stages.at(-1)!;
  }, 600_000);
  afterAll(() => stopImage(started));

  it('builds in one stage and ships only dist/ and production dependencies, as a non-root user', async () => {
    expect(stages.map((stage) => stage.name)).toEqual(['build', 'runtime']);
    expect((await readdir(image.workdir)).sort()).toEqual([
      'dist',
      'node_modules',
      'package-lock.json',
      'package.json',
    ]);
    const installed = await readdir(join(image.workdir, 'node_modules'), { recursive: true });
    for (const devOnly of DEV_ONLY_PACKAGES) expect(installed).not.toContain(devOnly);
    expect(image.env.NODE_ENV).toBe('production');
    expect(image.user).toBe('node');
    // No secrets in the build context reach any stage.
    for (const stage of stages) await expect(readFile(join(stage.workdir, '.env'))).rejects.toThrow(/ENOENT/);
  });

  it('starts from the runtime stage unprivileged, passes its HEALTHCHECK, and serves a tool call', async () => {
    started = await startImage(image);
    const status = await readFile(`/proc/${started.child.pid}/status`, 'utf8').catch(() => '');
    // setpriv execs node in place, so the pid is the server's: its real and effective uid are nobody's.
    expect(status).toMatch(/^Uid:\s+65534\s+65534/m);

    const healthcheck = await execa(UNPRIVILEGED[0]!, [...UNPRIVILEGED.slice(1), ...image.healthcheck!], {
      cwd: image.workdir,
      env: { ...image.env, PORT: String(started.port) },
      extendEnv: false,
      reject: false,
      all: true,
    });
    expect(healthcheck.exitCode, String(healthcheck.all)).toBe(0);

    const now = Math.floor(Date.now() / 1000);
    const token = await signToken(key, {
      iss: `${scalekit.url}/resources/${FIXTURE_RESOURCE_ID}`,
      aud: [FIXTURE_RESOURCE_ID],
      sub: 'usr_image',
      client_id: 'client_image',
      exp: now + 300,
    });
    const response = await fetch(`http://127.0.0.1:${started.port}/mcp`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        host: `localhost:${started.port}`,
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'whoami', arguments: {} } }),
    });
    expect(response.status, started.output()).toBe(200);
    expect(await response.text()).toContain('usr_image');
  }, 60_000);

  it('fails its HEALTHCHECK once the server is gone', async () => {
    await stopImage(started);
    const port = started!.port;
    started = undefined;
    const healthcheck = await execa(image.healthcheck![0]!, image.healthcheck!.slice(1), {
      env: { ...image.env, PORT: String(port) },
      extendEnv: false,
      reject: false,
    });
    expect(healthcheck.exitCode).toBe(1);
  }, 30_000);
});

describe('a Dockerfile that would ship a broken image', () => {
  it('fails the replay: a runtime stage without the compiled server cannot start', async () => {
    const project = generatedProject('express');
    const dockerfile = await readFile(join(project.dir, 'Dockerfile'), 'utf8');
    const broken = dockerfile.replace(/^COPY --from=build .*$/m, '');
    expect(broken).not.toEqual(dockerfile);
    const stages = await replayDockerfile(project.dir, join(workRoot, 'broken'), broken);
    await expect(startImage(stages.at(-1)!)).rejects.toThrow(/exited[\s\S]*Cannot find module/);
  }, 600_000);
});
