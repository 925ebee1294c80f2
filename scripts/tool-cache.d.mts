/** The Node releases of the smoke matrix (`npm run test:node-matrix`), exact versions. */
export declare const NODE_RELEASES: readonly string[];
/** The Node 22 among them, also for wrangler (>= 22.12) and the MCP Inspector (>= 22.19). */
export declare const NODE_22: string;
/** Installs `packages` (npm specs) once into the cache entry `name`, npm running with `env`; resolves with its dir. */
export declare function ensureCachedPackages(
  name: string,
  packages: string[],
  options?: { env?: NodeJS.ProcessEnv },
): Promise<string>;
/** The directory of the `node` binary of `release` (e.g. "24.22.3"), installed once into the cache. */
export declare function ensureNodeBinDir(release: string): Promise<string>;
/** `env` with the `node` of `release` first on PATH, so `node`, `npm` and npm scripts run on it. */
export declare function withNode(release: string, env?: NodeJS.ProcessEnv): Promise<Record<string, string>>;
