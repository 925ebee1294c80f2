import type { McpServer } from '@modelcontextprotocol/server';
import { callerOf } from '../caller.js';
import { scopeChallengeFor } from '../../mcp-oauth/tool-scopes.js';

export function registerWhoami(server: McpServer): void {
  server.registerTool(
    'whoami',
    {
      title: 'Who am I',
      description: 'Report who is calling: the user (subject), the OAuth client and the scopes granted to it.',
      annotations: { readOnlyHint: true },
      scopeChallenge: scopeChallengeFor('whoami'),
    },
    async (ctx) => {
      const caller = callerOf(ctx);
      return {
        content: [{ type: 'text', text: JSON.stringify(caller, null, 2) }],
        structuredContent: { ...caller },
      };
    },
  );
}
