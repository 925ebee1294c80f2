import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const BIN = fileURLToPath(new URL('../../../bin/create-mcp-oauth.cjs', import.meta.url));

let built: Promise<unknown> | undefined;

/**
 * Build dist/ once per test worker. scripts/build.mjs replaces files atomically and never removes
 * a chunk another build produces, so test files building in parallel don't disturb each other.
 */
export function buildCli(): Promise<unknown> {
  built ??= promisify(execFile)(process.execPath, ['scripts/build.mjs'], { cwd: ROOT });
  return built;
}
