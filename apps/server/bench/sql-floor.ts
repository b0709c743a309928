import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { PGlite } from '@electric-sql/pglite';
import { levelForXp, xpForSale } from '@niteos/ledger-core';
import type { Envelope } from '@niteos/schema/wire';
import type postgres from 'postgres';
import { pushEvents } from '../src/analytics/events.ts';
import type { Plan, PlannedOp } from './workload.ts';

/**
 * Floor (a): the rows one push writes (see sync/push-write.ts),
 * as bare SQL in one transaction per batch: no HTTP, JSON parsing,
 * signatures, zod or drizzle, and of the push's reads only the wallet lock
 * (no advisory lock, seen ids, chain or venue reads), prepared as the
 * server's repeated statements are (db/prepared-statements.ts). Balances move by
 * deltas, so the ledger stays balanced even with concurrent connections.
 */

type Query = (text: string, params: unknown[]) => Promise<unknown>;

/** One database connection that can run a transaction. */
export interface FloorConnection {
  transaction(work: (q: Query) => Promise<void>): Promise<void>;
}

export function postgresConnection(sql: postgres.Sql): FloorConnection {
  return {
    async transaction(work) {
      await sql.begin(async (tx) => {
        await work((text, params) =>
          tx.unsafe(text, params as postgres.ParameterOrJSON<never>[], { prepare: true }),
        );
      });
    },
  };
}

export function pgliteConnection(pg: PGlite): FloorConnection {
  return {
    async transaction(work) {
      await pg.transaction(async (tx) => {
        await work((text, params) => tx.query(text, params));
      });
    },
  };
}

/**
 * `unnest($1::text[], $2::bigint[], …)` over the columns of `rows`, with
 * one array parameter per column: the cheapest bulk form measured here
 * (vs multi-row VALUES with a parameter per value, or one jsonb recordset).
 * JSON goes as text and is cast element by element: postgres.js would
 * store a string given for a jsonb[] element as a JSON string, not the
 * object it spells, as the server's db/bulk.ts avoids too.
 */
function unnestOf(rows: unknown[][], casts: string[], params: unknown[]): string {
  const args = casts.map((cast, i) => {
    params.push(rows.map((r) => r[i] ?? null));
    return cast === 'jsonb' ? `$${params.length}::text[]::jsonb[]` : `$${params.length}::${cast}[]`;
  });
  return `unnest(${args.join(', ')})`;
}

/** One batch of the floor: everything needed to write it, built before timing. */
interface FloorBatch {
  tillId: string;
  statements: { text: string; params: unknown[] }[];
  ops: number;
}

const b64url = (bytes: number) => randomBytes(bytes).toString('base64url');

