import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  buildPwa,
  createStorage,
  postgresSkipReason,
  runLedgerVerify,
  ServerProcess,
  type Storage,
  seededRandom,
} from '@niteos/test-support';
import { CHROMIUM, CHROMIUM_ARGS, chromiumUnavailable } from '@niteos/test-support/browser';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import {
  type ColdStart,
  coldStartOnce,
  coldStarts,
  coldSummary,
  workerStopper,
} from './cold-start.ts';
import { drainOnline, drainReport } from './drain.ts';
import { initialJs } from './initial-js.ts';
import {
  idbFloor,
  queueQueryCost,
  readCatalog,
  readTillDb,
  runSteps,
  type Step,
  type StepResult,
} from './page.ts';
import { sh } from './shell.ts';
import { signFloorMs } from './sign-floor.ts';
import { kb, ms, round, summarize } from './stats.ts';
import { writeReport } from './till-report.ts';

const APP_DIR = fileURLToPath(new URL('..', import.meta.url));
const RESULTS = path.join(APP_DIR, 'bench', 'results', 'latest.json');

const num = (name: string, fallback: number) => {
  const v = Number(process.env[name] ?? fallback);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};
const CONFIG = {
  charges: num('BENCH_CHARGES', 250),
  /** Idle time before each timed charge: staff pace (the previous op's push and screen updates settle). */
  gapMs: num('BENCH_GAP_MS', 100),
  coldRuns: num('BENCH_COLD_RUNS', 5),
  queueOps: num('BENCH_QUEUE_OPS', 10_000),
  /** Unset: what is left of BENCH_TOTAL_BUDGET_S once parts 1-2 ran, minus the drain and checks. */
  fillBudgetS: process.env.BENCH_FILL_BUDGET_S ? num('BENCH_FILL_BUDGET_S', 120) : null,
  totalBudgetS: num('BENCH_TOTAL_BUDGET_S', 230),
  drainTimeoutS: num('BENCH_DRAIN_TIMEOUT_S', 150),
  seed: num('BENCH_SEED', 1),
};

const MANAGER = { email: 'manager@demo.niteos.app', password: 'demo-manager' };
const STAFF = { name: 'Demo bartender', pin: '1234' };
/** Demo guest with 100 NC; the demo policy's offline cap is 100 NC too. */
const GUEST = { tag: '04a1b2c3d4e5f6', balanceNc: 10_000 };
/** Fresh wallets that part 3 tops up: their balances check those ops landed once. */
const TOPUP_WALLETS = Array.from({ length: 25 }, (_, i) => `be${String(i + 1).padStart(14, '0')}`);
const CATEGORY = 'Soft';
const NC_ITEM = 'Still water';

const started = performance.now();
const log = (line: string) => {
  const s = ((performance.now() - started) / 1000).toFixed(1).padStart(6);
  console.log(`[${s} s] ${line}`);
};

/** Correctness failures (ops lost or doubled, ledger): they alone make the exit code non-zero. */
const problems: string[] = [];
const notes: string[] = [];

// ---------------------------------------------------------------- helpers

/** Every context gets this first: tsx (esbuild) wraps functions in `__name(...)`. */
const NAME_SHIM = 'globalThis.__name = (f) => f;';

async function openProfile(dir: string, offline = false): Promise<BrowserContext> {
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    offline,
    viewport: { width: 1100, height: 900 },
  });
  await context.addInitScript({ content: NAME_SHIM });
  return context;
}

async function enroll(page: Page, name: string) {
  await page.getByTestId('enroll-email').fill(MANAGER.email);
  await page.getByTestId('enroll-password').fill(MANAGER.password);
  await page.getByTestId('enroll-signin').click();
  await page.getByTestId('enroll-name').fill(name);
  await page.getByTestId('enroll-submit').click();
  await page.getByTestId('pin').waitFor();
}

async function signIn(page: Page) {
  await page.getByTestId('pin-staff').filter({ hasText: STAFF.name }).click();
  for (const digit of STAFF.pin) await page.getByTestId(`pin-${digit}`).click();
  await page.getByTestId('pin-ok').click();
  await page.getByTestId('sell').waitFor();
}

