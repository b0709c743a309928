import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { inCi } from '@niteos/test-support';
import { REPO_ROOT } from '../../../apps/server/test/support/server-process.ts';

/**
 * Debian's nginx as a child process, running the shipped template rendered
 * by infra/nginx/render.sh: random free ports, everything under a temp
 * prefix (no root-only paths), a self-signed certificate so the TLS server
 * block is the one under test.
 */

const run = promisify(execFile);
const NGINX = '/usr/sbin/nginx';
export const RENDER = path.join(REPO_ROOT, 'infra/nginx/render.sh');

/** Why nginx cannot run here, or null. Under CI a missing nginx fails the run. */
export async function nginxUnavailable(): Promise<string | null> {
  try {
    await run(NGINX, ['-v']);
    return null;
  } catch (err) {
    const problem = `${NGINX} not runnable (${err instanceof Error ? err.message : err}); apt-get install nginx-light`;
    if (inCi()) throw new Error(`CI requires nginx: ${problem}`);
    return problem;
  }
}

/** A port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface NginxOptions {
  /** A port on 127.0.0.1, or host:port. */
  upstreamPorts: (number | string)[];
  guestRoot: string;
  posRoot: string;
  /**
   * `debian`: include the site from a copy of Debian's own /etc/nginx/nginx.conf
   * (its http-level settings, modules and conf.d), as sites-enabled/ does.
   */
  main?: 'minimal' | 'debian';
  /** NITEOS_OPS_NETWORKS; render.sh's default when absent. */
  opsNetworks?: string;
}

/** The ports, files and settings of one rendered site. */
export interface RenderedSite {
  dir: string;
  httpPort: number;
  httpsPort: number;
  cert: string;
  acmeRoot: string;
  accessLog: string;
  /** The main config that includes the rendered site (what `-c` gets). */
  mainConf: string;
  /** nginx's prefix (`-p`): relative paths in the main config resolve against it. */
  prefix: string;
}

/**
 * Renders the site into a new temp prefix. The main config stands in for
 * Debian's /etc/nginx/nginx.conf (mime types, temp paths) and includes the
 * rendered file unchanged, as sites-enabled/ does in production.
 */
