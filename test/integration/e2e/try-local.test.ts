/**
 * "Try it before you have a Scalekit account": `npm run dev:local` in a generated project starts the
 * server together with the local authorization server it ships in dev/, tells the user what to do
 * next, works with a real MCP client, stops cleanly on Ctrl+C, and refuses to run in production.
 */
import { execa, type ResultPromise } from 'execa';
import { createConnection, createServer, type Server } from 'node:net';
import { describe, expect, it } from 'vitest';
import { userIdFor } from '../../../templates/base/dev/local-scalekit.js';
import { generatedProject, type Fixture } from '../../support/generated-projects.js';
import { connectV2, HostV2, textOf } from '../../support/oauth-hosts.js';
import { freePort } from '../../support/ports.js';

describe.each<Fixture>(['express', 'hono', 'workers'])('npm run dev:local in a generated %s project', (framework) => {
  it('refuses to run with NODE_ENV=production, and listens on nothing', async () => {
    const project = generatedProject(framework);
    const [authPort, mcpPort] = [await freePort(), await freePort()];
    const result = await execa('npm', ['run', 'dev:local'], {
      cwd: project.dir,
      env: {
        ...project.env,
        NODE_ENV: 'production',
        LOCAL_SCALEKIT_PORT: String(authPort),
        MCP_SERVER_URL: `http://localhost:${mcpPort}/mcp`,
      },
      reject: false,
      all: true,
      timeout: 30_000,
    });
    expect(result.exitCode).toBe(1);
    expect(String(result.all)).toContain('dev:local refuses to run with NODE_ENV=production');
    expect(await isListening(authPort)).toBe(false);
    expect(await isListening(mcpPort)).toBe(false);
  });

  it(
    'serves the project with a local authorization server ' + 'that a client signs in to, and stops both on Ctrl+C',
    async () => {
      const project = generatedProject(framework);
      // The default authorization server port is taken: it must pick another one and say so.
      const busy = await holdPort();
      const mcpPort = await freePort();
      const mcpUrl = `http://localhost:${mcpPort}/mcp`;
      let output = '';
      const child: ResultPromise = execa('npm', ['run', 'dev:local'], {
        cwd: project.dir,
        env: { ...project.env, LOCAL_SCALEKIT_PORT: String(busy.port), MCP_SERVER_URL: mcpUrl },
        // Its own process group, so the test can send Ctrl+C the way a terminal does: to the whole group.
        detached: true,
        reject: false,
        all: true,
      });
      child.all?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const ctrlC = () => process.kill(-child.pid!, 'SIGINT');
      try {
        await waitFor(
          () => output.includes('Press Ctrl+C to stop both servers.'),
          child,
          () => output,
          framework === 'workers' ? 150_000 : 45_000,
        );

        expect(output).toContain('LOCAL TRY-OUT MODE - NOT SCALEKIT, NOT FOR PRODUCTION');
        expect(output).toMatch(
          new RegExp(`Port ${busy.port} is busy, so the local authorization server uses port \\d+ instead`),
        );
        const authUrl = /Local authorization server\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
        expect(authUrl).toBeDefined();
        expect(authUrl).not.toBe(`http://127.0.0.1:${busy.port}`);
        expect(output).toContain('npx @modelcontextprotocol/inspector');
        expect(output).toContain(`claude mcp add --transport http ${framework}-server ${mcpUrl}`);
        // Both servers on loopback only.
        if (framework === 'workers') {
          // wrangler dev, told HOST and PORT by dev:local.
          await waitFor(
            () => output.includes(`Ready on http://127.0.0.1:${mcpPort}`),
            child,
            () => output,
            120_000,
          );
        } else {
          const listening = output.split('\n').find((line) => line.includes('"event":"listening"'));
          expect(JSON.parse(listening ?? '{}')).toMatchObject({ url: mcpUrl, host: '127.0.0.1', port: mcpPort });
        }

        // What a host does next: sign in through the local server and call tools.
        const host = new HostV2({ login: { user: 'laptop@example.com' } });
        const session = await connectV2(mcpUrl, host);
        try {
          expect(host.authorizationUrls[0]!.href.startsWith(`${authUrl}/resources/res_local/oauth/authorize?`)).toBe(
            true,
          );
          const whoami = await session.client.callTool({ name: 'whoami', arguments: {} });
          expect(whoami.structuredContent).toMatchObject({
            subject: userIdFor('laptop@example.com'),
            scopes: ['todo:read', 'todo:write'],
          });
          expect(
            textOf(await session.client.callTool({ name: 'add_todo', arguments: { title: 'Tried it locally' } })),
          ).toMatch(/Tried it locally$/);
        } finally {
          await session.close();
        }

        ctrlC();
        const result = await child;
        // npm re-raises the Ctrl+C it forwarded, so it ends by SIGINT; dev:local itself exits 0 after cleaning up.
        expect(result.exitCode === 0 || result.signal === 'SIGINT', output).toBe(true);
        expect(output).toContain('Stopped the MCP server and the local test authorization server.');
        expect(await isListening(mcpPort)).toBe(false);
        expect(await isListening(Number(new URL(authUrl!).port))).toBe(false);
      } finally {
        if (child.exitCode === null) {
          try {
            process.kill(-child.pid!, 'SIGKILL');
          } catch {
            // already gone
          }
        }
        await new Promise((resolve) => busy.server.close(resolve));
      }
    },
    240_000,
  );
});

async function holdPort(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { server, port: address.port };
}

function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function waitFor(
  condition: () => boolean,
  child: ResultPromise,
  output: () => string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (child.exitCode !== null) throw new Error(`dev:local exited early:\n${output()}`);
    if (Date.now() > deadline) throw new Error(`dev:local did not get ready within ${timeoutMs} ms:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
