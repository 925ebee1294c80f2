/**
 * One todo by id, as a resource: `todo://todos/{id}`. The URI template is the key in RESOURCE_SCOPES, so every
 * id needs the same scopes; the SDK checks them before this handler runs, whatever id is asked for.
 */
import { ResourceNotFoundError, ResourceTemplate, type McpServer } from '@modelcontextprotocol/server';
import type { TodoStore } from '../../todos/store.js';
import { callerOf } from '../caller.js';
import { resourceScopeChallengeFor } from '../../mcp-oauth/tool-scopes.js';

const URI_TEMPLATE = 'todo://todos/{id}';

export function registerTodoById(server: McpServer, todos: TodoStore): void {
  server.registerResource(
    'todo',
    new ResourceTemplate(URI_TEMPLATE, {
      // resources/list shows the caller's own todos, one resource each.
      list: async (ctx) => ({
        resources: (await todos.list(callerOf(ctx).subject)).map((todo) => ({
          uri: `todo://todos/${todo.id}`,
          name: `todo-${todo.id}`,
          title: todo.title,
          mimeType: 'application/json',
        })),
      }),
    }),
    {
      title: 'A todo',
      description: "One of the caller's todos, by id.",
      mimeType: 'application/json',
      scopeChallenge: resourceScopeChallengeFor(URI_TEMPLATE),
    },
    async (uri, { id }, ctx) => {
      // Only plain decimal ids: anything else (`1%2F..`, `1,2`, `01`) names no todo.
      const todo =
        typeof id === 'string' && /^[1-9][0-9]{0,15}$/.test(id)
          ? await todos.get(callerOf(ctx).subject, Number(id))
          : undefined;
      if (!todo) throw new ResourceNotFoundError(uri.href);
      return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(todo) }] };
    },
  );
}
