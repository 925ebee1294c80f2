/**
 * Structured logs: one JSON object per line, so log pipelines can filter on `event` and `reason`
 * (Cloudflare Workers Logs indexes the fields of JSON lines the same way).
 * Never pass a token, an Authorization header or a secret in `fields`.
 */
export type LogLevel = 'info' | 'warn' | 'error';
export type LogFields = Record<string, string | number | boolean | undefined>;
export type Logger = (level: LogLevel, event: string, fields?: LogFields) => void;

/**
 * Node (and other runtimes with a process): stderr. Cloudflare Workers: console.log, which Workers Logs
 * indexes and `wrangler dev` prints as is (the runtime names itself in navigator.userAgent, the documented
 * way to tell).
 */
const runtime = globalThis as {
  navigator?: { userAgent?: string };
  process?: { stderr?: { write(text: string): unknown } };
};
const stderr = runtime.navigator?.userAgent === 'Cloudflare-Workers' ? undefined : runtime.process?.stderr;
const writeLine = (line: string): void => {
  if (stderr) stderr.write(`${line}\n`);
  else console.log(line);
};

export const jsonLogger: Logger = (level, event, fields = {}) => {
  writeLine(JSON.stringify({ time: new Date().toISOString(), level, event, ...fields }));
};

export const silentLogger: Logger = () => {};
