/** Start-up shared by the entry point: `.env` in development, then the validated configuration or a clear exit. */
import { ConfigError, loadConfig, type ServerConfig } from './mcp-oauth/config.js';
import { jsonLogger } from './mcp-oauth/log.js';
import { processEnvironment } from './mcp-oauth/node.js';

export function configFromEnvironment(): ServerConfig {
  try {
    return loadConfig(processEnvironment());
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`${error.message}\n\nSee .env.example and README.md ("Configuration").`);
    process.exit(1);
  }
}

export function logListening(config: ServerConfig): void {
  jsonLogger('info', 'listening', { url: config.mcpServerUrl.href, host: config.host, port: config.port });
}
