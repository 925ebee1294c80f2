import { createServer } from 'node:net';

/** Ports this process handed out already: the OS may offer a port again as soon as its probe socket closed. */
const handedOut = new Set<number>();

/**
 * A port that was free a moment ago on 127.0.0.1 (for servers that must know their URL before they listen), and
 * never one this process handed out before, so servers started together (replicas and their balancer) cannot be
 * given the same port.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    await new Promise((resolve) => server.close(resolve));
    if (address === null || typeof address === 'string') throw new Error('no port');
    if (!handedOut.has(address.port)) {
      handedOut.add(address.port);
      return address.port;
    }
  }
}
