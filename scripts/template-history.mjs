// Keep the templates of a released version, so `create-mcp-oauth upgrade` can re-render the files that version
// wrote (the base of its three-way merges; see src/upgrade/template-history.ts).
//
//   node scripts/template-history.mjs <version> <git ref of that release>     e.g. 0.1.0 33343e4
//
// Writes templates/history/<version>.json with only what differs from the templates in the work tree: the old
// source of each template that changed since, and null for each template that did not exist then. Run it for
// every released version still supported whenever templates change (test/unit/upgrade-history.test.ts fails
// when the kept history no longer reproduces what that version wrote).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const [version, ref] = process.argv.slice(2);
if (!version || !ref || !/^\d+\.\d+\.\d+$/.test(version)) {
  console.error('usage: node scripts/template-history.mjs <version, e.g. 0.1.0> <git ref of that release>');
  process.exit(2);
}
const root = fileURLToPath(new URL('..', import.meta.url));
const templates = path.join(root, 'templates');
const git = (...args) => execFileSync('git', args, { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });

const commit = git('rev-parse', '--verify', `${ref}^{commit}`).trim();
const isHistory = (name) => name.startsWith('history/');
const old = new Map(
  git('ls-tree', '-r', '--name-only', commit, '--', 'templates/')
    .split('\n')
    .filter(Boolean)
    .map((file) => file.slice('templates/'.length))
    .filter((name) => !isHistory(name))
    .map((name) => [name, git('show', `${commit}:templates/${name}`)]),
);
const current = new Map(
  readdirSync(templates, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(templates, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .filter((name) => !isHistory(name))
    .map((name) => [name, readFileSync(path.join(templates, name), 'utf8')]),
);

const differences = {};
for (const name of [...new Set([...old.keys(), ...current.keys()])].sort()) {
  if (!old.has(name)) differences[name] = null;
  else if (old.get(name) !== current.get(name)) differences[name] = old.get(name);
}
const file = path.join(templates, 'history', `${version}.json`);
writeFileSync(file, `${JSON.stringify({ version, commit, templates: differences }, null, 2)}\n`);
console.log(
  `${path.relative(root, file)}: ${Object.keys(differences).length} templates differ ` +
    `from ${version} (${commit.slice(0, 7)})`,
);
