/** The Hono app (src/app.ts) as a plain Node request listener, for `http.createServer`. */
import { getRequestListener } from '@hono/node-server';
import type { RequestListener } from 'node:http';
import { createApp } from './app.js';
import type { AppOverrides } from './app-deps.js';
import type { ServerConfig } from './config.js';

export function createRequestListener(config: ServerConfig, overrides: AppOverrides = {}): RequestListener {
  return getRequestListener(createApp(config, overrides).fetch);
}
