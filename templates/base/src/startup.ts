/** Start-up shared by the entry point: `.env` in development, then the validated configuration or a clear exit. */
import { ConfigError, loadConfig, type ServerConfig } from './config.js';
import { jsonLogger } from './log.js';

export function configFromEnvironment(): ServerConfig {
  loadDotEnv();
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`${error.message}\n\nSee .env.example and README.md ("Configuration").`);
    process.exit(1);
  }
}

export function logListening(config: ServerConfig): void {
  jsonLogger('info', 'listening', { url: config.mcpServerUrl.href, host: config.host, port: config.port });
}

/** Development convenience: read .env if there is one. In production, set real environment variables. */
function loadDotEnv(): void {
  try {
    process.loadEnvFile();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
