import { describe, expect, it, vi } from 'vitest';
import type { LazySubcommand, SubcommandModule } from '../../src/args/subcommands.js';
import { main } from '../../src/cli.js';
import { CliError } from '../../src/core/errors.js';
import { captureIo } from './helpers/io.js';
import { tempDir } from './helpers/temp-dir.js';

/** A stand-in for `doctor <url>`, registered the way the real one will be: one entry with a lazy `load`. */
function fakeDoctor() {
  const runs: unknown[] = [];
  const module: SubcommandModule = {
    configure(command, context) {
      command.option('--json', 'machine-readable output').action((url: string, options: { json?: boolean }) => {
        if (url === 'http://fail') throw new CliError('doctor found problems');
        runs.push({ url, ...options });
        context.io.stdout.write(`checked ${url}\n`);
        context.setExitCode(url === 'http://warn' ? 2 : 0);
      });
    },
  };
  const load = vi.fn(async () => module);
  const subcommand: LazySubcommand = {
    usage: 'doctor <url>',
    description: "check a running server's OAuth setup",
    load,
  };
  return { subcommand, load, runs };
}

describe('lazy subcommands', () => {
  it('are listed in --help without being loaded', async () => {
    const doctor = fakeDoctor();
    const io = captureIo();
    expect(await main(['--help'], io, [doctor.subcommand])).toBe(0);
    expect(io.stdoutText()).toMatch(/doctor <url> +check a running server's OAuth setup/);
    expect(doctor.load).not.toHaveBeenCalled();
  });

  it('are not loaded by the default scaffold', async () => {
    const doctor = fakeDoctor();
    const { dir, cleanup } = await tempDir();
    try {
      expect(await main(['demo', '--yes', '--dry-run'], captureIo({ cwd: dir }), [doctor.subcommand])).toBe(0);
      expect(doctor.load).not.toHaveBeenCalled();
    } finally {
      await cleanup();
    }
  });

  it('load and run when invoked, with their own options and exit code', async () => {
    const doctor = fakeDoctor();
    const io = captureIo();
    expect(await main(['doctor', 'http://warn', '--json'], io, [doctor.subcommand])).toBe(2);
    expect(doctor.load).toHaveBeenCalledOnce();
    expect(doctor.runs).toEqual([{ url: 'http://warn', json: true }]);
    expect(io.stdoutText()).toBe('checked http://warn\n');
  });

  it('show their own options in `<sub> --help`', async () => {
    const doctor = fakeDoctor();
    const io = captureIo();
    expect(await main(['doctor', '--help'], io, [doctor.subcommand])).toBe(0);
    expect(io.stdoutText()).toMatch(/Usage: create-mcp-oauth doctor \[options\] <url>/);
    expect(io.stdoutText()).toMatch(/--json/);
  });

  it("keep scaffold flags out: an unknown option is the subcommand's error", async () => {
    const doctor = fakeDoctor();
    const io = captureIo();
    expect(await main(['doctor', 'http://x', '--yes'], io, [doctor.subcommand])).toBe(1);
    expect(io.stderrText()).toMatch(/unknown option '--yes'/);
  });

  it('report CliError like the scaffold does', async () => {
    const doctor = fakeDoctor();
    const io = captureIo();
    expect(await main(['doctor', 'http://fail'], io, [doctor.subcommand])).toBe(1);
    expect(io.stderrText()).toBe('error: doctor found problems\n');
  });
});
