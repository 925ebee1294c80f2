/** The app under test on Node: the request listener src/index.ts serves, on 127.0.0.1 with a random port. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AppOverrides } from '../../src/app-deps.js';
import type { ServerConfig } from '../../src/config.js';
import { MAX_HEADER_BYTES } from '../../src/limits.js';
import { createRequestListener } from '../../src/server.js';

export interface AppSlot {
  /** Where the app answers (no path). */
  origin: string;
  /** Serves the app built from `config` at `origin`. */
  start(config: ServerConfig, overrides: AppOverrides): void;
  close(): Promise<void>;
}

/** Reserves the app's origin first: the configuration names its URL. */
export async function reserveAppSlot(): Promise<AppSlot> {
  const httpServer = createServer({ maxHeaderSize: MAX_HEADER_BYTES });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`,
    start: (config, overrides) => httpServer.on('request', createRequestListener(config, overrides)),
    close: async () => {
      httpServer.closeAllConnections();
      await new Promise((resolve) => httpServer.close(resolve));
    },
  };
}
