/** The test tool cache (Node 22, MCP Inspector…), shared with the benchmarks: see scripts/tool-cache.mjs. */
export {
  cachedNode,
  ensureCachedPackages,
  ensureNode22BinDir,
  NODE_MAJOR,
  withNode22,
} from '../../scripts/tool-cache.mjs';
