// `npm run test:node-matrix`: the smoke suite (test/smoke, vitest.smoke.config.ts) once per Node release of
// NODE_RELEASES (scripts/tool-cache.mjs). Each release is fetched from the npm registry into the tool cache once,
// then runs vitest itself and comes first on PATH, so the CLI, npm, the installs, the generated projects' tests
// and servers all run on it. Releases run one after the other (each installs projects; the machine has few cores).
// `node scripts/node-matrix.mjs 24` runs only the releases that start with one of the arguments.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { ensureNodeBinDir, NODE_RELEASES, withNode } from './tool-cache.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const VITEST = join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');

const wanted = process.argv.slice(2);
const releases = NODE_RELEASES.filter(
  (release) => wanted.length === 0 || wanted.some((prefix) => release === prefix || release.startsWith(`${prefix}.`)),
);
if (releases.length === 0) {
  console.error(`No Node release of the matrix (${NODE_RELEASES.join(', ')}) matches ${wanted.join(' ')}.`);
  process.exit(2);
}

const seconds = (since) => `${((performance.now() - since) / 1000).toFixed(0)} s`;
const results = [];
for (const release of releases) {
  const started = performance.now();
  const binDir = await ensureNodeBinDir(release);
  console.log(`\nNode ${release} (${binDir}, ready in ${seconds(started)})`);
  const child = spawn(join(binDir, 'node'), [VITEST, 'run', '--config', 'vitest.smoke.config.ts'], {
    cwd: ROOT,
    env: {
      ...(await withNode(release)),
      NODE_MATRIX_RELEASE: release,
      // Installs fail, instead of warning, when a package's `engines` excludes this Node.
      npm_config_engine_strict: 'true',
    },
    stdio: 'inherit',
  });
  const [code, signal] = await once(child, 'exit');
  results.push({ release, passed: code === 0, took: seconds(started), signal });
}

console.log('\nNode matrix:');
for (const { release, passed, took, signal } of results)
  console.log(`  ${passed ? '✓' : '✗'} Node ${release}  ${took}${signal ? ` (${signal})` : ''}`);
process.exitCode = results.every((result) => result.passed) ? 0 : 1;
