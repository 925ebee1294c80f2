/** The Hono app (src/app.ts) as a plain Node request listener, for `http.createServer`. */
import { getRequestListener } from '@hono/node-server';
import type { RequestListener } from 'node:http';
import { createApp, type AppOptions } from './app.js';
import type { ServerConfig } from './mcp-oauth/config.js';

export type { AppOptions };

export function createRequestListener(config: ServerConfig, options: AppOptions = {}): RequestListener {
  return getRequestListener(createApp(config, options).fetch);
}
