import { sql } from 'drizzle-orm';
import { type Db, rowsOf, type Tx } from '../db/database.ts';
import type { FleetCounts } from '../metrics/metrics.ts';

/** The silent-till threshold when the config gives none (NITEOS_SILENT_TILL_SECONDS' default). */
export const DEFAULT_SILENT_TILL_SECONDS = 600;

/** Whether till `t` is silent: not heard from within `seconds`, or never (SQL, for `tills t`). */
const isSilent = (seconds: number) =>
  sql`(t.last_seen_at is null or t.last_seen_at < now() - make_interval(secs => ${seconds}))`;

/** The fleet in four numbers, for /metrics: one query, whole counts (no row limits). */
export async function fleetCounts(db: Db | Tx, silentAfterSeconds: number): Promise<FleetCounts> {
  const result = await db.execute(sql`
    select
      (select count(*)::int from tills where status = 'active') as active,
      (select count(*)::int from tills t
         where t.status = 'active' and ${isSilent(silentAfterSeconds)}) as silent,
      (select count(*)::int from seq_gaps g join tills t on t.id = g.till_id
         where g.closed_at is null and t.status = 'active') as seq_gaps,
      (select count(*)::int from conflicts c join venues v on v.id = c.venue_id
         where c.status = 'open' and v.status = 'active') as conflicts`);
  const [row] = rowsOf<{ active: number; silent: number; seq_gaps: number; conflicts: number }>(
    result,
  );
  return {
    active: Number(row?.active ?? 0),
    silent: Number(row?.silent ?? 0),
    seqGaps: Number(row?.seq_gaps ?? 0),
    conflicts: Number(row?.conflicts ?? 0),
  };
}

export interface TillHealth {
  id: string;
  name: string;
  venueName: string;
  lastSeenAt: Date | null;
  lastSeq: number;
  /** How late the till's newest op arrived: server receipt minus the till's own time. */
  syncLagSeconds: number | null;
  silent: boolean;
}

/** How many rows of each table the page lists; its counts are of all rows. */
export const FLEET_PAGE_ROWS = { tills: 500, gaps: 100, venues: 200 };

/**
 * Active tills with the lag of each one's newest op, silent ones first so a
 * big fleet's cut never hides them. That op is found through till_chain's
 * (till_id, seq) key: ops has no such index, and scanning it once per till
 * would slow the page down with every sale stored.
 */
export function activeTillsQuery(silentAfterSeconds: number) {
  return sql`
    select t.id, t.name, v.name as venue_name, t.last_seen_at, t.last_seq,
      (select extract(epoch from (o.created_at - o.till_at::timestamptz))::float8
         from till_chain c join ops o on o.id = c.op_id
         where c.till_id = t.id order by c.seq desc limit 1) as lag_seconds,
      ${isSilent(silentAfterSeconds)} as silent,
      count(*) over ()::int as total
    from tills t join venues v on v.id = t.venue_id
    where t.status = 'active'
    order by silent desc, v.name, t.name
    limit ${FLEET_PAGE_ROWS.tills}`;
}

const totalOf = (rows: { total: number | string }[]) => Number(rows[0]?.total ?? 0);

/**
 * What the health page shows about tills, gaps and conflicts, read in three
 * queries, each with the count of all its rows. A revoked till's gaps are
 * left out: its missing ops are the lost device's, and no sync will close them.
 */
export async function fleetHealth(db: Db | Tx, silentAfterSeconds: number) {
  const [tillResult, gapResult, venueResult] = await Promise.all([
    db.execute(activeTillsQuery(silentAfterSeconds)),
    db.execute(sql`
      select t.name as till_name, v.name as venue_name, g.seq, g.created_at,
        count(*) over ()::int as total
      from seq_gaps g join tills t on t.id = g.till_id join venues v on v.id = t.venue_id
      where g.closed_at is null and t.status = 'active'
      order by g.created_at
      limit ${FLEET_PAGE_ROWS.gaps}`),
    db.execute(sql`
      select v.id as venue_id, v.name as venue_name, count(c.id)::int as open,
        count(*) over ()::int as total
      from venues v left join conflicts c on c.venue_id = v.id and c.status = 'open'
      where v.status = 'active'
      group by v.id, v.name
      order by count(c.id) > 0 desc, v.name
      limit ${FLEET_PAGE_ROWS.venues}`),
  ]);
  const tillRows = rowsOf<{
    id: string;
    name: string;
    venue_name: string;
    last_seen_at: Date | string | null;
    last_seq: number | string;
    lag_seconds: number | null;
    silent: boolean;
    total: number;
  }>(tillResult);
  const gapRows = rowsOf<{
    till_name: string;
    venue_name: string;
    seq: number;
    created_at: Date | string;
    total: number;
  }>(gapResult);
  const venueRows = rowsOf<{ venue_id: string; venue_name: string; open: number; total: number }>(
    venueResult,
  );
  const tills: TillHealth[] = tillRows.map((r) => {
    const lastSeenAt = r.last_seen_at ? new Date(r.last_seen_at) : null;
    return {
      id: r.id,
      name: r.name,
      venueName: r.venue_name,
      lastSeenAt,
      lastSeq: Number(r.last_seq),
      syncLagSeconds: r.lag_seconds === null ? null : Number(r.lag_seconds),
      silent: Boolean(r.silent),
    };
  });
  return {
    tills,
    seqGaps: gapRows.map((r) => ({
      tillName: r.till_name,
      venueName: r.venue_name,
      seq: Number(r.seq),
      since: new Date(r.created_at),
    })),
    venues: venueRows.map((r) => ({
      id: r.venue_id,
      name: r.venue_name,
      openConflicts: Number(r.open),
    })),
    totals: { tills: totalOf(tillRows), seqGaps: totalOf(gapRows), venues: totalOf(venueRows) },
  };
}
