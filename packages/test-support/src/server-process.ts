import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPostgresDatabase, postgresUnavailable } from './postgres.ts';

/**
 * Real server processes for process-level tests: `node --import tsx
 * apps/server/src/index.ts`, exactly as `pnpm start` runs it, on a fresh
 * PostgreSQL database or a fresh PGlite data dir. Processes can be killed
 * (SIGKILL / SIGTERM) and started again on the same storage.
 */

/** The repository root: the cwd of every spawned process. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SERVER_ENTRY = 'apps/server/src/index.ts';
const LEDGER_VERIFY_ENTRY = 'apps/server/src/cli/ledger-verify.ts';

/** Sends a request to a server under test. */
export type Send = (path: string, init?: RequestInit) => Promise<Response>;

export type StorageMode = 'postgres' | 'pglite';

export const ADMIN = { email: 'process-admin@niteos.test', password: 'process-admin-pw-1' };

/** Reason PostgreSQL cannot be used here, or null. Throws under CI when unreachable. */
export const postgresSkipReason: string | null = await postgresUnavailable();

/** Where the server keeps its data, and the env that points a process at it. */
export interface Storage {
  mode: StorageMode;
  /** Every env var a server or CLI process on this storage needs. */
  env: Record<string, string>;
  /** Drops the database / removes the data dir. Processes must be dead. */
  dispose(): Promise<void>;
}

export async function createStorage(mode: StorageMode): Promise<Storage> {
  const common = {
    NITEOS_DEMO_SEED: 'off',
    NITEOS_JWT_SECRET: randomBytes(36).toString('base64url'), // 48 chars
    NITEOS_BOOTSTRAP_ADMIN_EMAIL: ADMIN.email,
    NITEOS_BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password,
  };
  if (mode === 'postgres') {
    const created = await createPostgresDatabase();
    return { mode, env: { ...common, DATABASE_URL: created.url }, dispose: () => created.drop() };
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'niteos-process-test-'));
  return {
    mode,
    env: { ...common, NITEOS_DATA_DIR: dir },
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Server settings inherited from the environment running the tests must not leak in. */
const SERVER_KEYS =
  /^(PORT|HOST|DATABASE_URL|REDIS_URL|ANALYTICS_MONGO_URL|DB_POOL_SIZE|INIT_CWD|NODE_ENV|NITEOS_.*)$/;

export function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!SERVER_KEYS.test(k)) env[k] = v;
  return { ...env, ...extra };
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Keeps the last `max` characters of a stream. */
class Tail {
  private text = '';
  constructor(private readonly max = 64_000) {}
  push(chunk: string) {
    this.text += chunk;
    if (this.text.length > this.max) this.text = this.text.slice(-this.max);
  }
  toString() {
    return this.text;
  }
}

const allProcesses: ServerProcess[] = [];

/** Output of every server process started by this test file: for failure messages. */
export function serverLogs(): string {
  return allProcesses.map((p) => p.describe()).join('\n');
}

/** One running server process. */
export class ServerProcess {
  readonly stdout = new Tail();
  readonly stderr = new Tail();
  readonly exited: Promise<Exit>;
  exit: Exit | null = null;
  port = 0;

