/** What the push bench prints and records: its results, the table and the targets. */

import os from 'node:os';
import { postgresAdminUrl } from '@niteos/test-support';
import type { ActivitySummary } from './pg-monitor.ts';
import type { FloorResult } from './sql-floor.ts';
import type { WorkloadShape } from './workload.ts';

const TARGETS = { postgresOpsPerSecond: 5_000, verifyFraction: 0.7, p99Ms: 150 };

export type Kind = 'postgres' | 'pglite';

/** One timed round's own figures. */
export interface RoundFigures {
  ops: number;
  wallSeconds: number;
  opsPerSecond: number;
  p99Ms: number;
}

/**
 * A backend's figures. Ops, wall time, rate, CPU and backend states are the
 * median round's (by rate; the lower middle one for an even count); the
 * latency percentiles are over the pushes of every timed round.
 */
export interface BackendResult {
  kind: Kind;
  ok: boolean;
  problems: string[];
  ops: number;
  /** Timed pushes, all rounds. */
  pushes: number;
  wallSeconds: number;
  opsPerSecond: number;
  rounds: RoundFigures[];
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  serverPeakRssMiB: number | null;
  serverStartMs: number;
  /** The warm-up round's rate: the server's first seconds (null with `BENCH_WARMUP=0`). */
  coldOpsPerSecond: number | null;
  signMs: number;
  /**
   * CPU seconds used during the median round: the server process (PGlite
   * runs inside it), our database's PostgreSQL backends and background
   * processes, this load generator, everything else on the machine (other
   * people's work: it makes a run noisy), and the machine's capacity.
   */
  cpu: {
    server: number | null;
    database: number | null;
    bench: number;
    other: number | null;
    machineBusy: number | null;
    machineTotal: number | null;
  };
  /** What our PostgreSQL backends were doing during the median round (when sampled: BENCH_PG_SAMPLE_MS). */
  pgActivity: ActivitySummary | null;
  /** Deadlocks PostgreSQL detected during setup and the timed rounds (each costs deadlock_timeout). */
  deadlocks: number | null;
  ledger: { ok: boolean; accounts: number; lines: number };
  floors: FloorFigures[];
}

/** A SQL floor run and the CPU it took: this process (incl. PGlite) and PostgreSQL backends. */
export type FloorFigures = FloorResult & { cpuDatabase: number | null };

/** CPU µs an op took in the median round: the server process (PGlite runs in it) and PostgreSQL. */
function cpuPerOpUs(r: BackendResult): number | null {
  if (r.cpu.server === null) return null;
  return ((r.cpu.server + (r.cpu.database ?? 0)) / r.ops) * 1e6;
}

/** CPU µs an op took in the 1-connection SQL floor: its writes as bare SQL, client and database. */
function floorCpuPerOpUs(r: BackendResult): number | null {
  const f = r.floors.find((x) => x.connections === 1);
  if (!f || (r.kind === 'postgres' && f.cpuDatabase === null)) return null;
  return ((f.cpuClient + (f.cpuDatabase ?? 0)) / f.ops) * 1e6;
}

export function log(line: string) {
  process.stdout.write(`${line}\n`);
}

export const fmt = (n: number | null | undefined, digits = 0) =>
  n === null || n === undefined || Number.isNaN(n)
    ? '—'
    : n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** The figures of every backend side by side, with the floors and the noise warning. */
