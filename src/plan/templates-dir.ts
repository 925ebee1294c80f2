import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Templates ship next to dist/ (the bundle) or two levels up from this file (running from source). */
export function templatesDir(): string {
  for (const relative of ['../templates/', '../../templates/']) {
    const dir = fileURLToPath(new URL(relative, import.meta.url));
    if (existsSync(path.join(dir, 'mcp-oauth'))) return dir;
  }
  throw new Error('templates/mcp-oauth not found next to the CLI');
}