async function waiting(page: Page): Promise<number> {
  const text = (await page.getByTestId('status-queue').textContent()) ?? '';
  return Number(/^(\d+) waiting/.exec(text)?.[1] ?? Number.NaN);
}

async function waitForQueue(page: Page, count: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await waiting(page)) === count) return true;
    await page.waitForTimeout(100);
  }
  return false;
}

/** What the server should hold once the queue is drained: tracked from ops the till confirmed. */
const expected = {
  ops: 0,
  cashChf: 0,
  cardChf: 0,
  ncFromGuest: 0,
  topups: new Map<string, number>(),
};
let prices = new Map<string, { priceNc: number; priceChf: number }>();

function account(steps: Step[], results: StepResult[]) {
  results.forEach((r, i) => {
    const step = steps[i];
    if (!r.ok || !step) return;
    expected.ops++;
    if (step.kind === 'topup') {
      expected.topups.set(step.tag, (expected.topups.get(step.tag) ?? 0) + step.amountNc);
      return;
    }
    const price = prices.get(step.item);
    if (!price) throw new Error(`no price for ${step.item}`);
    if (step.tender === 'nc') expected.ncFromGuest += price.priceNc * step.qty;
    else if (step.tender === 'cash') expected.cashChf += price.priceChf * step.qty;
    else expected.cardChf += price.priceChf * step.qty;
  });
}

/** Sales: every `ncEvery`th an NC sale of water to the demo guest (while `ncLeft` lasts), else cash or card. */
function saleSteps(n: number, rnd: () => number, ncEvery: number, ncLeft: { nc: number }): Step[] {
  const items = [...prices.keys()].filter((name) => name !== NC_ITEM);
  const water = prices.get(NC_ITEM)?.priceNc ?? Number.POSITIVE_INFINITY;
  const steps: Step[] = [];
  for (let i = 0; i < n; i++) {
    if (i % ncEvery === ncEvery - 1 && ncLeft.nc >= water) {
      ncLeft.nc -= water;
      steps.push({
        kind: 'sale',
        category: CATEGORY,
        item: NC_ITEM,
        qty: 1,
        tender: 'nc',
        tag: GUEST.tag,
      });
    } else {
      steps.push({
        kind: 'sale',
        category: CATEGORY,
        item: items[Math.floor(rnd() * items.length)] ?? NC_ITEM,
        qty: 1 + Math.floor(rnd() * 2),
        tender: rnd() < 0.75 ? 'cash' : 'card',
        tag: null,
      });
    }
  }
  return steps;
}

/** Reads the bench database with psql: rows of `|`-separated fields, or null when psql failed. */
function psql(url: string, query: string): string[] | null {
  const out = sh('psql', [url, '-At', '-F', '|', '-v', 'ON_ERROR_STOP=1', '-c', query]);
  return out === null ? null : out.split('\n').filter(Boolean);
}

// ---------------------------------------------------------------- the run

