/**
 * The Node side of the module: where configuration comes from when the app runs on Node. Everything else in
 * this folder takes its configuration as a plain record and runs on any runtime (Node, Workers, Bun, Deno).
 * `process` is typed here by what this file uses, so the folder also type-checks in a project without Node's
 * types (a Worker's tsconfig), where this function is never called.
 */
import type { Environment } from './config.js';

interface NodeProcess {
  env: Environment;
  loadEnvFile(): void;
}

/** `process.env`, after reading `.env` when there is one (real environment variables win). */
export function processEnvironment(): Environment {
  const { process } = globalThis as unknown as { process: NodeProcess };
  try {
    process.loadEnvFile();
  } catch (error) {
    // No .env: a deployment sets real environment variables.
    if ((error as { code?: unknown }).code !== 'ENOENT') throw error;
  }
  return process.env;
}
