/**
 * The todo lists on Cloudflare: one Durable Object per user (named by the token's subject), so a user's
 * list survives isolates and deployments and is never shared with another user's. Declared in
 * wrangler.jsonc (`durable_objects`, `migrations`); `wrangler dev` runs it locally, no account needed.
 */
import { DurableObject } from 'cloudflare:workers';
import { MAX_TODOS_PER_USER, type Todo, type TodoStore } from './store.js';

export class UserTodos extends DurableObject<Env> {
  async list(): Promise<Todo[]> {
    return (await this.ctx.storage.get<Todo[]>('todos')) ?? [];
  }

  async get(id: number): Promise<Todo | undefined> {
    return (await this.list()).find((todo) => todo.id === id);
  }

  async add(title: string): Promise<Todo> {
    // Requests to one Durable Object run one at a time, so this read-modify-write cannot interleave.
    const todos = await this.list();
    if (todos.length >= MAX_TODOS_PER_USER) throw new Error(`A user can keep at most ${MAX_TODOS_PER_USER} todos`);
    const todo = { id: (todos.at(-1)?.id ?? 0) + 1, title, createdAt: new Date().toISOString() };
    await this.ctx.storage.put('todos', [...todos, todo]);
    return todo;
  }
}

/** The tools' `TodoStore`, backed by the `UserTodos` Durable Objects. */
export class DurableObjectTodoStore implements TodoStore {
  constructor(private readonly namespace: DurableObjectNamespace<UserTodos>) {}

  async list(user: string): Promise<Todo[]> {
    return this.namespace.getByName(user).list();
  }

  /** Another user's todo is in another Durable Object: never found here, whatever its id. */
  async get(user: string, id: number): Promise<Todo | undefined> {
    return this.namespace.getByName(user).get(id);
  }

  async add(user: string, title: string): Promise<Todo> {
    return this.namespace.getByName(user).add(title);
  }
}