/** Builds the statements of one batch of planned ops for `tillId`, starting at `firstSeq`. */
function buildBatch(
  venueId: string,
  tillId: string,
  firstSeq: number,
  planned: PlannedOp[],
): FloorBatch {
  const now = new Date().toISOString();
  const opRows: unknown[][] = [];
  const chainRows: unknown[][] = [];
  const lineRows: unknown[][] = [];
  const eventRows: unknown[][] = [];
  const walletDelta = new Map<string, { nc: number; xp: number }>();
  const venueDelta = new Map<string, number>();
  const touched = new Set<string>();
  const revenue = `v:${venueId}:venue_revenue`;
  const issuance = `v:${venueId}:issuance`;

  planned.forEach((p, i) => {
    const seq = firstSeq + i;
    const id = randomUUID();
    const wallet = p.kind === 'cash_sale' ? null : p.wallet;
    const tender = p.kind === 'nc_sale' ? 'nc' : p.tender;
    const amountNc = p.kind === 'cash_sale' ? 0 : p.amountNc;
    const amountChf = p.kind === 'nc_sale' ? 0 : p.kind === 'topup' ? p.amountNc : p.amountChf;
    const kind = p.kind === 'topup' ? 'topup' : 'sale';
    const envelope: Envelope = {
      v: 1,
      id,
      tillId,
      venueId,
      staffId: 'staff-1',
      at: now,
      nitetapId: wallet,
      tender,
      amountNc,
      amountChf,
      lines:
        kind === 'sale'
          ? [
              {
                itemId: 'item-1',
                qty: 1,
                unitNc: amountNc || amountChf,
                unitChf: amountNc || amountChf,
              },
            ]
          : [],
      voids: null,
      basis: {
        balanceNc: tender === 'nc' ? amountNc : null,
        asOf: tender === 'nc' ? now : null,
        pendingNc: 0,
      },
      op: kind,
      seq,
      prev: seq === 1 ? '' : b64url(32),
    };
    let delta = 0;
    let xp = 0;
    if (wallet) {
      delta = p.kind === 'nc_sale' ? -amountNc : amountNc;
      xp = p.kind === 'nc_sale' ? xpForSale(amountNc) : 0;
      const venueAccount = p.kind === 'nc_sale' ? revenue : issuance;
      lineRows.push([id, `w:${wallet}`, delta], [id, venueAccount, -delta]);
      const w = walletDelta.get(wallet) ?? { nc: 0, xp: 0 };
      w.nc += delta;
      w.xp += xp;
      walletDelta.set(wallet, w);
      venueDelta.set(venueAccount, (venueDelta.get(venueAccount) ?? 0) - delta);
      touched.add(wallet);
    }
    const signed = JSON.stringify(envelope);
    opRows.push([
      id,
      tillId,
      venueId,
      seq,
      kind,
      tender,
      wallet,
      'staff-1',
      amountNc,
      amountChf,
      null,
      createHash('sha256').update(signed).digest('base64url'),
      signed,
      b64url(64),
      'applied',
      null,
      'applied',
      delta,
      xp,
      wallet ? 10_000 : null,
      wallet ? 100 : null,
      wallet ? levelForXp(100) : null,
      now,
    ]);
    chainRows.push([tillId, seq, id, b64url(32)]);
    // Every applied op's analytics event, built as a push builds it.
    for (const e of pushEvents([envelope], [], new Date(now))) {
      eventRows.push([e.id, e.kind, e.venueId, e.at.toISOString(), JSON.stringify(e.payload)]);
    }
  });

  const statements: FloorBatch['statements'] = [];
  const push = (build: (params: unknown[]) => string) => {
    const params: unknown[] = [];
    const text = build(params);
    statements.push({ text, params });
  };
  // As in a push: the rows no wallet decides go before the wallet locks.
  push(
    (p) => `insert into till_chain (till_id, seq, op_id, sig_hash)
      select * from ${unnestOf(chainRows, ['text', 'bigint', 'text', 'text'], p)}`,
  );
  push((p) => {
    p.push(tillId, firstSeq + planned.length - 1);
    return 'update tills set last_seen_at = now(), last_seq = greatest(last_seq, $2::bigint) where id = $1::text';
  });
  const wallets = [...walletDelta.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
  if (wallets.length > 0) {
    // Lock order as in ledger/queries.ts: wallets sorted (FOR UPDATE, as `lockWallets`
    // does: an UPDATE … FROM a list locks in plan order and deadlocks), then venue accounts.
    push((p) => {
      p.push(wallets.map(([tag]) => tag));
      return 'select nitetap_id from wallets where nitetap_id = any($1::text[]) order by nitetap_id for update';
    });
    push(
      (p) => `update accounts set balance_nc = accounts.balance_nc + v.delta
        from ${unnestOf(
          wallets.map(([tag, d]) => [`w:${tag}`, d.nc]),
          ['text', 'bigint'],
          p,
        )} as v(id, delta) where accounts.id = v.id`,
    );
    push(
      (p) => `update wallets set xp = wallets.xp + v.xp, level = v.level, updated_at = now()
        from ${unnestOf(
          wallets.map(([tag, d]) => [tag, d.xp, levelForXp(d.xp)]),
          ['text', 'bigint', 'int'],
          p,
        )} as v(tag, xp, level) where wallets.nitetap_id = v.tag`,
    );
  }
  push(
    (p) => `insert into ops (id, till_id, venue_id, seq, kind, tender, nitetap_id, staff_id,
      amount_nc, amount_chf, voids, canon_hash, signed, sig, status, reason, standing,
      applied_nc, xp_granted, result_balance_nc, result_xp, result_level, till_at)
      select * from ${unnestOf(
        opRows,
        [
          'text',
          'text',
          'text',
          'bigint',
          'text',
          'text',
          'text',
          'text',
          'bigint',
          'bigint',
          'text',
          'text',
          'text',
          'text',
          'text',
          'text',
          'text',
          'bigint',
          'bigint',
          'bigint',
          'bigint',
          'int',
          'text',
        ],
        p,
      )}`,
  );
  if (lineRows.length > 0) {
    push(
      (p) => `insert into ledger_lines (op_id, account_id, amount_nc)
        select * from ${unnestOf(lineRows, ['text', 'text', 'bigint'], p)}`,
    );
  }
  push(
    (p) => `insert into analytics_outbox (id, kind, venue_id, at, payload)
      select * from ${unnestOf(eventRows, ['text', 'text', 'text', 'timestamptz', 'jsonb'], p)}`,
  );
  const venues = [...venueDelta.entries()]
    .filter(([, d]) => d !== 0)
    .sort(([a], [b]) => (a < b ? -1 : 1));
  if (venues.length > 0) {
    // Lock the venue accounts in id order first: an UPDATE … FROM a list locks
    // in plan order, and two batches then deadlock on revenue vs issuance.
    push((p) => {
      p.push(venues.map(([id]) => id));
      return 'select id from accounts where id = any($1::text[]) order by id for update';
    });
    push(
      (p) => `update accounts set balance_nc = accounts.balance_nc + v.delta
        from ${unnestOf(venues, ['text', 'bigint'], p)} as v(id, delta)
        where accounts.id = v.id`,
    );
  }
  if (touched.size > 0) {
    push((p) => {
      p.push([...touched].sort(), venueId);
      return `insert into wallet_venues (nitetap_id, venue_id, last_seen_at)
        select tag, $2::text, now() from unnest($1::text[]) as tag
        where not exists (
          select 1 from wallet_venues v
          where v.nitetap_id = tag and v.venue_id = $2::text
            and v.last_seen_at > now() - interval '1 hour')
        on conflict (nitetap_id, venue_id) do update set last_seen_at = excluded.last_seen_at`;
    });
  }
  return { tillId, statements, ops: planned.length };
}

/** Creates `count` tills for the floor directly in SQL (untimed). */
async function createFloorTills(conn: FloorConnection, venueId: string, count: number) {
  const ids = Array.from({ length: count }, () => randomUUID());
  await conn.transaction(async (q) => {
    const params: unknown[] = [];
    const rows = ids.map((id, i) => [id, venueId, `Floor till ${i + 1}`, b64url(32), b64url(32)]);
    await q(
      `insert into tills (id, venue_id, name, public_key, device_token_hash)
       select * from ${unnestOf(rows, ['text', 'text', 'text', 'text', 'text'], params)}`,
      params,
    );
  });
  return ids;
}

export interface FloorResult {
  connections: number;
  ops: number;
  seconds: number;
  opsPerSecond: number;
  /** CPU seconds this process used while the batches were written (not while they were built). */
  cpuClient: number;
}

/**
 * Writes the timed ops of `plan` again (new ids, new tills, same wallets
 * and amounts) as bare SQL over `connections.length` connections; each
 * connection owns whole tills and writes their batches in order.
 */
export async function runSqlFloor(
  connections: FloorConnection[],
  venueId: string,
  plan: Plan,
  batchSize: number,
): Promise<FloorResult> {
  const first = connections[0];
  if (!first) throw new Error('floor needs a connection');
  const tillIds = await createFloorTills(first, venueId, plan.timed.length);
  const perTill = plan.timed.map((ops, t) => {
    const tillId = tillIds[t] ?? '';
    const batches: FloorBatch[] = [];
    for (let i = 0; i < ops.length; i += batchSize) {
      batches.push(buildBatch(venueId, tillId, i + 1, ops.slice(i, i + batchSize)));
    }
    return batches;
  });
  // Worker w takes tills w, w+n, …; within a worker batches interleave round-robin.
  const lanes = connections.map((_, w) => {
    const mine = perTill.filter((_, t) => t % connections.length === w);
    const out: FloorBatch[] = [];
    const longest = Math.max(0, ...mine.map((m) => m.length));
    for (let i = 0; i < longest; i++) for (const m of mine) if (m[i]) out.push(m[i] as FloorBatch);
    return out;
  });
  const ops = lanes.flat().reduce((n, b) => n + b.ops, 0);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    lanes.map(async (batches, w) => {
      const conn = connections[w] as FloorConnection;
      for (const batch of batches) {
        await conn.transaction(async (q) => {
          for (const s of batch.statements) await q(s.text, s.params);
        });
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return {
    connections: connections.length,
    ops,
    seconds,
    opsPerSecond: ops / seconds,
    cpuClient: (cpu.user + cpu.system) / 1e6,
  };
}
