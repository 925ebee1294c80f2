import { describe, expect, it } from 'vitest';
import { detectPackageManager } from '../../src/config/identifiers.js';
import { formatCommand, installCommand, runScriptCommand } from '../../src/core/package-manager.js';

describe('detectPackageManager', () => {
  it.each([
    ['npm/10.8.2 node/v20.19.0 linux x64 workspaces/false', 'npm'],
    ['pnpm/9.12.0 npm/? node/v20.19.0 darwin arm64', 'pnpm'],
    ['yarn/1.22.22 npm/? node/v20.19.0 linux x64', 'yarn'],
    ['yarn/4.5.0 npm/? node/v20.19.0 linux x64', 'yarn'],
    ['bun/1.1.30 npm/? node/v22.6.0 linux x64', 'bun'],
    ['cnpm/9.0.0 node/v20.19.0', 'npm'],
    ['', 'npm'],
    [undefined, 'npm'],
  ] as const)('%j → %s', (agent, expected) => {
    expect(detectPackageManager(agent)).toBe(expected);
  });
});

describe('commands per package manager', () => {
  it.each([
    ['npm', 'npm install', 'npm run dev', 'npm test'],
    ['pnpm', 'pnpm install', 'pnpm dev', 'pnpm test'],
    ['yarn', 'yarn', 'yarn dev', 'yarn test'],
    ['bun', 'bun install', 'bun run dev', 'bun run test'],
  ] as const)('%s', (pm, install, dev, test) => {
    expect(formatCommand(installCommand(pm))).toBe(install);
    expect(formatCommand(runScriptCommand(pm, 'dev'))).toBe(dev);
    expect(formatCommand(runScriptCommand(pm, 'test'))).toBe(test);
  });
});