export async function renderSite(options: NginxOptions): Promise<RenderedSite> {
  const dir = await mkdtemp(path.join(tmpdir(), 'niteos-nginx-'));
  try {
    return await renderSiteInto(dir, options);
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

/** Removes a rendered site's temp prefix (certificate, logs, configs). */
export function removeSite(site: RenderedSite): Promise<void> {
  return rm(site.dir, { recursive: true, force: true });
}

async function renderSiteInto(dir: string, options: NginxOptions): Promise<RenderedSite> {
  // Run as root, nginx's workers drop to `nobody`: they must reach the prefix.
  await chmod(dir, 0o755);
  const [httpPort, httpsPort] = [await freePort(), await freePort()];
  const cert = path.join(dir, 'tls/cert.pem');
  const key = path.join(dir, 'tls/key.pem');
  const acmeRoot = path.join(dir, 'acme');
  const logDir = path.join(dir, 'logs');
  for (const d of ['tls', 'acme', 'logs', 'tmp']) await mkdir(path.join(dir, d));
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=localhost',
    '-addext',
    'subjectAltName=DNS:localhost',
    '-keyout',
    key,
    '-out',
    cert,
  ]);
  const { stdout: site } = await run('bash', [RENDER], {
    env: {
      PATH: process.env.PATH,
      NITEOS_SERVER_NAME: 'localhost',
      NITEOS_UPSTREAM_PORTS: options.upstreamPorts.join(' '),
      NITEOS_GUEST_ROOT: options.guestRoot,
      NITEOS_POS_ROOT: options.posRoot,
      NITEOS_TLS_CERT: cert,
      NITEOS_TLS_KEY: key,
      NITEOS_ACME_ROOT: acmeRoot,
      NITEOS_LOG_DIR: logDir,
      NITEOS_HTTP_PORT: String(httpPort),
      NITEOS_HTTPS_PORT: String(httpsPort),
      ...(options.opsNetworks === undefined ? {} : { NITEOS_OPS_NETWORKS: options.opsNetworks }),
    },
  });
  await writeFile(path.join(dir, 'niteos.conf'), site);
  const mainConf = path.join(dir, 'nginx.conf');
  const tmp = (name: string) => path.join(dir, 'tmp', name);
  const tempPaths = `client_body_temp_path ${tmp('body')};
  proxy_temp_path ${tmp('proxy')};
  fastcgi_temp_path ${tmp('fastcgi')};
  uwsgi_temp_path ${tmp('uwsgi')};
  scgi_temp_path ${tmp('scgi')};`;
  if (options.main === 'debian') {
    // Debian's file, minus what needs root (user, pid, /var/log), with the site where sites-enabled/* was.
    const debian = (await readFile('/etc/nginx/nginx.conf', 'utf8'))
      .replace(/^\s*(user|pid)\s[^;]*;/gm, '')
      .replaceAll('/var/log/nginx/', `${logDir}/`)
      .replace(
        /^(\s*)include \/etc\/nginx\/sites-enabled\/\*;/m,
        `$1include ${path.join(dir, 'niteos.conf')};`,
      )
      .replace(/^http \{/m, `http {\n  ${tempPaths}`);
    if (!debian.includes(path.join(dir, 'niteos.conf')))
      throw new Error('/etc/nginx/nginx.conf has no include of sites-enabled/*');
    await writeFile(mainConf, debian);
  } else {
    await writeFile(
      mainConf,
      `worker_processes 1;
events { worker_connections 512; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  sendfile on;
  tcp_nopush on;
  types_hash_max_size 2048;
  ${tempPaths}
  include ${path.join(dir, 'niteos.conf')};
}
`,
    );
  }
  return {
    dir,
    httpPort,
    httpsPort,
    cert,
    acmeRoot,
    accessLog: path.join(logDir, 'niteos.access.log'),
    mainConf,
    // Debian's module includes name modules/*.so relative to its compiled-in prefix.
    prefix: options.main === 'debian' ? '/usr/share/nginx/' : `${dir}/`,
  };
}

function nginxArgs(site: RenderedSite): string[] {
  return [
    '-p',
    site.prefix,
    '-c',
    site.mainConf,
    '-g',
    `daemon off; pid ${path.join(site.dir, 'nginx.pid')}; error_log stderr;`,
  ];
}

/** `nginx -t` on a rendered site: exit code and what nginx printed. */
export async function nginxTest(site: RenderedSite): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(NGINX, ['-t', ...nginxArgs(site)]);
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

/** A running nginx on a rendered site. */
export class Nginx {
  private output = '';

  private constructor(
    readonly site: RenderedSite,
    private readonly child: ChildProcess,
  ) {
    child.stderr?.setEncoding('utf8').on('data', (c: string) => {
      this.output = (this.output + c).slice(-32_000);
    });
  }

  static async start(options: NginxOptions): Promise<Nginx> {
    const site = await renderSite(options);
    const child = spawn(NGINX, nginxArgs(site), { stdio: ['ignore', 'ignore', 'pipe'] });
    const nginx = new Nginx(site, child);
    const deadline = Date.now() + 10_000;
    while (!(await canConnect(site.httpsPort))) {
      if (child.exitCode !== null || Date.now() > deadline) {
        await nginx.stop();
        throw new Error(`nginx did not listen on ${site.httpsPort}:\n${nginx.output}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    return nginx;
  }

  /** HTTPS to this nginx, trusting only its self-signed certificate. */
  async https(
    p: string,
    init: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
  ): Promise<Reply> {
    return request(`https://localhost:${this.site.httpsPort}${p}`, {
      ...init,
      ca: await readFile(this.site.cert),
    });
  }

  /** Plain HTTP to this nginx (the redirecting server block). */
  http(p: string): Promise<Reply> {
    return request(`http://localhost:${this.site.httpPort}${p}`, {});
  }

  /** A till's `send` through nginx over TLS. */
  send = async (p: string, init?: RequestInit): Promise<Response> => {
    const reply = await this.https(p, {
      method: init?.method,
      headers: init?.headers as Record<string, string> | undefined,
      body: init?.body as string | undefined,
    });
    return new Response(reply.status === 204 ? null : reply.body, {
      status: reply.status,
      headers: reply.headers as Record<string, string>,
    });
  };

  /**
   * For each logged request to `pathPrefix` so far, the processes nginx tried
   * in order (more than one when it resent the request to another process).
   */
  async upstreams(pathPrefix: string): Promise<string[][]> {
    const log = await readFile(this.site.accessLog, 'utf8').catch(() => '');
    const tried: string[][] = [];
    for (const line of log.split('\n')) {
      const request = /"[A-Z]+ (\S+) HTTP/.exec(line)?.[1];
      const upstream = /upstream="([^"]*)"/.exec(line)?.[1];
      if (!request?.startsWith(pathPrefix) || !upstream || upstream === '-') continue;
      tried.push(upstream.split(/, | : /));
    }
    return tried;
  }

  describe(): string {
    return `--- nginx (https ${this.site.httpsPort}) stderr ---\n${this.output}`;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((r) => this.child.once('exit', r));
      this.child.kill('SIGQUIT');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
      if (this.child.exitCode === null) this.child.kill('SIGKILL');
    }
    await removeSite(this.site);
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** One request with node's http(s): header values joined, body as text. */
function request(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string | Buffer; ca?: Buffer },
): Promise<Reply> {
  const u = new URL(url);
  const lib = u.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(
      u,
      { method: init.method ?? 'GET', headers: init.headers, ca: init.ca, agent: false },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          body += c;
        });
        res.on('end', () => {
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) {
            if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
          }
          resolve({ status: res.statusCode ?? 0, headers, body });
        });
      },
    );
    req.once('error', reject);
    req.end(init.body);
  });
}
