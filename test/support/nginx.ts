/**
 * A real load balancer for tests: nginx (the Debian package; .ci/run installs it) in the foreground, with its
 * own configuration, logs and temp files in a temp directory, on 127.0.0.1 only. The system service is never
 * touched. Round robin over the upstreams; a refused connection sends the request to the next one, as a
 * production proxy would while a replica restarts.
 */
import { execa, type ResultPromise } from 'execa';
import { access, chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.js';

export interface Nginx {
  port: number;
  /** Lines of the access log: `upstream_addr status` per request. */
  accessLog(): Promise<string[]>;
  stop(): Promise<void>;
}

const CANDIDATES = ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/bin/nginx'];

async function nginxBinary(): Promise<string> {
  for (const candidate of CANDIDATES) {
    try {
      await access(candidate);
      return candidate;
    } catch {
      // next
    }
  }
  throw new Error('nginx is not installed: .ci/run installs it (apt-get install nginx)');
}

/** Balances over `upstreamPorts` on 127.0.0.1; listens on `port` (a free one when not given). */
export async function startNginx(upstreamPorts: number[], port?: number): Promise<Nginx> {
  const binary = await nginxBinary();
  const dir = await mkdtemp(join(tmpdir(), 'nginx-lb-'));
  // Worker processes may run as an unprivileged user when the master is root: let them use the temp files.
  await chmod(dir, 0o777);
  port ??= await freePort();
  const config = `
daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 512; }
http {
  log_format upstreams '$upstream_addr $status';
  access_log ${dir}/access.log upstreams;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream replicas {
${upstreamPorts.map((upstream) => `    server 127.0.0.1:${upstream} max_fails=1 fail_timeout=30s;`).join('\n')}
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://replicas;
      proxy_http_version 1.1;
      # The public Host (what MCP_SERVER_URL names), as a TLS-terminating proxy forwards it.
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      # Streamed MCP answers (SSE) pass through as they come.
      proxy_buffering off;
      proxy_next_upstream error timeout;
    }
  }
}
`;
  await writeFile(join(dir, 'nginx.conf'), config);
  const child: ResultPromise = execa(binary, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], {
    reject: false,
    all: true,
  });
  const deadline = Date.now() + 10_000;
  for (;;) {
    const answer = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
    if (answer) {
      await answer.arrayBuffer();
      // nginx puts its own Server header on what it proxies: anything else on this port is not the balancer.
      if (answer.headers.get('server')?.startsWith('nginx')) break;
      child.kill('SIGQUIT');
      throw new Error(`port ${port} is answered by something other than nginx`);
    }
    if (child.exitCode !== null) {
      const log = await readFile(join(dir, 'error.log'), 'utf8').catch(() => '');
      throw new Error(`nginx exited (${child.exitCode}): ${String((await child).all)}\n${log}`);
    }
    if (Date.now() > deadline) throw new Error('nginx did not start listening');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    port,
    accessLog: async () => (await readFile(join(dir, 'access.log'), 'utf8')).split('\n').filter(Boolean),
    async stop() {
      child.kill('SIGQUIT');
      await child;
      if (!process.env.KEEP_FIXTURES) await rm(dir, { recursive: true, force: true });
    },
  };
}
