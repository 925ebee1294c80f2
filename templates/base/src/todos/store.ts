/**
 * An in-memory todo list per user, so the example tools do something real.
 * Replace it with your database: the tools, resources and prompts only use `list`, `get` and `add`.
 */
export interface Todo {
  id: number;
  title: string;
  createdAt: string;
}

/** Per-user cap, so a demo server cannot be made to hold unbounded memory. */
const MAX_TODOS_PER_USER = 1_000;

export class TodoStore {
  readonly #todosByUser = new Map<string, Todo[]>();
  #nextId = 1;

  list(user: string): Todo[] {
    return [...(this.#todosByUser.get(user) ?? [])];
  }

  /** One of `user`'s todos, or undefined (also for another user's todo: ids are not secrets, ownership is). */
  get(user: string, id: number): Todo | undefined {
    return this.#todosByUser.get(user)?.find((todo) => todo.id === id);
  }

  add(user: string, title: string): Todo {
    const todos = this.#todosByUser.get(user) ?? [];
    if (todos.length >= MAX_TODOS_PER_USER) throw new Error(`A user can keep at most ${MAX_TODOS_PER_USER} todos`);
    const todo = { id: this.#nextId++, title, createdAt: new Date().toISOString() };
    this.#todosByUser.set(user, [...todos, todo]);
    return todo;
  }
}
