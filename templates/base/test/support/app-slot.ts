/** The app under test on Node: the request listener src/index.ts serves, on 127.0.0.1 with a random port. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ServerConfig } from '../../src/mcp-oauth/config.js';
import { MAX_HEADER_BYTES } from '../../src/mcp-oauth/limits.js';
import { createRequestListener, type AppOptions } from '../../src/server.js';

export interface AppSlot {
  /** Where the app answers (no path). */
  origin: string;
  /** Serves the app built from `config` at `origin`. */
  start(config: ServerConfig, options: AppOptions): void;
  close(): Promise<void>;
}

/** Reserves the app's origin first: the configuration names its URL. */
export async function reserveAppSlot(): Promise<AppSlot> {
  const httpServer = createServer({ maxHeaderSize: MAX_HEADER_BYTES });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`,
    start: (config, options) => httpServer.on('request', createRequestListener(config, options)),
    close: async () => {
      httpServer.closeAllConnections();
      await new Promise((resolve) => httpServer.close(resolve));
    },
  };
}
