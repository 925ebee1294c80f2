/** Entry point: validated configuration from the environment, then listen; drain on SIGTERM/SIGINT. */
import { createServer } from 'node:http';
import { MAX_HEADER_BYTES } from './mcp-oauth/limits.js';
import { jsonLogger } from './mcp-oauth/log.js';
import { createRequestListener } from './server.js';
import { drainOnSignals } from './shutdown.js';
import { configFromEnvironment, logListening } from './startup.js';

const config = configFromEnvironment();
const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES });
const readiness = drainOnSignals(server, { timeoutSeconds: config.shutdownTimeoutSeconds, log: jsonLogger });
server.on('request', createRequestListener(config, { readiness }));
server.listen(config.port, config.host, () => logListening(config));
