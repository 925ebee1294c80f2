/** A prompt that puts the caller's open todos in front of the model and asks it to plan the day with them. */
import type { McpServer } from '@modelcontextprotocol/server';
import * as z from 'zod';
import type { TodoStore } from '../../todos/store.js';
import { callerOf } from '../caller.js';
import { promptScopeChallengeFor } from '../../mcp-oauth/tool-scopes.js';

export function registerReviewTodos(server: McpServer, todos: TodoStore): void {
  server.registerPrompt(
    'review_todos',
    {
      title: 'Review my todos',
      description: "Plan the day from the caller's todo list.",
      argsSchema: z.object({ focus: z.string().max(200).optional().describe('What to prioritise, e.g. "quick wins"') }),
      scopeChallenge: promptScopeChallengeFor('review_todos'),
    },
    async ({ focus }, ctx) => {
      const items = await todos.list(callerOf(ctx).subject);
      const list =
        items.length === 0 ? '(no todos yet)' : items.map((todo) => `- ${todo.id}. ${todo.title}`).join('\n');
      const text = [
        'Here is my todo list:',
        list,
        focus ? `Help me plan my day, focusing on: ${focus}` : 'Help me plan my day: what should I do first, and why?',
      ].join('\n\n');
      return { messages: [{ role: 'user', content: { type: 'text', text } }] };
    },
  );
}
