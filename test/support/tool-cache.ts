/** The test tool cache (Node releases, MCP Inspector…), shared with the benchmarks: see scripts/tool-cache.mjs. */
export { ensureCachedPackages, ensureNodeBinDir, NODE_22, NODE_RELEASES, withNode } from '../../scripts/tool-cache.mjs';
