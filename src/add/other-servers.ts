/**
 * MCP servers `add` cannot patch, recognised by what package.json depends on, so a refusal can say what the project
 * is and what to do instead of only "no Express or Hono". The first match wins: the more specific packages first
 * (a Cloudflare Agents Worker also lists the v1 SDK).
 */
const OTHER_SERVERS: readonly { packages: readonly string[]; name: string }[] = [
  { packages: ['agents'], name: 'a Cloudflare Agents Worker (McpAgent from agents/mcp)' },
  {
    packages: ['mcp-handler', '@vercel/mcp-adapter'],
    name: "a Next.js or Vercel route handler (Vercel's mcp-handler)",
  },
  { packages: ['fastmcp'], name: 'a FastMCP server (it runs its own HTTP server)' },
  { packages: ['mcp-framework'], name: 'an mcp-framework server (it runs its own HTTP server)' },
  { packages: ['xmcp'], name: 'an xmcp app' },
  { packages: ['@rekog/mcp-nest'], name: 'a NestJS module (@rekog/mcp-nest)' },
  { packages: ['fastify'], name: 'a Fastify server' },
  { packages: ['koa'], name: 'a Koa server' },
  { packages: ['next'], name: 'a Next.js app' },
];

/**
 * What to tell the owner of a project that serves MCP some other way (appended to the refusal), or an empty string
 * when nothing here is recognised. A project that deploys to Cloudflare (agents, wrangler) is pointed at the
 * scaffold's Workers target.
 */
export function otherServerAdvice(dependencies: Readonly<Record<string, string>>): string {
  const found = OTHER_SERVERS.find((server) => server.packages.some((name) => name in dependencies));
  if (found === undefined) return '';
  const scaffold =
    'agents' in dependencies || 'wrangler' in dependencies
      ? 'npx create-mcp-oauth --framework hono --deploy workers'
      : 'npx create-mcp-oauth';
  return (
    `. This looks like ${found.name}, which \`add\` cannot patch. To protect its tools with Scalekit, scaffold a ` +
    `protected server (\`${scaffold}\`) and move the tool registrations into it, or serve the MCP endpoint from an ` +
    'Express or Hono app and run `add` again'
  );
}
