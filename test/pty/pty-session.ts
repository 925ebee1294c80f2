import pty from '@lydell/node-pty';

/** Keys as a terminal sends them. */
export const KEY = {
  enter: '\r',
  up: '\x1b[A',
  down: '\x1b[B',
  space: ' ',
  ctrlC: '\x03',
} as const;

/** Drop colour and cursor-movement sequences so assertions can look at the visible text. */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\x1b[()][A-Za-z0-9]/g, '');
}

/**
 * A program running in a pseudo-terminal, driven like a user: wait for a prompt's text, type.
 * `waitFor` only looks at output after the previous match, so repeated prompts are told apart.
 */
export class PtySession {
  private output = '';
  private consumed = 0;
  private waiters: (() => void)[] = [];
  readonly exited: Promise<{ exitCode: number; signal?: number }>;

  constructor(file: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }) {
    const child = pty.spawn(file, args, {
      name: 'xterm-256color',
      cols: 120,
      rows: 40,
      cwd: options.cwd,
      env: options.env as Record<string, string>,
    });
    this.child = child;
    child.onData((data) => {
      this.output += data;
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.exited = new Promise((resolve) => child.onExit(resolve));
  }

  private readonly child: pty.IPty;

  /** Everything printed so far, without escape sequences. */
  text(): string {
    return stripAnsi(this.output);
  }

  async waitFor(expected: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const visible = this.text();
      const at = visible.indexOf(expected, this.consumed);
      if (at !== -1) {
        this.consumed = at + expected.length;
        return;
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`timed out waiting for ${JSON.stringify(expected)}; screen so far:\n${visible.slice(-2000)}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 250));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Wait for a prompt, then answer it. */
  async answer(prompt: string, keys: string): Promise<void> {
    await this.waitFor(prompt);
    this.child.write(keys);
  }

  kill(): void {
    try {
      this.child.kill();
    } catch {
      // already gone
    }
  }
}
