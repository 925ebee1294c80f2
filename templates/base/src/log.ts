/**
 * Structured logs: one JSON object per line on stderr, so log pipelines can filter on `event` and `reason`
 * (Cloudflare Workers Logs indexes the fields of JSON lines the same way).
 * Never pass a token, an Authorization header or a secret in `fields`.
 */
export type LogLevel = 'info' | 'warn' | 'error';
export type LogFields = Record<string, string | number | boolean | undefined>;
export type Logger = (level: LogLevel, event: string, fields?: LogFields) => void;

/** Node: stderr. Cloudflare Workers (no `process`): console.log, which `wrangler dev` prints as is and Workers Logs indexes. */
const stderr = (globalThis as { process?: { stderr?: { write(text: string): unknown } } }).process?.stderr;
const writeLine: (line: string) => void = stderr ? (line) => stderr.write(`${line}\n`) : (line) => console.log(line);

export const jsonLogger: Logger = (level, event, fields = {}) => {
  writeLine(JSON.stringify({ time: new Date().toISOString(), level, event, ...fields }));
};

export const silentLogger: Logger = () => {};
