/**
 * The smoke suite runs on the Node release scripts/node-matrix.mjs names in NODE_MATRIX_RELEASE: vitest itself, the
 * CLI child it starts, and the `node` and `npm` that installs, npm scripts and the generated servers use.
 */
import { execa } from 'execa';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const release = process.env.NODE_MATRIX_RELEASE;

describe(`Node ${release ?? '(no release named)'}`, () => {
  it('runs this suite', () => {
    expect(release, 'run the smoke suite with `npm run test:node-matrix`').toMatch(/^\d+\.\d+\.\d+$/);
    expect(process.versions.node).toBe(release);
  });

  it('runs the CLI', async () => {
    // A preload that prints the version of the Node it runs in, before the CLI starts.
    const cli = await runCli(['--version'], {
      env: { NODE_OPTIONS: '--import=data:text/javascript,console.error(process.versions.node)' },
    });
    expect(cli.exitCode, cli.all).toBe(0);
    expect(cli.stderr.trim()).toBe(release);
  });

  it('runs `node` and `npm` from PATH, with engine-strict installs', async () => {
    expect((await execa('node', ['-p', 'process.versions.node'])).stdout).toBe(release);
    const versions = JSON.parse((await execa('npm', ['version', '--json'])).stdout) as Record<string, string>;
    expect(versions.node).toBe(release);
    // An install whose dependencies' `engines` exclude this Node fails instead of warning.
    expect((await execa('npm', ['config', 'get', 'engine-strict'])).stdout).toBe('true');
  });

  it("keeps compiled code in Node's own compile cache, not the bundle's (which is for Node 20)", async () => {
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'cmo-smoke-compile-cache-'));
    try {
      const cli = await runCli(['--help'], { env: { TMPDIR: tmp } });
      expect(cli.exitCode, cli.all).toBe(0);
      expect(await readdir(tmp)).toEqual(['node-compile-cache']);
      expect(await readdir(path.join(tmp, 'node-compile-cache'))).not.toEqual([]);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });
});
