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
  type Framework,
  type GeneratedProject,
} from './generated-projects.js';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const workspace = await mkdtemp(join(tmpdir(), 'create-mcp-oauth-fixture-'));
  const frameworks: Framework[] = ['express', 'hono'];
  // Sequential: two concurrent npm installs on a 2-core machine are slower than one after the other.
  const projects: Record<string, GeneratedProject> = {};
  for (const framework of frameworks) projects[framework] = await scaffold(workspace, framework);
  project.provide('generatedProjects', projects);
  return async () => {
    if (!process.env.KEEP_FIXTURES) await rm(workspace, { recursive: true, force: true });
  };
}

async function scaffold(workspace: string, framework: Framework): Promise<GeneratedProject> {
  const dir = join(workspace, `${framework}-server`);
  const cli: CliResult = await runCli(
    [
      dir,
      '--framework',
      framework,
      // The container target, so suites can replay the Dockerfile and validate the Kubernetes manifest.
      '--deploy',
      'docker',
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
    { timeout: 300_000 },
  );
  let built = false;
  if (cli.exitCode === 0) built = (await execa('npm', ['run', 'build'], { cwd: dir, reject: false })).exitCode === 0;
  return { framework, dir, cli, built };
}
