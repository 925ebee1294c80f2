/**
 * Structured logs: one JSON object per line on stderr (`console.error`, which every runtime routes to its
 * logs), so log pipelines can filter on `event` and `reason`.
 * Never pass a token, an Authorization header or a secret in `fields`.
 */
export type LogLevel = 'info' | 'warn' | 'error';
export type LogFields = Record<string, string | number | boolean | undefined>;
export type Logger = (level: LogLevel, event: string, fields?: LogFields) => void;

export const jsonLogger: Logger = (level, event, fields = {}) => {
  console.error(JSON.stringify({ time: new Date().toISOString(), level, event, ...fields }));
};

export const silentLogger: Logger = () => {};
