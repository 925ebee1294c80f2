/**
 * Structured logs: one JSON object per line on stderr, so log pipelines can filter on `event` and `reason`
 * (Cloudflare Workers Logs indexes the fields of JSON lines the same way).
 * Never pass a token, an Authorization header or a secret in `fields`.
 */
export type LogLevel = 'info' | 'warn' | 'error';
export type LogFields = Record<string, string | number | boolean | undefined>;
export type Logger = (level: LogLevel, event: string, fields?: LogFields) => void;

export const jsonLogger: Logger = (level, event, fields = {}) => {
  // console.error: stderr on Node, and available on every runtime (Workers have no process.stderr).
  console.error(JSON.stringify({ time: new Date().toISOString(), level, event, ...fields }));
};

export const silentLogger: Logger = () => {};
