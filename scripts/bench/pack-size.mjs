// What `npm pack` would publish: packed and unpacked size and file count, from `npm pack --dry-run --json`.
import { execFileSync } from 'node:child_process';

export function packSize(cwd) {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const output = execFileSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const [pack] = JSON.parse(output);
  const byTopLevel = new Map();
  for (const file of pack.files) {
    const top = file.path.includes('/') ? `${file.path.split('/')[0]}/` : file.path;
    const entry = byTopLevel.get(top) ?? { files: 0, bytes: 0 };
    entry.files += 1;
    entry.bytes += file.size;
    byTopLevel.set(top, entry);
  }
  return { packed: pack.size, unpacked: pack.unpackedSize, files: pack.entryCount, byTopLevel };
}

export const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
