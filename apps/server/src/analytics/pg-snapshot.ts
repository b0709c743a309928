import { BUSINESS_DAY_START_HOUR_UTC } from '@niteos/schema/wire';
import { sql } from 'drizzle-orm';
import { type Db, rowsOf } from '../db/database.ts';
import { type SnapshotFigures, TOP_ITEMS } from './store.ts';

/**
 * The snapshots computed from the outbox rows in PostgreSQL, for servers
 * without MongoDB: the same figures as the Mongo aggregation (same
 * grouping, same order, hours and nights in UTC).
 */
export async function pgSnapshot(
  db: Db,
  venueId: string,
  from: Date,
  to: Date,
): Promise<SnapshotFigures> {
  const range = sql`venue_id = ${venueId} and at >= ${from.toISOString()}::timestamptz and at < ${to.toISOString()}::timestamptz`;
  const netSales = sql`(
    select at, payload, case when payload->>'op' = 'void' then -1 else 1 end as sign
    from analytics_outbox
    where ${range} and kind = 'op' and payload->>'op' in ('sale', 'void')) s`;
  const figures = sql`sum(sign)::int as count,
    sum(sign * (payload->>'amountNc')::bigint)::bigint as amount_nc,
    sum(sign * (payload->>'amountChf')::bigint)::bigint as amount_chf`;
  const [perHour, items, tenders, nights] = await Promise.all([
    db.execute(sql`
      select to_char(date_trunc('hour', at at time zone 'UTC'), 'YYYY-MM-DD"T"HH24:00:00.000"Z"') as key, ${figures}
      from ${netSales} group by 1 order by 1`),
    // A void carries its sale's lines: they come off, as its amounts do.
    db.execute(sql`
      select l->>'itemId' as key, sum(sign * (l->>'qty')::bigint)::bigint as qty,
        sum(sign * (l->>'qty')::bigint * (l->>'unitNc')::bigint)::bigint as amount_nc
      from ${netSales}, jsonb_array_elements(payload->'lines') l
      group by 1 having sum(sign * (l->>'qty')::bigint) > 0
      order by qty desc, (l->>'itemId') collate "C" limit ${TOP_ITEMS}`),
    db.execute(sql`
      select payload->>'tender' as key, ${figures} from ${netSales} group by 1 order by (payload->>'tender') collate "C"`),
    db.execute(sql`
      select to_char((at - make_interval(hours => ${BUSINESS_DAY_START_HOUR_UTC})) at time zone 'UTC', 'YYYY-MM-DD') as key,
        count(*)::int as count
      from analytics_outbox where ${range} and kind = 'conflict' group by 1 order by 1`),
  ]);
  type Row = { key: string; count: number; amount_nc: string; amount_chf: string; qty: string };
  const money = (r: Row) => ({
    count: Number(r.count),
    amountNc: Number(r.amount_nc),
    amountChf: Number(r.amount_chf),
  });
  return {
    salesPerHour: rowsOf<Row>(perHour).map((r) => ({ hour: r.key, ...money(r) })),
    topItems: rowsOf<Row>(items).map((r) => ({
      itemId: r.key,
      qty: Number(r.qty),
      amountNc: Number(r.amount_nc),
    })),
    tenderMix: rowsOf<Row>(tenders).map((r) => ({
      tender: r.key as 'nc' | 'cash' | 'card',
      ...money(r),
    })),
    conflictsPerNight: rowsOf<Row>(nights).map((r) => ({ night: r.key, count: Number(r.count) })),
  };
}
