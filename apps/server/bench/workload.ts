import { randomBytes } from 'node:crypto';
import type { PushResponse } from '@niteos/schema/wire';
import { seededRandom } from '@niteos/test-support';
import { type SignedOp, TestTill } from '../src/test-support/test-till.ts';
import type { HttpClient } from './http-client.ts';
import { BENCH_ADMIN } from './server-process.ts';

/** The shape of the load: 8 tills × 1,000 ops in pushes of 100, all tills at once. */
export interface WorkloadShape {
  tills: number;
  opsPerTill: number;
  batchSize: number;
  /** Wallets only one till sells against. */
  ownWalletsPerTill: number;
  /** Wallets every till sells against (their row locks are contended). */
  sharedWallets: number;
  /** Share of NC sales made against a shared wallet. */
  sharedSaleShare: number;
  seed: number;
}

/** What one op of the plan does, before it is signed. */
export type PlannedOp =
  | { kind: 'nc_sale'; wallet: string; amountNc: number }
  | { kind: 'topup'; wallet: string; amountNc: number; tender: 'cash' | 'card' }
  | { kind: 'cash_sale'; amountChf: number; tender: 'cash' | 'card' };

export interface Plan {
  ownWallets: string[][];
  sharedWallets: string[];
  /** Untimed setup per till: topups that fund every later NC sale. */
  setup: PlannedOp[][];
  /** Timed ops per till. */
  timed: PlannedOp[][];
  /** Balance every wallet must end with: setup + timed topups − NC sales. */
  expectedBalance: Map<string, number>;
  mix: { ncSales: number; ncSalesOnShared: number; topups: number; cashSales: number };
}

/**
 * ~80 % NC sales (`sharedSaleShare` of them against the shared wallets), ~10 %
 * topups of the till's own wallets, ~10 % cash/card sales to unknown
 * guests. Wallets are funded in setup for every NC sale planned, so with
 * no overdraft every op must be `applied` whatever order the tills land in.
 */
export function makePlan(shape: WorkloadShape): Plan {
  // Seeded, so every run pushes the same mix.
  const rnd = seededRandom(shape.seed);
  const pick = <T>(xs: T[]): T => {
    const x = xs[Math.floor(rnd() * xs.length)];
    if (x === undefined) throw new Error('pick from an empty list');
    return x;
  };
  const between = (lo: number, hi: number, step: number) =>
    lo + step * Math.floor(rnd() * ((hi - lo) / step + 1));
  // Random per run: NiteTap ids are 8–32 hex digits, lower-case.
  const tag = () => randomBytes(8).toString('hex');
  const ownWallets = Array.from({ length: shape.tills }, () =>
    Array.from({ length: shape.ownWalletsPerTill }, tag),
  );
  const sharedWallets = Array.from({ length: shape.sharedWallets }, tag);
  const debits = new Map<string, number>();
  const credits = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
  const mix = { ncSales: 0, ncSalesOnShared: 0, topups: 0, cashSales: 0 };

  const timed = ownWallets.map((own) =>
    Array.from({ length: shape.opsPerTill }, (): PlannedOp => {
      const r = rnd();
      if (r < 0.8) {
        const shared = sharedWallets.length > 0 && rnd() < shape.sharedSaleShare;
        const wallet = shared ? pick(sharedWallets) : pick(own);
        const amountNc = between(200, 1500, 50);
        add(debits, wallet, amountNc);
        mix.ncSales++;
        if (shared) mix.ncSalesOnShared++;
        return { kind: 'nc_sale', wallet, amountNc };
      }
      if (r < 0.9) {
        const wallet = pick(own);
        const amountNc = between(1000, 5000, 500);
        add(credits, wallet, amountNc);
        mix.topups++;
        return { kind: 'topup', wallet, amountNc, tender: rnd() < 0.5 ? 'cash' : 'card' };
      }
      mix.cashSales++;
      return {
        kind: 'cash_sale',
        amountChf: between(500, 2000, 50),
        tender: rnd() < 0.7 ? 'cash' : 'card',
      };
    }),
  );

  // Setup: each till funds its own wallets; shared wallets are funded round-robin.
  const expectedBalance = new Map<string, number>();
  const fund = (wallet: string): PlannedOp => {
    const amountNc = (debits.get(wallet) ?? 0) + 5_000;
    expectedBalance.set(wallet, amountNc + (credits.get(wallet) ?? 0) - (debits.get(wallet) ?? 0));
    return { kind: 'topup', wallet, amountNc, tender: 'cash' };
  };
  const setup = ownWallets.map((own) => own.map(fund));
  sharedWallets.forEach((w, i) => {
    setup[i % shape.tills]?.push(fund(w));
  });
  return { ownWallets, sharedWallets, setup, timed, expectedBalance, mix };
}