export function printTable(
  results: BackendResult[],
  verifyRate: number,
  pgSkipped: string | null,
  shape: WorkloadShape,
) {
  const cols = results.map((r) => (r.kind === 'postgres' ? 'PostgreSQL' : 'PGlite (disk)'));
  const rows: [string, ...string[]][] = [];
  const row = (label: string, f: (r: BackendResult) => string) =>
    rows.push([label, ...results.map(f)]);
  const floor = (r: BackendResult, n: number) => r.floors.find((f) => f.connections === n);
  row('end to end ops/s (median round)', (r) => fmt(r.opsPerSecond));
  row('  every round, slowest first', (r) =>
    r.rounds
      .map((x) => x.opsPerSecond)
      .sort((a, b) => a - b)
      .map((x) => fmt(x))
      .join(' · '),
  );
  row('wall time, median round (s)', (r) => fmt(r.wallSeconds, 2));
  row('cold start: warm-up round ops/s', (r) => fmt(r.coldOpsPerSecond));
  row('timed pushes, all rounds', (r) => fmt(r.pushes));
  row('push latency p50 (ms)', (r) => fmt(r.latencyMs.p50, 1));
  row('push latency p90 (ms)', (r) => fmt(r.latencyMs.p90, 1));
  row('push latency p99 (ms)', (r) => fmt(r.latencyMs.p99, 1));
  row('push latency max (ms)', (r) => fmt(r.latencyMs.max, 1));
  row('server peak RSS (MiB)', (r) => fmt(r.serverPeakRssMiB));
  row('CPU s: server process', (r) => fmt(r.cpu.server, 2));
  row('CPU s: PostgreSQL processes', (r) => fmt(r.cpu.database, 2));
  row('CPU s: bench (load generator)', (r) => fmt(r.cpu.bench, 2));
  row('CPU s: other processes (noise)', (r) => fmt(r.cpu.other, 2));
  row('CPU µs per op: server + database', (r) => fmt(cpuPerOpUs(r)));
  row('CPU µs per op: bare SQL floor, 1 conn', (r) => fmt(floorCpuPerOpUs(r)));
  row('machine busy (% of all cores)', (r) =>
    r.cpu.machineBusy !== null && r.cpu.machineTotal
      ? fmt((100 * r.cpu.machineBusy) / r.cpu.machineTotal)
      : '—',
  );
  row('PG backends running (mean)', (r) => fmt(r.pgActivity?.running, 2));
  row('PG backends in I/O/LWLock (mean)', (r) => fmt(r.pgActivity?.io, 2));
  row('PG backends waiting on a lock', (r) => fmt(r.pgActivity?.lockWait, 2));
  row('  of which the till advisory lock', (r) => fmt(r.pgActivity?.advisoryWait, 2));
  row('PG backends idle in transaction', (r) => fmt(r.pgActivity?.idleInTransaction, 2));
  row('PG deadlocks (setup + timed)', (r) => fmt(r.deadlocks));
  row('lock waits stalled on the server (%)', (r) =>
    r.pgActivity ? fmt(100 * r.pgActivity.stalledOnApp) : '—',
  );
  row('floor: bare SQL, 1 conn (ops/s)', (r) => fmt(floor(r, 1)?.opsPerSecond));
  row('floor: bare SQL, 4 conns (ops/s)', (r) => fmt(floor(r, 4)?.opsPerSecond));
  row('ours / best SQL floor', (r) => {
    const best = Math.max(0, ...r.floors.map((f) => f.opsPerSecond));
    return best > 0 ? `${fmt(r.opsPerSecond / best, 2)}×` : '—';
  });
  row('ours / Ed25519 verify rate', (r) => `${fmt(r.opsPerSecond / verifyRate, 2)}×`);
  row('correctness', (r) => (r.ok ? 'ok' : 'FAILED'));

  const header: [string, ...string[]] = ['', ...cols];
  const widths = header.map((_, i) =>
    Math.max(...[header, ...rows].map((r) => (r[i] ?? '').length)),
  );
  const line = (r: string[]) =>
    r.map((c, i) => (i === 0 ? c.padEnd(widths[0] ?? 0) : c.padStart(widths[i] ?? 0))).join('   ');
  log('');
  log(
    `NiteOS push benchmark: ${shape.tills} tills × ${fmt(shape.opsPerTill)} ops, pushes of ` +
      `${shape.batchSize}, all tills at once (${os.cpus().length} CPUs, node ${process.version})`,
  );
  if (pgSkipped) log(`PostgreSQL SKIPPED: unreachable at ${postgresAdminUrl}: ${pgSkipped}`);
  log(line(header));
  log(widths.map((w) => '─'.repeat(w)).join('   '));
  for (const r of rows) log(line(r));
  log(`Ed25519 verify floor (node:crypto, 1 core, 200-byte messages): ${fmt(verifyRate)}/s`);
  for (const r of results) {
    if (r.cpu.other !== null && r.cpu.machineTotal && r.cpu.other > 0.1 * r.cpu.machineTotal) {
      log(
        `NOTE: other processes used ${fmt((100 * r.cpu.other) / r.cpu.machineTotal)}% of the ` +
          `machine during the ${r.kind} run: its figures are pessimistic; run again on a quiet machine.`,
      );
    }
  }
}

export interface TargetCheck {
  backend: Kind;
  target: string;
  ours: number;
  goal: string;
  pass: boolean;
  binding: boolean;
  /**
   * For a throughput goal: the run's best bare-SQL floor when it is itself
   * below the goal, so no change above the database could meet it here.
   */
  floorBelowGoal?: number;
  /**
   * For a throughput goal: when the floor's writes and one Ed25519 verify
   * already take more CPU an op than the machine's cores give an op at the
   * goal rate, so no server doing both could meet it here.
   */
  cpuBound?: { floorUs: number; verifyUs: number; budgetUs: number };
  /**
   * For the latency goal: each till sends its next push when the last one
   * is answered, so up to `ops` ops are in flight and by Little's law a
   * push waits about ops / throughput on average. Below about
   * `neededOpsPerSecond` even the mean push misses the goal.
   */
  inFlight?: { ops: number; meanMs: number; neededOpsPerSecond: number };
}

