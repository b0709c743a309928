import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** apps/server: the server is started from here so `--import tsx` resolves. */
const SERVER_DIR = fileURLToPath(new URL('..', import.meta.url));

export const BENCH_ADMIN = { email: 'bench-admin@niteos.test', password: 'bench-password-1' };

export interface ServerProcess {
  pid: number;
  /** `http://127.0.0.1:<port>` (no trailing slash, no `/api`). */
  origin: string;
  /** Peak resident set size so far (VmHWM), in MiB; null when /proc is unavailable. */
  peakRssMiB(): number | null;
  /** SIGTERM, then wait for the process to exit (SIGKILL after `timeoutMs`). */
  stop(timeoutMs?: number): Promise<number | null>;
  /** Everything the server wrote to stderr so far (for error reports). */
  stderr(): string;
}

/**
 * Starts `node --import tsx src/index.ts` as its own process, so the load
 * generator and the server do not share a JavaScript thread.
 * `db` is a PostgreSQL URL or a PGlite data directory.
 */
export async function startServerProcess(
  db: { databaseUrl: string } | { dataDir: string },
  extraNodeArgs: string[] = [],
): Promise<ServerProcess> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    NITEOS_DEMO_SEED: 'off',
    NITEOS_BOOTSTRAP_ADMIN_EMAIL: BENCH_ADMIN.email,
    NITEOS_BOOTSTRAP_ADMIN_PASSWORD: BENCH_ADMIN.password,
    NITEOS_JWT_SECRET: randomBytes(32).toString('hex'),
  };
  delete env.DATABASE_URL;
  delete env.NITEOS_DATA_DIR;
  if ('databaseUrl' in db) env.DATABASE_URL = db.databaseUrl;
  else env.NITEOS_DATA_DIR = db.dataDir;

  const child = spawn(process.execPath, [...extraNodeArgs, '--import', 'tsx', 'src/index.ts'], {
    cwd: SERVER_DIR,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    if (err.length < 64_000) err += chunk;
  });

  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      reject(new Error(`server did not start within 60 s\nstdout: ${out}\nstderr: ${err}`));
    }, 60_000);
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      // Keep draining stdout for the whole run; only the start banner matters.
      if (out.length < 64_000) out += chunk;
      const m = /Health:\s+http:\/\/[^:\s]+:(\d+)\/health/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(
        new Error(`server exited at start (${code ?? signal})\nstdout: ${out}\nstderr: ${err}`),
      );
    });
  });

  const pid = child.pid;
  if (pid === undefined) throw new Error('server process has no pid');
  return {
    pid,
    origin: `http://127.0.0.1:${port}`,
    peakRssMiB: () => procStatusKb(pid, 'VmHWM'),
    stop: (timeoutMs = 15_000) => stopChild(child, timeoutMs),
    stderr: () => err,
  };
}

function stopChild(child: ChildProcess, timeoutMs: number): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    child.kill('SIGTERM');
  });
}

/** A field of /proc/<pid>/status in MiB (fields are in kB), or null. */
function procStatusKb(pid: number, field: string): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return m?.[1] ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ; 100 on Linux). */
const TICKS = 100;

/** CPU seconds (user + system) one process has used, or null when it is gone. */
export function processCpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(rest[11]) + Number(rest[12])) / TICKS;
  } catch {
    return null;
  }
}

/** CPU seconds of every process whose command name is `comm` (e.g. all PostgreSQL backends). */
export function cpuSecondsByComm(comm: string): Map<number, number> {
  const found = new Map<number, number>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return found;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (name !== comm) continue;
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      found.set(Number(entry), (Number(rest[11]) + Number(rest[12])) / TICKS);
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

/** CPU seconds `after` used beyond `before` (processes new in `after` count from 0). */
export function cpuDelta(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, s] of after) total += s - (before.get(pid) ?? 0);
  return total;
}

/** Machine-wide busy and total CPU seconds from /proc/stat, or null. */
export function machineCpu(): { busy: number; total: number } | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
    const idle = (v[3] ?? 0) + (v[4] ?? 0);
    return { busy: (total - idle) / TICKS, total: total / TICKS };
  } catch {
    return null;
  }
}
