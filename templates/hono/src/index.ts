/** Entry point: validated configuration from the environment, then listen. */
import { serve } from '@hono/node-server';
import { createApp } from './server.js';
import { configFromEnvironment, logListening } from './startup.js';

const config = configFromEnvironment();
const server = serve({ fetch: createApp(config).fetch, port: config.port, hostname: config.host }, () => logListening(config));

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.close(() => process.exit(0));
  });
}