  private constructor(
    readonly label: string,
    readonly child: ChildProcess,
  ) {
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      });
    });
    child.stdout?.setEncoding('utf8').on('data', (c: string) => this.stdout.push(c));
    child.stderr?.setEncoding('utf8').on('data', (c: string) => this.stderr.push(c));
  }

  /**
   * Spawns the server on `storage` and resolves once it prints its health URL.
   * `port` pins the port (a restart that clients must find again); any free one otherwise.
   * `env` adds server configuration (e.g. REDIS_URL).
   */
  static async start(
    storage: Storage,
    label: string,
    options: { port?: number; timeoutMs?: number; env?: Record<string, string> } = {},
  ): Promise<ServerProcess> {
    const timeoutMs = options.timeoutMs ?? 90_000;
    const child = spawn(process.execPath, ['--import', 'tsx', SERVER_ENTRY], {
      cwd: REPO_ROOT,
      env: childEnv({
        ...storage.env,
        ...options.env,
        PORT: String(options.port ?? 0),
        HOST: '127.0.0.1',
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const server = new ServerProcess(label, child);
    allProcesses.push(server);
    server.port = await server.waitForPort(timeoutMs);
    return server;
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  private waitForPort(timeoutMs: number): Promise<number> {
    return new Promise((resolve, reject) => {
      let seen = '';
      const onData = (chunk: Buffer | string) => {
        seen += chunk.toString();
        const m = /Health:\s+http:\/\/[^\s/]+:(\d+)\/health/.exec(seen);
        if (m) {
          done();
          resolve(Number(m[1]));
        }
      };
      const onExit = (code: number | null, signal: string | null) => {
        done();
        reject(new Error(`${this.label} exited (${code ?? signal}) before listening\n${this}`));
      };
      const timer = setTimeout(() => {
        done();
        this.child.kill('SIGKILL');
        reject(new Error(`${this.label} did not listen within ${timeoutMs} ms\n${this}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.child.stdout?.off('data', onData);
        this.child.off('exit', onExit);
      };
      this.child.stdout?.on('data', onData);
      this.child.once('exit', onExit);
    });
  }

  /** Sends a signal and waits for the process to exit. */
  async kill(signal: 'SIGKILL' | 'SIGTERM', timeoutMs = 30_000): Promise<Exit> {
    if (this.exit) return this.exit;
    this.child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${this.label} still alive ${timeoutMs} ms after ${signal}`)),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Kills the process if it still runs (cleanup). */
  async stop(): Promise<void> {
    if (this.exit) return;
    await this.kill('SIGKILL').catch(() => {});
  }

  readonly send: Send = (p, init) => fetch(`http://127.0.0.1:${this.port}${p}`, init);

  /** JSON request with an optional bearer token. */
  // biome-ignore lint/suspicious/noExplicitAny: tests assert the JSON shapes they read.
  async json<T = any>(
    method: string,
    p: string,
    token?: string | null,
    body?: unknown,
  ): Promise<{ status: number; body: T }> {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await this.send(p, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }

  describe(): string {
    const state = this.exit ? `exited ${this.exit.code ?? this.exit.signal}` : 'running';
    return [
      `--- ${this.label} (pid ${this.pid}, port ${this.port}, ${state}) ---`,
      `stdout (tail):\n${this.stdout}`,
      `stderr (tail):\n${this.stderr}`,
    ].join('\n');
  }

  toString() {
    return this.describe();
  }
}

/** A finished child process and everything it printed. */
export type Captured = Exit & { stdout: string; stderr: string };

/** Runs a command to its end and keeps all of its output. */
export function runCaptured(
  command: string,
  args: string[],
  options: { cwd?: string; env: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<Captured> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: options.timeoutMs,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
    });
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Starts the server on `storage` and waits for it to exit: for starts that must fail. */
export function runFailingStart(
  storage: Storage,
  extra: Record<string, string>,
  timeoutMs = 60_000,
): Promise<Captured> {
  return runCaptured(process.execPath, ['--import', 'tsx', SERVER_ENTRY], {
    cwd: REPO_ROOT,
    env: childEnv({ ...storage.env, ...extra }),
    timeoutMs,
  });
}

/** The demo seed's manager login and bartender of Demo Club (apps/server/src/seed/demo.ts). */
export const DEMO_MANAGER = { email: 'manager@demo.niteos.app', password: 'demo-manager' };
export const DEMO_STAFF = { name: 'Demo bartender', pin: '1234' };

/**
 * Ends a suite's server: stops it, runs `ledger:verify` on the books it left,
 * then drops the storage. The verify's outcome is the suite's to assert; null
 * when there was no storage (the suite was skipped or failed to start).
 */
export async function stopAndVerify(
  server: ServerProcess | undefined,
  storage: Storage | undefined,
): Promise<Captured | null> {
  await server?.stop();
  if (!storage) return null;
  const verify = await runLedgerVerify(storage);
  await storage.dispose();
  return verify;
}

/** Runs `pnpm ledger:verify`'s entry point on `storage` (no server may hold a PGlite dir). */
export function runLedgerVerify(storage: Storage): Promise<Captured> {
  return runCaptured(process.execPath, ['--import', 'tsx', LEDGER_VERIFY_ENTRY], {
    cwd: REPO_ROOT,
    env: childEnv(storage.env),
  });
}

/** mulberry32: a small seeded PRNG so a failing plan can be reproduced from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Builds one of the PWAs with its own Vite (`--outDir` and friends in
 * `args`), the way `pnpm build` does, so browser suites test what ships.
 */
export function buildPwa(app: 'pos-pwa' | 'guest-pwa', args: string[] = []) {
  execFileSync(
    process.execPath,
    ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn', ...args],
    { cwd: path.join(REPO_ROOT, 'apps', app), stdio: 'inherit' },
  );
}
