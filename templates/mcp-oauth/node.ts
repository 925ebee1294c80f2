/**
 * The Node side of the module: where configuration comes from when the app runs on Node. Everything else in
 * this folder takes its configuration as a plain record and runs on any runtime (Node, Workers, Bun, Deno).
 */
import type { Environment } from './config.js';

/** `process.env`, after reading `.env` when there is one (real environment variables win). */
export function processEnvironment(): Environment {
  try {
    process.loadEnvFile();
  } catch (error) {
    // No .env: a deployment sets real environment variables.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return process.env;
}
