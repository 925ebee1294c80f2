/**
 * Planned files that belong to the user once they exist: written only when absent, never overwritten,
 * even with --force, and never described in the project's record (`.create-mcp-oauth.json`), not even by
 * a hash. `.env` (`.dev.vars` for a Cloudflare Worker) holds the user's secrets and real settings;
 * `.env.example` (`.dev.vars.example`) documents what a newer template expects.
 */
export const USER_OWNED_FILES: ReadonlySet<string> = new Set(['.env', '.dev.vars']);
