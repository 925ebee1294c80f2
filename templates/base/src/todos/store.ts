/**
 * A todo list per user, so the example tools do something real. The tools, resources and prompts only
 * use `TodoStore` (`list`, `get` and `add`): replace `InMemoryTodoStore` with your database (it is async for that reason).
 */
export interface Todo {
  id: number;
  title: string;
  createdAt: string;
}

export interface TodoStore {
  list(user: string): Promise<Todo[]>;
  get(user: string, id: number): Promise<Todo | undefined>;
  add(user: string, title: string): Promise<Todo>;
}

/** Per-user cap, so a demo server cannot be made to hold unbounded memory. */
export const MAX_TODOS_PER_USER = 1_000;

/** Kept in this process's memory: lost on restart, and not shared between instances. */
export class InMemoryTodoStore implements TodoStore {
  readonly #todosByUser = new Map<string, Todo[]>();
  #nextId = 1;

  async list(user: string): Promise<Todo[]> {
    return [...(this.#todosByUser.get(user) ?? [])];
  }

  /** One of `user`'s todos, or undefined (also for another user's todo: ids are not secrets, ownership is). */
  async get(user: string, id: number): Promise<Todo | undefined> {
    return this.#todosByUser.get(user)?.find((todo) => todo.id === id);
  }

  async add(user: string, title: string): Promise<Todo> {
    const todos = this.#todosByUser.get(user) ?? [];
    if (todos.length >= MAX_TODOS_PER_USER) throw new Error(`A user can keep at most ${MAX_TODOS_PER_USER} todos`);
    const todo = { id: this.#nextId++, title, createdAt: new Date().toISOString() };
    this.#todosByUser.set(user, [...todos, todo]);
    return todo;
  }
}
