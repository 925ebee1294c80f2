/**
 * Projects an earlier version of create-mcp-oauth wrote (test/fixtures/upgrade, kept as 0.1.0 rendered them,
 * with their records), committed the way the scaffold commits, then edited by their owner: one commit per
 * patch file, as a user who commits their work before upgrading.
 */
import { execa } from 'execa';
import { cp } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const UPGRADE_FIXTURES = fileURLToPath(new URL('../fixtures/upgrade/', import.meta.url));

export const git = (dir: string, ...args: string[]) =>
  execa('git', ['-c', 'user.name=Dev', '-c', 'user.email=dev@example.com', ...args], { cwd: dir });

/** Copies `fixture` to `<parent>/server`, commits it, then applies and commits each patch. */
export async function editedProject(parent: string, fixture: string, patches: string[] = []): Promise<string> {
  const target = path.join(parent, 'server');
  await cp(path.join(UPGRADE_FIXTURES, fixture), target, { recursive: true });
  await git(target, 'init', '-q');
  await git(target, 'add', '-A');
  await git(target, 'commit', '-qm', 'Initial commit from create-mcp-oauth');
  for (const patch of patches) {
    await git(target, 'apply', path.join(UPGRADE_FIXTURES, patch));
    await git(target, 'commit', '-qam', `Edit: ${patch}`);
  }
  return target;
}

export async function gitStatus(dir: string): Promise<string> {
  return (await git(dir, 'status', '--porcelain')).stdout;
}
