/** One timed round of the push bench: funding, signing, pushing, and what it cost. */

import { type HttpClient, httpClient } from './http-client.ts';
import type { ActivitySummary, PgMonitor } from './pg-monitor.ts';
import { type BackendResult, log } from './push-report.ts';
import { cpuDelta, machineCpu, processCpuSeconds, type ServerProcess } from './server-process.ts';
import {
  checkOutcomes,
  enrollTills,
  type Plan,
  type PushOutcome,
  preparePushes,
  pushConcurrently,
} from './workload.ts';

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1] as number;
}

/**
 * Enrolls a venue's tills, funds every wallet of `plan` (untimed), then
 * signs and serializes its timed ops so no signing happens on the clock.
 */
async function fundedRound(client: HttpClient, plan: Plan, batchSize: number) {
  const { venueId, tills } = await enrollTills(client, plan.timed.length);
  const setup = await Promise.all(
    tills.map((till, i) => preparePushes(till, plan.setup[i] ?? [], batchSize)),
  );
  const setupOps = plan.setup.reduce((n, s) => n + s.length, 0);
  const setupProblems = checkOutcomes(await pushConcurrently(client, setup));
  if (setupProblems.length > 0) {
    throw new Error(`setup pushes failed:\n  ${setupProblems.join('\n  ')}`);
  }
  log(`setup: ${setupOps} topups applied on ${plan.expectedBalance.size} wallets`);
  const tSign = performance.now();
  const pushes = [];
  for (let i = 0; i < tills.length; i++) {
    pushes.push(await preparePushes(tills[i] as (typeof tills)[0], plan.timed[i] ?? [], batchSize));
  }
  return { venueId, setupOps, pushes, signMs: performance.now() - tSign };
}

/** Round-trip times of the pushes, in ms. */
export function latencies(outcomes: PushOutcome[]): BackendResult['latencyMs'] {
  const lat = outcomes.map((o) => o.ms).sort((a, b) => a - b);
  return {
    p50: percentile(lat, 50),
    p90: percentile(lat, 90),
    p99: percentile(lat, 99),
    max: lat.at(-1) ?? Number.NaN,
    mean: lat.reduce((a, b) => a + b, 0) / Math.max(1, lat.length),
  };
}

export interface TimedRound {
  plan: Plan;
  venueId: string;
  /** Ops pushed untimed to fund the round's wallets. */
  setupOps: number;
  signMs: number;
  outcomes: PushOutcome[];
  ops: number;
  wallSeconds: number;
  opsPerSecond: number;
  cpu: BackendResult['cpu'];
  pgActivity: ActivitySummary | null;
}

/**
 * Funds `plan` on a venue of its own (untimed), then times its pushes, all
 * tills at once. With `sampleMs`, PostgreSQL backend states are sampled
 * that often while it runs.
 */
export async function timedRound(
  server: ServerProcess,
  plan: Plan,
  batchSize: number,
  monitor: PgMonitor | null,
  sampleMs: number | null,
): Promise<TimedRound> {
  const fundingClient = httpClient(server.origin);
  let round: Awaited<ReturnType<typeof fundedRound>>;
  try {
    round = await fundedRound(fundingClient, plan, batchSize);
  } finally {
    fundingClient.close();
  }
  const m = plan.mix;
  log(
    `signed ${m.ncSales + m.topups + m.cashSales} ops in ${round.signMs.toFixed(0)} ms: ` +
      `${m.ncSales} NC sales (${m.ncSalesOnShared} on ${plan.sharedWallets.length} shared wallets), ` +
      `${m.topups} topups, ${m.cashSales} cash/card sales`,
  );
  // Fresh keep-alive sockets: the server drops idle ones after 5 s, and
  // reusing one it is closing fails with "socket hang up".
  const client = httpClient(server.origin);
  try {
    const serverCpu0 = processCpuSeconds(server.pid);
    const pgCpu0 = monitor ? await monitor.cpu() : null;
    if (sampleMs !== null) monitor?.start(sampleMs);
    const machine0 = machineCpu();
    const bench0 = process.cpuUsage();
    const t0 = performance.now();
    const outcomes = await pushConcurrently(client, round.pushes);
    const wallSeconds = (performance.now() - t0) / 1000;
    const bench1 = process.cpuUsage(bench0);
    const machine1 = machineCpu();
    const serverCpu1 = processCpuSeconds(server.pid);
    const pgActivity = monitor && sampleMs !== null ? monitor.stop() : null;
    const cpu: BackendResult['cpu'] = {
      server: serverCpu0 !== null && serverCpu1 !== null ? serverCpu1 - serverCpu0 : null,
      database: pgCpu0 && monitor ? cpuDelta(pgCpu0, await monitor.cpu()) : null,
      bench: (bench1.user + bench1.system) / 1e6,
      other: null,
      machineBusy: null,
      machineTotal: null,
    };
    if (machine0 && machine1) {
      cpu.machineBusy = machine1.busy - machine0.busy;
      cpu.machineTotal = machine1.total - machine0.total;
      cpu.other = cpu.machineBusy - (cpu.server ?? 0) - (cpu.database ?? 0) - cpu.bench;
    }
    const ops = outcomes.reduce((n, o) => n + o.push.ids.length, 0);
    return {
      plan,
      venueId: round.venueId,
      setupOps: round.setupOps,
      signMs: round.signMs,
      outcomes,
      ops,
      wallSeconds,
      opsPerSecond: ops / wallSeconds,
      cpu,
      pgActivity,
    };
  } finally {
    client.close();
  }
}