/**
 * Each backend's figures against the targets of issue #2 (binding for
 * PostgreSQL only); `inFlightOps` is tills × ops per push.
 */
export function targetChecks(
  results: BackendResult[],
  verifyRate: number,
  inFlightOps: number,
): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const r of results) {
    // The targets are set for real PostgreSQL; PGlite is shown against them for information.
    const binding = r.kind === 'postgres';
    const floor = Math.max(0, ...r.floors.map((f) => f.opsPerSecond));
    const floorLimits = (goal: number) => {
      const floorUs = floorCpuPerOpUs(r);
      const verifyUs = 1e6 / verifyRate;
      const budgetUs = (os.cpus().length * 1e6) / goal;
      return {
        ...(floor > 0 && floor < goal ? { floorBelowGoal: floor } : {}),
        ...(floorUs !== null && floorUs + verifyUs > budgetUs
          ? { cpuBound: { floorUs, verifyUs, budgetUs } }
          : {}),
      };
    };
    checks.push({
      backend: r.kind,
      target: 'end to end ops/s',
      ours: r.opsPerSecond,
      goal: `≥ ${fmt(TARGETS.postgresOpsPerSecond)}`,
      pass: r.opsPerSecond >= TARGETS.postgresOpsPerSecond,
      binding,
      ...floorLimits(TARGETS.postgresOpsPerSecond),
    });
    checks.push({
      backend: r.kind,
      target: `end to end ops/s vs ${TARGETS.verifyFraction}× Ed25519 verify/s`,
      ours: r.opsPerSecond,
      goal: `≥ ${fmt(TARGETS.verifyFraction * verifyRate)}`,
      pass: r.opsPerSecond >= TARGETS.verifyFraction * verifyRate,
      binding,
      ...floorLimits(TARGETS.verifyFraction * verifyRate),
    });
    checks.push({
      backend: r.kind,
      target: 'p99 of a 100-op push (ms)',
      ours: r.latencyMs.p99,
      goal: `< ${TARGETS.p99Ms}`,
      pass: r.latencyMs.p99 < TARGETS.p99Ms,
      binding,
      inFlight: {
        ops: inFlightOps,
        meanMs: r.latencyMs.mean,
        neededOpsPerSecond: inFlightOps / (TARGETS.p99Ms / 1000),
      },
    });
  }
  return checks;
}

/** The target lines under the table. */
export function printTargets(checks: TargetCheck[], pgSkipped: string | null) {
  log('');
  log('Targets:');
  for (const c of checks) {
    const tag = c.binding ? (c.pass ? 'PASS' : 'MISS') : c.pass ? 'pass (info)' : 'miss (info)';
    log(
      `  ${(c.backend === 'postgres' ? 'PostgreSQL' : 'PGlite').padEnd(10)} ${c.target.padEnd(44)} ` +
        `${fmt(c.ours, c.target.includes('ms') ? 1 : 0).padStart(8)} ${c.goal.padEnd(10)} ${tag}`,
    );
    if (c.floorBelowGoal !== undefined && !c.pass) {
      log(
        `  ${''.padEnd(10)}   (the same writes as bare SQL reach only ${fmt(c.floorBelowGoal)} ops/s ` +
          'on this machine: out of reach without writing less per op)',
      );
    }
    if (c.cpuBound !== undefined && !c.pass) {
      const { floorUs, verifyUs, budgetUs } = c.cpuBound;
      log(
        `  ${''.padEnd(10)}   (the same writes as bare SQL take ${fmt(floorUs)} µs of CPU an op, one verify ` +
          `${fmt(verifyUs)} µs: more than the ${fmt(budgetUs)} µs an op that ${os.cpus().length} ` +
          'cores give at this rate)',
      );
    }
    if (c.inFlight !== undefined && !c.pass) {
      const { ops, meanMs, neededOpsPerSecond } = c.inFlight;
      log(
        `  ${''.padEnd(10)}   (the tills keep up to ${fmt(ops)} ops in flight and a push took ` +
          `${fmt(meanMs, 1)} ms on average: by Little's law a p99 under ${TARGETS.p99Ms} ms ` +
          `needs about ${fmt(neededOpsPerSecond)} ops/s or more)`,
      );
    }
  }
  if (pgSkipped) log('  PostgreSQL targets: NOT CHECKED (PostgreSQL unreachable)');
}