/** Signs one planned op as the next op of `till`'s chain. */
export function signPlanned(till: TestTill, op: PlannedOp): Promise<SignedOp> {
  switch (op.kind) {
    case 'nc_sale':
      return till.sale(op.wallet, op.amountNc, 'nc');
    case 'topup':
      return till.topup(op.wallet, op.amountNc, op.tender);
    case 'cash_sale':
      return till.sale(null, op.amountChf, op.tender);
  }
}

/** One push, signed and serialized ahead of time. */
export interface PreparedPush {
  till: TestTill;
  ids: string[];
  body: Buffer;
}

/** Signs `ops` in chain order and cuts them into serialized pushes of `batchSize`. */
export async function preparePushes(
  till: TestTill,
  ops: PlannedOp[],
  batchSize: number,
): Promise<PreparedPush[]> {
  const signed: SignedOp[] = [];
  for (const op of ops) signed.push(await signPlanned(till, op));
  const pushes: PreparedPush[] = [];
  for (let i = 0; i < signed.length; i += batchSize) {
    const batch = signed.slice(i, i + batchSize);
    pushes.push({
      till,
      ids: batch.map((s) => s.envelope.id),
      body: Buffer.from(JSON.stringify({ tillId: till.tillId, ops: batch })),
    });
  }
  return pushes;
}

/** Signs in the admin, creates one venue and enrolls `count` tills over HTTP. */
export async function enrollTills(
  client: HttpClient,
  count: number,
): Promise<{ venueId: string; tills: TestTill[] }> {
  const { accessToken } = await client.json<{ accessToken: string }>(
    'POST',
    '/api/auth/login',
    BENCH_ADMIN,
    null,
    200,
  );
  const slug = `bench-${randomBytes(4).toString('hex')}`;
  const venue = await client.json<{ id: string }>(
    'POST',
    '/api/admin/venues',
    { name: slug, slug, city: 'Zürich' },
    accessToken,
    201,
  );
  const tills: TestTill[] = [];
  for (let i = 0; i < count; i++) {
    const till = new TestTill();
    const res = await client.json<{ tillId: string; deviceToken: string }>(
      'POST',
      `/api/admin/venues/${venue.id}/tills`,
      { name: `Bench till ${i + 1}`, publicKey: till.publicKey },
      accessToken,
      201,
    );
    till.tillId = res.tillId;
    till.deviceToken = res.deviceToken;
    till.venueId = venue.id;
    tills.push(till);
  }
  return { venueId: venue.id, tills };
}

export interface PushOutcome {
  push: PreparedPush;
  status: number;
  body: Buffer;
  ms: number;
}

/** Sends one prepared push; the reply body is kept raw and parsed only after timing. */
export async function sendPush(client: HttpClient, push: PreparedPush): Promise<PushOutcome> {
  const t0 = performance.now();
  const reply = await client.request('POST', '/api/sync/push', push.body, {
    authorization: `Bearer ${push.till.deviceToken}`,
  });
  return { push, status: reply.status, body: reply.body, ms: performance.now() - t0 };
}

/** Each till pushes its batches one after another; all tills run at once. */
export async function pushConcurrently(
  client: HttpClient,
  perTill: PreparedPush[][],
): Promise<PushOutcome[]> {
  const lanes = await Promise.all(
    perTill.map(async (pushes) => {
      const outcomes: PushOutcome[] = [];
      for (const push of pushes) outcomes.push(await sendPush(client, push));
      return outcomes;
    }),
  );
  return lanes.flat();
}

/**
 * Every op of every push must come back `applied`, not a duplicate, in
 * request order. Returns the problems found (empty when all is well).
 */
export function checkOutcomes(outcomes: PushOutcome[]): string[] {
  const problems: string[] = [];
  for (const o of outcomes) {
    if (problems.length >= 20) break;
    if (o.status !== 200) {
      problems.push(
        `push of till ${o.push.till.tillId}: HTTP ${o.status} ${o.body.toString().slice(0, 300)}`,
      );
      continue;
    }
    let reply: PushResponse;
    try {
      reply = JSON.parse(o.body.toString()) as PushResponse;
    } catch {
      problems.push(`push of till ${o.push.till.tillId}: reply is not JSON`);
      continue;
    }
    if (reply.results.length !== o.push.ids.length) {
      problems.push(`push: ${reply.results.length} results for ${o.push.ids.length} ops`);
      continue;
    }
    reply.results.forEach((r, i) => {
      if (r.id !== o.push.ids[i] || r.status !== 'applied' || r.duplicate) {
        problems.push(
          `op ${o.push.ids[i]}: got ${JSON.stringify({ id: r.id, status: r.status, reason: r.reason, duplicate: r.duplicate })}`,
        );
      }
    });
  }
  return problems.slice(0, 20);
}
