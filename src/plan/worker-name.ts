/** The Worker's name in wrangler.jsonc, from the package name (`--deploy workers`). */
/** Worker names: lowercase letters, digits and `-`, starting and ending with a letter or digit, at most 63. */
export function workerName(packageName: string): string {
  const name = packageName
    .replace(/^@[^/]*\//, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return name || 'mcp-server';
}
