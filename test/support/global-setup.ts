/**
 * Integration fixture, run once per `vitest run` of the integration project: scaffold one project per
 * framework with the BUILT CLI (non-interactively, with install), then build it. Suites start servers
 * from these projects with environment overrides (real environment variables win over `.env`).
 *
 * The CLI run itself is the thing under test for scaffolding, so its result is recorded, not asserted
 * here: test/integration/scaffold.test.ts asserts on it.
 */
import { execa } from 'execa';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { runCli, type CliResult } from './cli.js';
import {
  FIXTURE_RESOURCE_ID,
  FIXTURE_SCOPES,
  FIXTURE_TOOLS,
  type Fixture,
  type GeneratedProject,
} from './generated-projects.js';
import { NODE_22, withNode } from './tool-cache.js';

export default function setup(project: TestProject): Promise<() => Promise<void>> {
  // FIXTURES=workers (comma-separated) scaffolds only those, with `-t workers` to run only their suites.
  const only = process.env.FIXTURES?.split(',');
  return scaffoldFixtures(
    project,
    (['express', 'hono', 'workers'] as Fixture[]).filter((fixture) => !only || only.includes(fixture)),
  );
}

/** Scaffolds `fixtures` into a fresh workspace and provides them to the suites; resolves with the teardown. */
export async function scaffoldFixtures(project: TestProject, fixtures: Fixture[]): Promise<() => Promise<void>> {
  const workspace = await mkdtemp(join(tmpdir(), 'create-mcp-oauth-fixture-'));
  // Sequential: two concurrent npm installs on a 2-core machine are slower than one after the other.
  const projects: Record<string, GeneratedProject> = {};
  for (const fixture of fixtures) projects[fixture] = await scaffold(workspace, fixture);
  project.provide('generatedProjects', projects);
  return async () => {
    if (!process.env.KEEP_FIXTURES) await rm(workspace, { recursive: true, force: true });
  };
}

async function scaffold(workspace: string, fixture: Fixture): Promise<GeneratedProject> {
  const dir = join(workspace, `${fixture}-server`);
  const workers = fixture === 'workers';
  // The CLI itself runs on the Node running the tests (this machine's, or a release of the Node matrix); a
  // Workers project installs and runs on Node 22 (wrangler needs 22.12), fetched into the test tool cache.
  const env: Record<string, string> = workers
    ? { ...(await withNode(NODE_22)), WRANGLER_SEND_METRICS: 'false', CI: 'true', NO_COLOR: '1' }
    : {};
  const cli: CliResult = await runCli(
    [
      dir,
      // Node projects use the container target, so suites can replay the Dockerfile and validate the
      // Kubernetes manifest; the Workers fixture is Hono on Cloudflare Workers.
      ...(workers ? ['--framework', 'hono', '--deploy', 'workers'] : ['--framework', fixture, '--deploy', 'docker']),
      // Placeholder-free values; suites override them with real environment variables when they start a server.
      '--base-url',
      'http://localhost:3000',
      '--scalekit-env-url',
      'http://127.0.0.1:9',
      '--resource-id',
      FIXTURE_RESOURCE_ID,
      ...FIXTURE_SCOPES.flatMap((scope) => ['--scope', `${scope.name}=${scope.description}`]),
      ...FIXTURE_TOOLS.flatMap((tool) => ['--tool', `${tool.name}=${tool.scopes.join(',')}`]),
      '--registration',
      'both',
      '--package-manager',
      'npm',
      '--no-git',
    ],
    { timeout: 300_000, env },
  );
  let built = workers && cli.exitCode === 0;
  if (!workers && cli.exitCode === 0)
    built = (await execa('npm', ['run', 'build'], { cwd: dir, reject: false })).exitCode === 0;
  return { framework: fixture, dir, cli, built, env };
}
