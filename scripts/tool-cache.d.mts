/** Node 22, from the `node` package on npm. */
export declare const NODE_MAJOR: string;
/** Installs `packages` (npm specs) once into the cache entry `name`; resolves with its directory. */
export declare function ensureCachedPackages(name: string, packages: string[]): Promise<string>;
/** The Node binary in a cache entry made with `node@${NODE_MAJOR}` among its packages. */
export declare function cachedNode(dir: string): string;
/** Node 22 on its own (wrangler needs >= 22.12): the directory of its binary, to put first on PATH. */
export declare function ensureNode22BinDir(): Promise<string>;
/** `env` with Node 22 first on PATH, so `npm` and its scripts run on it. */
export declare function withNode22(env?: NodeJS.ProcessEnv): Promise<Record<string, string>>;
