import type { OpResult } from '@niteos/schema/wire';
import type { Send, SignedOp, TestTill } from '../../src/test-support/test-till.ts';
import { sleep } from './server-process.ts';

/** One op of a till's planned stream and the balance its wallet has right after it. */
export interface PlannedOp {
  signed: SignedOp;
  wallet: string;
  balanceAfter: number;
}

export interface TillPlan {
  till: TestTill;
  wallets: string[];
  ops: PlannedOp[];
}

/**
 * Signs a realistic stream for one till that alone serves `wallets`: each
 * wallet topped up first, then NC sales that stay within the balance, some
 * topups and a few voids of the till's own earlier sales. Since the wallets
 * are this till's alone and ops apply in `seq` order, every op must apply
 * and `balanceAfter` is exactly what the server must report.
 */
export async function planTillOps(
  till: TestTill,
  wallets: string[],
  count: number,
  rand: () => number,
  initialTopupNc = 20_000,
): Promise<TillPlan> {
  const balance = new Map<string, number>();
  const ops: PlannedOp[] = [];
  const voidable: SignedOp[] = [];
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const add = (signed: SignedOp, wallet: string, delta: number) => {
    const after = (balance.get(wallet) ?? 0) + delta;
    balance.set(wallet, after);
    ops.push({ signed, wallet, balanceAfter: after });
  };

  for (const w of wallets) add(await till.topup(w, initialTopupNc), w, initialTopupNc);
  while (ops.length < count) {
    const r = rand();
    if (r < 0.03 && voidable.length > 0) {
      const sale = voidable.splice(Math.floor(rand() * voidable.length), 1)[0] as SignedOp;
      const w = sale.envelope.nitetapId as string;
      add(await till.voidOf(sale), w, sale.envelope.amountNc);
      continue;
    }
    const w = pick(wallets);
    const amount = 50 + Math.floor(rand() * 30) * 50; // 0.50 .. 15.00 NC
    if (r < 0.1 || amount > (balance.get(w) ?? 0)) {
      const topup = 1_000 + Math.floor(rand() * 5) * 1_000;
      add(await till.topup(w, topup), w, topup);
    } else {
      const sale = await till.sale(w, amount);
      voidable.push(sale);
      add(sale, w, -amount);
    }
  }
  return { till, wallets, ops };
}

/** Expected balance per wallet from the ops alone: topups − sales + voided sales. */
export function expectedBalances(ops: SignedOp[]): Map<string, number> {
  const sales = new Map(ops.filter((o) => o.envelope.op === 'sale').map((o) => [o.envelope.id, o]));
  const out = new Map<string, number>();
  for (const { envelope: e } of ops) {
    if (!e.nitetapId) continue;
    let delta = 0;
    if (e.op === 'topup') delta = e.amountNc;
    else if (e.op === 'sale' && e.tender === 'nc') delta = -e.amountNc;
    else if (e.op === 'void' && e.voids) delta = sales.get(e.voids)?.envelope.amountNc ?? 0;
    out.set(e.nitetapId, (out.get(e.nitetapId) ?? 0) + delta);
  }
  return out;
}

export interface PushLog {
  /** The result that acknowledged each op (first 200 reply that carried it). */
  acknowledged: Map<string, OpResult>;
  /** Pushes that failed at the transport level (connection refused / reset). */
  networkErrors: number;
  /** Replies other than 200 (5xx, 429): retried, as a till does. */
  httpErrors: { status: number; body: string }[];
  pushes: number;
  /** Ids of ops whose 200 reply the till never got (see `loseReply`). */
  lostReplies: string[];
}

export function newPushLog(): PushLog {
  return { acknowledged: new Map(), networkErrors: 0, httpErrors: [], pushes: 0, lostReplies: [] };
}

/**
 * What a till's sync loop does: push the oldest unacknowledged ops in
 * batches, and on a network error, 5xx or 429 retry the same ops (same ids,
 * same signatures) with backoff until the server acknowledges them.
 * `send()` is asked anew for every attempt, so a restarted server is found.
 */
export async function pushUntilAcknowledged(opts: {
  till: TestTill;
  ops: SignedOp[];
  send: () => Send;
  batchSize: number;
  log: PushLog;
  deadline: number;
  onAttempt?: (phase: 'start' | 'end') => void;
  onAcknowledged?: () => void;
  /** Asked on every 200 reply: true drops it, as if the connection died before it arrived. */
  loseReply?: () => boolean;
}): Promise<void> {
  const { till, ops, log } = opts;
  let next = 0;
  let backoff = 25;
  while (next < ops.length) {
    if (Date.now() > opts.deadline) {
      throw new Error(`till ${till.tillId}: ${ops.length - next} ops unacknowledged at deadline`);
    }
    const batch = ops.slice(next, next + opts.batchSize);
    let reply: Awaited<ReturnType<TestTill['push']>> | null = null;
    opts.onAttempt?.('start');
    log.pushes++;
    try {
      const res = await opts.send()('/api/sync/push', {
        method: 'POST',
        headers: {
          authorization: `Bearer ${till.deviceToken}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ tillId: till.tillId, ops: batch }),
      });
      const text = await res.text();
      if (res.status === 200 && opts.loseReply?.()) {
        log.lostReplies.push(...batch.map((o) => o.envelope.id));
      } else if (res.status === 200) reply = { status: 200, body: JSON.parse(text) };
      else log.httpErrors.push({ status: res.status, body: text.slice(0, 500) });
    } catch {
      log.networkErrors++;
    } finally {
      opts.onAttempt?.('end');
    }
    if (!reply) {
      await sleep(backoff);
      backoff = Math.min(backoff * 2, 400);
      continue;
    }
    backoff = 25;
    const results = reply.body.results;
    if (results.length !== batch.length) {
      throw new Error(`push of ${batch.length} ops answered ${results.length} results`);
    }
    batch.forEach((op, i) => {
      const r = results[i] as OpResult;
      if (r.id !== op.envelope.id)
        throw new Error(`result ${i} is for ${r.id}, not ${op.envelope.id}`);
      log.acknowledged.set(op.envelope.id, r);
    });
    next += batch.length;
    opts.onAcknowledged?.();
  }
}
