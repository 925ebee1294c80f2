import type { McpServer } from '@modelcontextprotocol/server';
import type { TodoStore } from '../../todos/store.js';
import { callerOf } from '../caller.js';
import { scopeChallengeFor } from '../../mcp-oauth/tool-scopes.js';

export function registerListTodos(server: McpServer, todos: TodoStore): void {
  server.registerTool(
    'list_todos',
    {
      title: 'List todos',
      description: "List the caller's todos.",
      annotations: { readOnlyHint: true },
      scopeChallenge: scopeChallengeFor('list_todos'),
    },
    async (ctx) => {
      const items = todos.list(callerOf(ctx).subject);
      const text = items.length === 0 ? 'No todos yet.' : items.map((todo) => `${todo.id}. ${todo.title}`).join('\n');
      return { content: [{ type: 'text', text }], structuredContent: { todos: items } };
    },
  );
}
