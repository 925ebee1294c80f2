/** Entry point: validated configuration from the environment, then listen. */
import { createApp } from './server.js';
import { configFromEnvironment, logListening } from './startup.js';

const config = configFromEnvironment();
const server = createApp(config).listen(config.port, config.host, () => logListening(config));

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
