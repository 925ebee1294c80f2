import type { McpServer } from '@modelcontextprotocol/server';
import * as z from 'zod';
import type { TodoStore } from '../../todos/store.js';
import { callerOf } from '../caller.js';
import { scopeChallengeFor } from '../../mcp-oauth/tool-scopes.js';

export function registerAddTodo(server: McpServer, todos: TodoStore): void {
  server.registerTool(
    'add_todo',
    {
      title: 'Add a todo',
      description: "Add a todo to the caller's list.",
      inputSchema: z.object({ title: z.string().trim().min(1).max(500).describe('What needs doing') }),
      scopeChallenge: scopeChallengeFor('add_todo'),
    },
    async ({ title }, ctx) => {
      const todo = todos.add(callerOf(ctx).subject, title);
      return { content: [{ type: 'text', text: `Added todo ${todo.id}: ${todo.title}` }], structuredContent: { todo } };
    },
  );
}
