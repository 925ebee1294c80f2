/** The process surface the CLI touches, injectable so tests can run `main()` in-process. */
export interface CliIo {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdin: { isTTY?: boolean };
  stdout: { isTTY?: boolean; write(chunk: string): unknown };
  stderr: { isTTY?: boolean; write(chunk: string): unknown };
}
