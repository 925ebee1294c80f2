/** Entry point: validated configuration from the environment, then listen. */
import { createServer } from 'node:http';
import { MAX_HEADER_BYTES } from './mcp-oauth/limits.js';
import { createRequestListener } from './server.js';
import { configFromEnvironment, logListening } from './startup.js';

const config = configFromEnvironment();
const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, createRequestListener(config));
server.listen(config.port, config.host, () => logListening(config));

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