async function main() {
  const skip = chromiumUnavailable() ?? postgresSkipReason;
  if (skip) {
    const why = chromiumUnavailable()
      ? `Chromium is missing: ${skip}`
      : `PostgreSQL is unreachable: ${skip}`;
    console.log(`till bench NOT RUN: ${why}`);
    mkdirSync(path.dirname(RESULTS), { recursive: true });
    writeFileSync(RESULTS, `${JSON.stringify({ skipped: why, at: new Date() }, null, 2)}\n`);
    return 0;
  }

  let storage: Storage | null = null;
  let server: ServerProcess | null = null;
  let context: BrowserContext | null = null;
  const profile = mkdtempSync(path.join(os.tmpdir(), 'niteos-till-bench-'));
  const report: Record<string, unknown> = {};
  // The bench builds into its own directory and points the server there
  // (NITEOS_POS_DIR): other builds of apps/pos-pwa/dist cannot change the
  // app under test mid-run, and the bench does not touch theirs.
  const dist = mkdtempSync(path.join(os.tmpdir(), 'niteos-till-bench-dist-'));
  try {
    log('building the till (vite build)');
    const buildStart = performance.now();
    buildPwa('pos-pwa', ['--outDir', dist, '--emptyOutDir']);
    const buildMs = performance.now() - buildStart;

    storage = await createStorage('postgres');
    storage.env.NITEOS_DEMO_SEED = 'auto';
    storage.env.NITEOS_POS_DIR = dist;
    server = await ServerProcess.start(storage, 'bench server');
    const base = `http://127.0.0.1:${server.port}`;
    const url = `${base}/pos/`;
    log(`server on ${base} (PostgreSQL), Chromium ${CHROMIUM}`);
    const login = await server.json('POST', '/api/auth/login', null, MANAGER);
    const managerToken: string = login.body.accessToken;
    const srv = server;
    const balance = async (tag: string): Promise<number | null> => {
      const res = await srv.json('GET', `/api/wallets/${tag}`, managerToken);
      return res.status === 200 ? res.body.balanceNc : null;
    };

    // ------------------------------------------------ part 4 (first load) and enrollment
    context = await openProfile(profile);
    const page = context.pages()[0] ?? (await context.newPage());
    const scripts: string[] = [];
    const onRequest = (req: { resourceType(): string; url(): string }) => {
      if (req.resourceType() === 'script') scripts.push(new URL(req.url()).pathname);
    };
    page.on('request', onRequest);
    await page.goto(url);
    await page.getByTestId('enroll-email').waitFor();
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    await page.waitForLoadState('networkidle');
    await page.waitForTimeout(500);
    page.off('request', onRequest);
    const js = initialJs(dist, [...new Set(scripts)]);
    log(`initial JS: ${js.files.map((f) => `${f.path} ${kb(f.gzipBytes)}`).join(', ')}`);

    await enroll(page, 'Bench till');
    await signIn(page);
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    prices = new Map(
      (await page.evaluate(readCatalog)).map((i) => [
        i.name,
        { priceNc: i.priceNc, priceChf: i.priceChf },
      ]),
    );
    const softItems = ['Still water', 'Cola', 'Club Mate'];
    prices = new Map([...prices].filter(([name]) => softItems.includes(name)));
    if (prices.size !== softItems.length) throw new Error('demo catalog lacks the Soft items');
    log('till enrolled, staff signed in, service worker ready');

    // ------------------------------------------------ part 1: charge latency
    const rnd = seededRandom(CONFIG.seed);
    const guestLeft = { nc: Math.floor(GUEST.balanceNc * 0.4) }; // part 1's share of the guest's 100 NC
    const onlineN = Math.round(CONFIG.charges * 0.4);
    const part1: { phase: string; results: StepResult[] }[] = [];
    for (const [phase, n] of [
      ['online', onlineN],
      ['offline', CONFIG.charges - onlineN],
    ] as const) {
      if (phase === 'offline') {
        if (!(await waitForQueue(page, 0, 30_000)))
          notes.push('part 1: online ops did not sync in 30 s');
        await context.setOffline(true);
        await page.getByTestId('status-online').filter({ hasText: 'Offline' }).waitFor();
      }
      const steps = saleSteps(n, rnd, 25, guestLeft);
      const run = await page.evaluate(runSteps, {
        steps,
        budgetMs: 120_000,
        frame: true,
        gapMs: CONFIG.gapMs,
      });
      account(steps, run.results);
      if (run.stopped) notes.push(`part 1 (${phase}) stopped early: ${run.stopped}`);
      part1.push({ phase, results: run.results });
      const s = summarize(run.results.map((r) => r.chargeMs ?? Number.NaN));
      log(`part 1 ${phase}: ${run.results.length} charges, niteos:charge p50 ${ms(s.p50)}`);
    }
    const all1 = part1.flatMap((p) => p.results);
    const chargeSummary = (results: StepResult[]) => ({
      chargeMs: summarize(results.map((r) => r.chargeMs ?? Number.NaN)),
      clickToStoredMs: summarize(results.map((r) => r.clickToStoredMs)),
      clickToFrameMs: summarize(results.map((r) => r.clickToFrameMs ?? Number.NaN)),
    });
    const hasMeasure = all1.some((r) => r.chargeMs !== null);
    if (!hasMeasure)
      notes.push('no niteos:charge measure in the page: click → stored is the charge figure');
    report.charge = {
      n: all1.length,
      all: chargeSummary(all1),
      ...Object.fromEntries(part1.map((p) => [p.phase, chargeSummary(p.results)])),
    };

    // ------------------------------------------------ floors, same page and profile
    const idb = await page.evaluate(idbFloor, { n: 40, gapMs: 50 });
    const signMs = signFloorMs();
    report.floors = {
      idbBatchedMs: summarize(idb.batched),
      idbSequentialMs: summarize(idb.sequential),
      idbSequentialLockedMs: summarize(idb.sequentialLocked),
      signMsNode: round(signMs, 2),
    };
    log(
      `floors: IndexedDB tx batched p50 ${ms(summarize(idb.batched).p50)}, awaited one by one ${ms(summarize(idb.sequential).p50)}, + lock ${ms(summarize(idb.sequentialLocked).p50)}; sign ${round(signMs, 2)} ms`,
    );

    // ------------------------------------------------ part 2: cold start offline
    const stopWorker = await workerStopper(page);
    const cold = await coldStarts(context, stopWorker, url, CONFIG.coldRuns, notes);
    const warm = await coldStarts(context, null, url, CONFIG.coldRuns, notes);
    log(
      `part 2: cold start offline median ${ms(coldSummary(cold).medianMs)} (worker stopped), ${ms(coldSummary(warm).medianMs)} (worker running)`,
    );

    // ------------------------------------------------ part 3: fill the queue offline
    const queuedAtStart = await waiting(page);
    const need = Math.max(0, CONFIG.queueOps - queuedAtStart);
    const topupCount = Math.round(need * 0.05);
    const topupSteps: Step[] = Array.from({ length: topupCount }, (_, i) => ({
      kind: 'topup',
      tag: TOPUP_WALLETS[i % TOPUP_WALLETS.length] ?? '',
      amountNc: 100 * (1 + (i % 5)),
    }));
    const ncLeft3 = { nc: GUEST.balanceNc - 1000 - expected.ncFromGuest };
    const fillSteps = [
      ...topupSteps,
      ...saleSteps(need - topupCount, rnd, Math.max(1, Math.floor(need / 12)), ncLeft3),
    ];
    log(`part 3: queue holds ${queuedAtStart}; queuing ${need} more offline through the UI code`);
    const fillStart = performance.now();
    // Queuing costs ~7x what draining does per op; keep ~45 s for the drain, checks and restarts.
    const elapsedS = (performance.now() - started) / 1000;
    const fillBudgetS =
      CONFIG.fillBudgetS ?? Math.max(20, (CONFIG.totalBudgetS - elapsedS - 45) * 0.87);
    const budgetMs = fillBudgetS * 1000;
    const chunks: { queuedBefore: number; n: number; chargeP50: number; storedP50: number }[] = [];
    const fillResults: StepResult[] = [];
    let fillStopped: string | null = null;
    for (let i = 0; i < fillSteps.length; i += 500) {
      const left = budgetMs - (performance.now() - fillStart);
      if (left <= 0) {
        fillStopped = 'budget';
        break;
      }
      const steps = fillSteps.slice(i, i + 500);
      const run = await page.evaluate(runSteps, { steps, budgetMs: left, frame: false, gapMs: 0 });
      account(steps, run.results);
      fillResults.push(...run.results);
      chunks.push({
        queuedBefore: queuedAtStart + i,
        n: run.results.length,
        chargeP50: summarize(run.results.map((r) => r.chargeMs ?? Number.NaN)).p50,
        storedP50: summarize(run.results.map((r) => r.clickToStoredMs)).p50,
      });
      if ((i / 500) % 4 === 3 || run.stopped) {
        const last = chunks[chunks.length - 1];
        log(
          `  queued ${queuedAtStart + fillResults.length}, ${round((performance.now() - fillStart) / 1000)} s, niteos:charge p50 ${ms(last?.chargeP50)}`,
        );
      }
      if (run.stopped) {
        fillStopped = run.stopped;
        if (run.stopped !== 'budget') notes.push(`part 3 fill stopped early: ${run.stopped}`);
        break;
      }
    }
    const fillMs = performance.now() - fillStart;
    const confirmed = queuedAtStart + fillResults.filter((r) => r.ok).length;
    await waitForQueue(page, confirmed, 15_000);
    const queued = await waiting(page);
    const fillRate = fillResults.length / (fillMs / 1000);
    log(`part 3: ${queued} ops queued in ${round(fillMs / 1000)} s (${round(fillRate)} ops/s)`);
    if (queued !== confirmed)
      notes.push(`status bar shows ${queued} waiting, the till confirmed ${confirmed}`);

    const queueQuery = await page.evaluate(queueQueryCost, 7);
    log(
      `part 3: with ${queueQuery.rows} queued, the status bar's queue.count() takes ${ms(queueQuery.countMs)} (oldest row ${ms(queueQuery.oldestMs)})`,
    );
    const coldFull = await coldStarts(context, stopWorker, url, 3, notes);
    log(`part 2 (queue of ${queued}): cold start median ${ms(coldSummary(coldFull).medianMs)}`);

    // ------------------------------------------------ part 3: drain online
    const run = await drainOnline(page, context, CONFIG.drainTimeoutS, notes);
    if (!run.drained) problems.push(`queue not drained within ${CONFIG.drainTimeoutS} s`);
    const { drain, ui } = drainReport(run, queued);
    log(
      `part 3: drained ${queued} ops in ${ms(drain.ms)} (${drain.pushes} pushes, ${round(drain.pushMsTotal / 1000)} s waiting on the server)`,
    );

    // ------------------------------------------------ part 3: correctness
    const db = await page.evaluate(readTillDb);
    const statusCount: Record<string, number> = {};
    for (const h of db.history) statusCount[h.status] = (statusCount[h.status] ?? 0) + 1;
    const check = (ok: boolean, what: string) => {
      if (!ok) problems.push(what);
      return ok;
    };
    check(db.queue === 0, `IndexedDB queue holds ${db.queue} ops after the drain`);
    check(db.attention.length === 0, `ops refused by the server: ${db.attention.join('; ')}`);
    check(
      db.history.length === expected.ops && statusCount.applied === expected.ops,
      `till history: ${db.history.length} ops ${JSON.stringify(statusCount)}, expected ${expected.ops} applied`,
    );
    check(db.deviceSeq === expected.ops, `till seq ${db.deviceSeq}, expected ${expected.ops}`);
    check(
      (drain.replies.held ?? 0) + (drain.replies.rejected ?? 0) === 0,
      `push replies not applied: ${JSON.stringify(drain.replies)}`,
    );

    const guestBalance = await balance(GUEST.tag);
    check(
      guestBalance === GUEST.balanceNc - expected.ncFromGuest,
      `guest ${GUEST.tag}: ${guestBalance}, expected ${GUEST.balanceNc - expected.ncFromGuest}`,
    );
    let walletsChecked = 0;
    for (const [tag, nc] of expected.topups) {
      const b = await balance(tag);
      if (check(b === nc, `wallet ${tag}: ${b}, expected ${nc}`)) walletsChecked++;
    }

    let serverOps: Record<string, number> | null = null;
    const dbUrl = storage.env.DATABASE_URL;
    if (db.tillId && /^[0-9a-f-]{36}$/i.test(db.tillId) && dbUrl) {
      const row = psql(
        dbUrl,
        `select count(*), count(distinct id), count(distinct seq), min(seq), max(seq),
           count(*) filter (where status = 'applied'),
           coalesce(sum(amount_chf) filter (where kind = 'sale' and tender = 'cash'), 0),
           coalesce(sum(amount_chf) filter (where kind = 'sale' and tender = 'card'), 0),
           coalesce(sum(amount_nc) filter (where kind = 'sale' and tender = 'nc'), 0),
           coalesce(sum(amount_nc) filter (where kind = 'topup'), 0)
         from ops where till_id = '${db.tillId}'`,
      );
      const ids = psql(dbUrl, `select id from ops where till_id = '${db.tillId}'`);
      if (row?.[0] && ids) {
        const [count, distinctIds, seqs, minSeq, maxSeq, applied, cash, card, ncSales, topups] =
          row[0].split('|').map(Number) as number[];
        serverOps = {
          count,
          distinctIds,
          seqs,
          minSeq,
          maxSeq,
          applied,
          cash,
          card,
          ncSales,
          topups,
        } as Record<string, number>;
        const topupTotal = [...expected.topups.values()].reduce((a, b) => a + b, 0);
        check(
          count === expected.ops &&
            distinctIds === count &&
            seqs === count &&
            minSeq === 1 &&
            maxSeq === count,
          `server ops of the till: ${JSON.stringify(serverOps)}, expected ${expected.ops} with seq 1..${expected.ops}`,
        );
        check(applied === expected.ops, `server: ${applied} applied of ${expected.ops}`);
        check(
          cash === expected.cashChf &&
            card === expected.cardChf &&
            ncSales === expected.ncFromGuest &&
            topups === topupTotal,
          `server sums ${JSON.stringify({ cash, card, ncSales, topups })} differ from the till's ${JSON.stringify({ cash: expected.cashChf, card: expected.cardChf, ncSales: expected.ncFromGuest, topups: topupTotal })}`,
        );
        const a = [...ids].sort();
        const b = db.history.map((h) => h.id).sort();
        check(
          a.length === b.length && a.every((id, i) => id === b[i]),
          'the server holds a different set of op ids than the till signed',
        );
      } else notes.push('psql could not read the ops table: server-side op count skipped');
    } else notes.push('no till id or DATABASE_URL: server-side op count skipped');
    log(
      `part 3: checks done (${problems.length} problems): guest ${guestBalance}, ${walletsChecked} top-up wallets, server ${serverOps?.count ?? '?'} ops`,
    );

    // ------------------------------------------------ part 2: after a browser restart
    await context.close();
    context = null;
    const relaunch: ColdStart[] = [];
    for (let i = 0; i < 3; i++) {
      const c = await openProfile(profile, true);
      try {
        const anchor = c.pages()[0] ?? (await c.newPage());
        await anchor.waitForTimeout(200);
        relaunch.push(await coldStartOnce(c, url));
      } finally {
        await c.close();
      }
    }
    log(`part 2 (browser restarted): median ${ms(coldSummary(relaunch).medianMs)}`);

    report.coldStart = {
      workerStopped: coldSummary(cold),
      workerRunning: coldSummary(warm),
      fullQueue: { queued, ...coldSummary(coldFull) },
      browserRestarted: coldSummary(relaunch),
    };
    const drainSummary = {
      queued,
      target: CONFIG.queueOps,
      fill: {
        budgetS: round(fillBudgetS),
        ops: fillResults.length,
        seconds: round(fillMs / 1000),
        opsPerSecond: round(fillRate),
        stopped: fillStopped,
        extrapolatedSecondsFor10k:
          queued < 10_000
            ? round((fillMs / 1000) * ((10_000 - queuedAtStart) / fillResults.length))
            : null,
        chargeMs: summarize(fillResults.map((r) => r.chargeMs ?? Number.NaN)),
        clickToStoredMs: summarize(fillResults.map((r) => r.clickToStoredMs)),
        chunks,
        queueQuery,
      },
      drain,
      ui,
      correctness: {
        expected: { ...expected, topups: Object.fromEntries(expected.topups) },
        till: {
          history: statusCount,
          queue: db.queue,
          attention: db.attention.length,
          seq: db.deviceSeq,
        },
        guestBalance,
        walletsChecked,
        server: serverOps,
      },
    };
    report.queue = drainSummary;
    report.initialJs = js;
    report.buildMs = round(buildMs);
  } finally {
    await context?.close().catch(() => {});
    if (problems.length > 0 && server) console.error(server.describe().slice(-6000));
    await server?.stop();
    if (storage) {
      const verify = await runLedgerVerify(storage);
      report.ledgerVerify = { code: verify.code, stdout: verify.stdout.trim().slice(-2000) };
      if (verify.code !== 0)
        problems.push(`ledger verify exited ${verify.code}: ${verify.stdout}${verify.stderr}`);
      await storage.dispose();
    }
    rmSync(profile, { recursive: true, force: true });
    rmSync(dist, { recursive: true, force: true });
  }
  return writeReport(report, { config: CONFIG, problems, notes, resultsPath: RESULTS, started });
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
