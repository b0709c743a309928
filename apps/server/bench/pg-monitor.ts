import postgres from 'postgres';
import { processCpuSeconds } from './server-process.ts';

/** Mean number of our database's backends in each state over the samples taken. */
export interface ActivitySummary {
  samples: number;
  /** Running on CPU (active, no wait event). */
  running: number;
  /** Active but waiting for I/O or a lightweight lock (WAL write/flush at commit, buffers). */
  io: number;
  /** Active but waiting for a row/transaction lock held by another backend. */
  lockWait: number;
  /** Of those, waiting for the per-till advisory lock. */
  advisoryWait: number;
  /** In an open transaction, waiting for the server process to send the next statement. */
  idleInTransaction: number;
  /**
   * Share of samples where some backend waited on a lock while no backend
   * was running or doing I/O: the lock holder was waiting for the server process.
   */
  stalledOnApp: number;
  /** Mean number of lock waiters per statement (its first words). */
  lockWaitsBy: Record<string, number>;
  /** Mean number of idle-in-transaction backends per last statement they ran. */
  idleAfter: Record<string, number>;
}

/** The first words of a statement, as a key. */
function statementKey(query: string): string {
  return query.replace(/\s+/g, ' ').trim().slice(0, 48);
}

/**
 * Watches one PostgreSQL database from the admin connection: the CPU time
 * of its backends (plus PostgreSQL's background processes, e.g. the WAL
 * writer) and, while sampling, what its backends are doing.
 */
export function pgMonitor(adminUrl: string, dbName: string) {
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  let timer: NodeJS.Timeout | null = null;
  let busy = false;
  const fresh = () => ({
    samples: 0,
    running: 0,
    io: 0,
    lockWait: 0,
    advisoryWait: 0,
    idleInTransaction: 0,
    stalled: 0,
    lockWaitsBy: new Map<string, number>(),
    idleAfter: new Map<string, number>(),
  });
  let acc = fresh();
  const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);

  async function sample() {
    if (busy) return;
    busy = true;
    try {
      const rows = await admin<
        { state: string | null; wet: string | null; we: string | null; query: string }[]
      >`select state, wait_event_type as wet, wait_event as we, left(query, 120) as query
        from pg_stat_activity where datname = ${dbName} and pid <> pg_backend_pid()`;
      let running = 0;
      let io = 0;
      let lock = 0;
      for (const r of rows) {
        if (r.state === 'active' && r.wet === null) running++;
        else if (r.state === 'active' && (r.wet === 'IO' || r.wet === 'LWLock')) io++;
        else if (r.state === 'active' && r.wet === 'Lock') {
          lock++;
          if (r.we === 'advisory') acc.advisoryWait++;
          bump(acc.lockWaitsBy, statementKey(r.query));
        } else if (r.state?.startsWith('idle in transaction')) {
          acc.idleInTransaction++;
          bump(acc.idleAfter, statementKey(r.query));
        }
      }
      acc.samples++;
      acc.running += running;
      acc.io += io;
      acc.lockWait += lock;
      if (lock > 0 && running === 0 && io === 0) acc.stalled++;
    } finally {
      busy = false;
    }
  }

  const perSample = (m: Map<string, number>, n: number) =>
    Object.fromEntries(
      [...m.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 8)
        .map(([k, v]) => [k, Math.round((v / n) * 100) / 100]),
    );

  return {
    /** CPU seconds of this database's backends and of PostgreSQL's background processes. */
    async cpu(): Promise<Map<number, number>> {
      const rows = await admin<{ pid: number }[]>`
        select pid from pg_stat_activity
        where (datname = ${dbName} or backend_type <> 'client backend') and pid <> pg_backend_pid()`;
      const out = new Map<number, number>();
      for (const { pid } of rows) {
        const s = processCpuSeconds(pid);
        if (s !== null) out.set(pid, s);
      }
      return out;
    },
    start(intervalMs: number) {
      acc = fresh();
      timer = setInterval(() => {
        sample().catch(() => {});
      }, intervalMs);
    },
    stop(): ActivitySummary {
      if (timer) clearInterval(timer);
      timer = null;
      const n = Math.max(1, acc.samples);
      return {
        samples: acc.samples,
        running: acc.running / n,
        io: acc.io / n,
        lockWait: acc.lockWait / n,
        advisoryWait: acc.advisoryWait / n,
        idleInTransaction: acc.idleInTransaction / n,
        stalledOnApp: acc.stalled / n,
        lockWaitsBy: perSample(acc.lockWaitsBy, n),
        idleAfter: perSample(acc.idleAfter, n),
      };
    },
    /** Deadlocks PostgreSQL detected in this database (flushed when backends exit). */
    async deadlocks(): Promise<number> {
      const [row] = await admin<{ n: number }[]>`
        select deadlocks::int as n from pg_stat_database where datname = ${dbName}`;
      return row?.n ?? 0;
    },
    close: () => admin.end({ timeout: 2 }),
  };
}

export type PgMonitor = ReturnType<typeof pgMonitor>;
