import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { nextSteps, workersNodeWarning } from '../../src/ui/next-steps.js';
import { shellQuote } from '../../src/ui/shell-quote.js';

const cwd = path.resolve('/home/me');
const base = {
  targetDir: path.join(cwd, 'my-server'),
  cwd,
  packageManager: 'npm' as const,
  installed: true,
  placeholders: { envUrl: false, resourceId: false },
  platform: 'linux' as const,
};

describe('nextSteps', () => {
  it.each([
    ['npm', 'npm run dev', 'npm test'],
    ['pnpm', 'pnpm dev', 'pnpm test'],
    ['yarn', 'yarn dev', 'yarn test'],
    ['bun', 'bun run dev', 'bun run test'],
  ] as const)('uses %s commands', (packageManager, dev, test) => {
    const steps = nextSteps({ ...base, packageManager });
    expect(steps[0]).toBe('cd my-server');
    expect(steps.some((step) => step.startsWith(`${dev} `))).toBe(true);
    expect(steps.some((step) => step.startsWith(`${test} `))).toBe(true);
    expect(steps.join('\n')).toMatch(/README\.md/);
    expect(steps.join('\n')).not.toMatch(/\.env/);
  });

  it('includes the install command when nothing was installed', () => {
    expect(nextSteps({ ...base, packageManager: 'yarn', installed: false }).join('\n')).toMatch(
      /^yarn +# install dependencies$/m,
    );
    expect(nextSteps({ ...base, packageManager: 'pnpm', installed: false }).join('\n')).toMatch(
      /^pnpm install +# install dependencies$/m,
    );
    expect(nextSteps({ ...base, installed: true }).join('\n')).not.toMatch(/install dependencies/);
  });

  it('names the .env variables that still hold placeholders', () => {
    expect(nextSteps({ ...base, placeholders: { envUrl: true, resourceId: true } }).join('\n')).toMatch(
      /fill in SCALEKIT_ENVIRONMENT_URL and SCALEKIT_RESOURCE_ID in \.env/,
    );
    expect(nextSteps({ ...base, placeholders: { envUrl: true, resourceId: true } }).join('\n')).toMatch(
      /npm run dev:local +# or try it now/,
    );
    expect(nextSteps(base).join('\n')).not.toContain('dev:local');
    const onlyResource = nextSteps({ ...base, placeholders: { envUrl: false, resourceId: true } }).join('\n');
    expect(onlyResource).toMatch(/fill in SCALEKIT_RESOURCE_ID in \.env/);
    expect(onlyResource).not.toMatch(/SCALEKIT_ENVIRONMENT_URL/);
  });

  it('quotes the cd path when needed and skips cd for the current directory', () => {
    expect(nextSteps({ ...base, targetDir: path.join(cwd, "it's mine") })[0]).toBe(`cd 'it'\\''s mine'`);
    expect(nextSteps({ ...base, targetDir: cwd })[0]).not.toMatch(/^cd/);
    expect(nextSteps({ ...base, targetDir: path.join(cwd, 'a b'), platform: 'win32' })[0]).toBe('cd "a b"');
  });
});

describe('shellQuote', () => {
  it('leaves plain words alone', () => {
    expect(shellQuote('my-server/sub_dir.v2', 'linux')).toBe('my-server/sub_dir.v2');
  });
  it.each([
    ['a b', "'a b'"],
    ['$HOME', "'$HOME'"],
    ["it's", "'it'\\''s'"],
  ])('quotes %j', (input, expected) => {
    expect(shellQuote(input, 'linux')).toBe(expected);
  });
});

describe('a Cloudflare Workers project', () => {
  it('points at .dev.vars for missing Scalekit values', () => {
    const steps = nextSteps({
      ...base,
      placeholders: { envUrl: true, resourceId: false },
      localConfigFile: '.dev.vars',
    });
    expect(steps.join('\n')).toContain('in .dev.vars (the server refuses');
  });

  it.each([
    ['20.19.0', true],
    ['22.11.9', true],
    ['22.12.0', false],
    ['24.1.0', false],
  ])('on Node %s %s warns that wrangler needs Node 22.12+', (version, warns) => {
    const warning = workersNodeWarning(version);
    if (warns) expect(warning).toMatch(new RegExp(`22\\.12 or newer.*Node\\.js ${version.replace(/\./g, '\\.')}`));
    else expect(warning).toBeUndefined();
  });
});
