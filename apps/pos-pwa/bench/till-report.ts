import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CHROMIUM } from '@niteos/test-support/browser';
import type { JsFile } from './initial-js.ts';
import { sh } from './shell.ts';
import { kb, ms, round, type Summary, table } from './stats.ts';

/** What the till bench prints and records: its table, targets and results file. */

const TARGETS = {
  chargeP95Ms: 30,
  coldStartMs: 1500,
  /** Web Vitals' "good" interaction latency, used for clicks during the drain. */
  clickToFrameMs: 200,
  initialJsGzipBytes: 80 * 1024,
};

/** What the run itself contributes to the report besides its figures. */
export interface BenchRun {
  config: { gapMs: number; coldRuns: number; queueOps: number };
  /** Correctness failures: they alone make the exit code non-zero. */
  problems: string[];
  notes: string[];
  resultsPath: string;
  /** `performance.now()` when the bench started. */
  started: number;
}

/**
 * Prints the bench's table and notes, writes `run.resultsPath`, and returns
 * the exit code: non-zero only when a correctness check failed.
 */
export function writeReport(report: Record<string, unknown>, run: BenchRun): number {
  const { config, problems } = run;
  const notes = [...run.notes];
  const charge = report.charge as { n: number; all: Record<string, Summary> };
  const cold = report.coldStart as Record<string, { medianMs: number }> & {
    fullQueue: { queued: number; medianMs: number };
  };
  const queue = report.queue as {
    queued: number;
    fill: {
      seconds: number;
      opsPerSecond: number;
      chargeMs: Summary;
      extrapolatedSecondsFor10k: number | null;
      stopped: string | null;
      queueQuery: { rows: number; countMs: number; oldestMs: number };
    };
    drain: {
      ms: number | null;
      opsPerSecond: number | null;
      pushMsTotal: number;
      tillBetweenPushesTotalMs: number;
      pushes: number;
      extrapolatedMsFor10k: number | null;
    };
    ui: {
      longTasks: { n: number; totalMs: number; maxMs: number };
      clicksDuringDrain: { toFrameMs: Summary; inputDelayMs: Summary };
      clicksIdle: { toFrameMs: Summary };
    };
  };
  const floors = report.floors as {
    idbBatchedMs: Summary;
    idbSequentialMs: Summary;
    idbSequentialLockedMs: Summary;
    signMsNode: number;
  };
  const js = report.initialJs as {
    gzipBytes: number;
    bytes: number;
    files: JsFile[];
    lazy: { path: string; gzipBytes: number }[];
  };
  const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');
  const hasMeasure = !Number.isNaN(charge.all.chargeMs?.p95 ?? Number.NaN);
  const c = hasMeasure ? charge.all.chargeMs : charge.all.clickToStoredMs;
  const s = charge.all.clickToStoredMs;
  const f = charge.all.clickToFrameMs;
  const ui = queue.ui;
  const clickMax = ui.clicksDuringDrain.toFrameMs.max;
  const correct = problems.length === 0;
  const rows = [
    ['#', 'measure', 'figure', 'target', 'verdict'],
    [
      '1',
      `charge → op durable in IndexedDB, signed (niteos:charge, n=${charge.n}, ${config.gapMs} ms apart) p50/p95/max`,
      `${c?.p50} / ${c?.p95} / ${c?.max} ms`,
      `p95 < ${TARGETS.chargeP95Ms} ms`,
      verdict((c?.p95 ?? Infinity) < TARGETS.chargeP95Ms),
    ],
    [
      '',
      '  pay click → "Paid" shown (after commit) p50/p95/max',
      `${s?.p50} / ${s?.p95} / ${s?.max} ms`,
      '',
      'info',
    ],
    [
      '',
      '  pay click → next frame p50/p95/max',
      `${f?.p50} / ${f?.p95} / ${f?.max} ms`,
      '',
      'info',
    ],
    [
      '',
      '  floor: bare IndexedDB tx like a charge: writes batched / awaited 1 by 1 / + lock, p50',
      `${floors.idbBatchedMs.p50} / ${floors.idbSequentialMs.p50} / ${floors.idbSequentialLockedMs.p50} ms`,
      '',
      'info',
    ],
    [
      '',
      '  floor: canonical JSON + Ed25519 sign (same libraries, Node)',
      `${floors.signMsNode} ms`,
      '',
      'info',
    ],
    [
      '2',
      `cold start offline → PIN screen interactive, median of ${config.coldRuns} (worker stopped)`,
      ms(cold.workerStopped?.medianMs),
      `< ${TARGETS.coldStartMs} ms`,
      verdict((cold.workerStopped?.medianMs ?? Infinity) < TARGETS.coldStartMs),
    ],
    ['', '  same, service worker running', ms(cold.workerRunning?.medianMs), '', 'info'],
    [
      '',
      `  same, ${cold.fullQueue.queued} ops queued (worker stopped)`,
      ms(cold.fullQueue.medianMs),
      '',
      'info',
    ],
    ['', '  same, browser restarted offline', ms(cold.browserRestarted?.medianMs), '', 'info'],
    [
      '3',
      `${queue.queued} queued ops drained to 0`,
      `${ms(queue.drain.ms)} (${queue.drain.opsPerSecond} ops/s)`,
      'drains, each op once',
      queue.drain.ms !== null && correct ? 'PASS' : 'FAIL',
    ],
    [
      '',
      '  of which waiting on /api/sync/push / in the till between pushes',
      `${ms(queue.drain.pushMsTotal)} / ${ms(queue.drain.tillBetweenPushesTotalMs)} (${queue.drain.pushes} pushes of ≤ 100)`,
      '',
      'info',
    ],
    [
      '',
      '  clicks while draining: click → next frame p50/max',
      `${ui.clicksDuringDrain.toFrameMs.p50} / ${clickMax} ms (n=${ui.clicksDuringDrain.toFrameMs.n})`,
      `max < ${TARGETS.clickToFrameMs} ms`,
      verdict(clickMax < TARGETS.clickToFrameMs),
    ],
    [
      '',
      '  clicks when idle: click → next frame p50/max',
      `${ui.clicksIdle.toFrameMs.p50} / ${ui.clicksIdle.toFrameMs.max} ms`,
      '',
      'info',
    ],
    [
      '',
      '  long tasks while draining: n / total / max',
      `${ui.longTasks.n} / ${ui.longTasks.totalMs} / ${ui.longTasks.maxMs} ms`,
      '',
      'info',
    ],
    [
      '',
      `  queuing ${queue.queued} ops offline back to back through the UI code`,
      `${queue.fill.seconds} s (${queue.fill.opsPerSecond} ops/s, niteos:charge p50/p95 ${queue.fill.chargeMs.p50}/${queue.fill.chargeMs.p95} ms)`,
      '',
      'info',
    ],
    [
      '',
      `  status bar's queue.count() with ${queue.fill.queueQuery.rows} queued (runs after every op and batch)`,
      ms(queue.fill.queueQuery.countMs),
      '',
      'info',
    ],
    [
      '',
      '  every op landed exactly once; ledger verify exit 0',
      correct ? 'yes' : `${problems.length} problem(s)`,
      'required',
      correct ? 'PASS' : 'FAIL',
    ],
    [
      '4',
      `initial JS gzipped (${js.files.map((x) => path.basename(x.path)).join(' + ')})`,
      `${kb(js.gzipBytes)} (${kb(js.bytes)} raw)`,
      `≤ ${kb(TARGETS.initialJsGzipBytes)}`,
      verdict(js.gzipBytes <= TARGETS.initialJsGzipBytes),
    ],
  ];
  if (queue.fill.extrapolatedSecondsFor10k !== null)
    notes.push(
      `${queue.queued} ops queued (${queue.fill.stopped === 'budget' ? `the fill budget ran out` : `BENCH_QUEUE_OPS=${config.queueOps}`}); linear extrapolation to 10,000: ~${queue.fill.extrapolatedSecondsFor10k} s to queue, ~${round((queue.drain.extrapolatedMsFor10k ?? Number.NaN) / 1000)} s to drain (per-op cost grows with the queue: see queue.fill.chunks)`,
    );
  console.log(`\nNiteOS till benchmark (Chromium, real server on PostgreSQL)\n`);
  console.log(table(rows));
  for (const n of new Set(notes)) console.log(`note: ${n}`);
  for (const p of problems) console.log(`CORRECTNESS: ${p}`);
  const out = {
    at: new Date().toISOString(),
    config,
    targets: TARGETS,
    environment: {
      node: process.version,
      chromium: sh(CHROMIUM, ['--version']),
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      commit: sh('git', ['rev-parse', '--short', 'HEAD']),
    },
    verdicts: Object.fromEntries(
      rows
        .slice(1)
        .filter((r) => r[0])
        .map((r) => [r[0], r[4]]),
    ),
    ok: correct,
    problems,
    notes: [...new Set(notes)],
    ...report,
    totalSeconds: round((performance.now() - run.started) / 1000),
  };
  mkdirSync(path.dirname(run.resultsPath), { recursive: true });
  writeFileSync(run.resultsPath, `${JSON.stringify(out, null, 2)}\n`);
  console.log(
    `\nresults: ${path.relative(process.cwd(), run.resultsPath)} (${out.totalSeconds} s)`,
  );
  return correct ? 0 : 1;
}
