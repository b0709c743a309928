import type { NightFigures, NightReport } from '@niteos/schema/wire';
import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { ADMINS, requireRole } from '../auth/guard.ts';
import type { AppDeps, AppEnv } from '../context.ts';
import { type Db, rowsOf } from '../db/database.ts';
import { readTimeRange } from '../http/time-range.ts';
import { venueForAdmin } from '../venues/service.ts';

const empty = (): NightFigures => ({
  salesNc: { count: 0, nc: 0 },
  salesCash: { count: 0, chf: 0 },
  salesCard: { count: 0, chf: 0 },
  topupsCash: { count: 0, chf: 0, nc: 0 },
  topupsCard: { count: 0, chf: 0, nc: 0 },
  cashouts: { count: 0, chf: 0, nc: 0 },
  voids: { count: 0, nc: 0, cashChf: 0, cardChf: 0 },
  writtenOff: { count: 0, nc: 0 },
  held: { count: 0, debitNc: 0, creditNc: 0, cashChf: 0, cardChf: 0 },
  expectedCashChf: 0,
  expectedCardChf: 0,
});

interface Row {
  till_id: string;
  staff_id: string;
  kind: string;
  tender: string;
  standing: string;
  n: number;
  nc: number;
  chf: number;
}

/** Cash into the drawer (negative: out of it) of the ops of one row. */
function cashIn(r: Row): number {
  if ((r.kind === 'sale' || r.kind === 'topup') && r.tender === 'cash') return r.chf;
  if (r.kind === 'cashout') return -r.chf;
  if (r.kind === 'void' && r.tender === 'cash') return -r.chf;
  return 0;
}

/** Takings on the card terminal (negative: refunded to cards) of the ops of one row. */
function cardIn(r: Row): number {
  if ((r.kind === 'sale' || r.kind === 'topup') && r.tender === 'card') return r.chf;
  if (r.kind === 'void' && r.tender === 'card') return -r.chf;
  return 0;
}

function add(f: NightFigures, r: Row) {
  if (r.standing === 'held') {
    f.held.count += r.n;
    if (r.kind === 'topup') f.held.creditNc += r.nc;
    else if (r.kind === 'sale' || r.kind === 'cashout') f.held.debitNc += r.nc;
    f.held.cashChf += cashIn(r);
    f.held.cardChf += cardIn(r);
    return;
  }
  if (r.standing === 'written_off')
    Object.assign(f.writtenOff, { count: f.writtenOff.count + r.n, nc: f.writtenOff.nc + r.nc });
  if (r.kind === 'sale' && r.tender === 'nc')
    Object.assign(f.salesNc, { count: f.salesNc.count + r.n, nc: f.salesNc.nc + r.nc });
  if (r.kind === 'sale' && r.tender === 'cash')
    Object.assign(f.salesCash, { count: f.salesCash.count + r.n, chf: f.salesCash.chf + r.chf });
  if (r.kind === 'sale' && r.tender === 'card')
    Object.assign(f.salesCard, { count: f.salesCard.count + r.n, chf: f.salesCard.chf + r.chf });
  const topup = r.tender === 'cash' ? f.topupsCash : f.topupsCard;
  if (r.kind === 'topup')
    Object.assign(topup, { count: topup.count + r.n, chf: topup.chf + r.chf, nc: topup.nc + r.nc });
  if (r.kind === 'cashout')
    Object.assign(f.cashouts, {
      count: f.cashouts.count + r.n,
      chf: f.cashouts.chf + r.chf,
      nc: f.cashouts.nc + r.nc,
    });
  if (r.kind === 'void')
    Object.assign(f.voids, {
      count: f.voids.count + r.n,
      nc: f.voids.nc + r.nc,
      cashChf: f.voids.cashChf + (r.tender === 'cash' ? r.chf : 0),
      cardChf: f.voids.cardChf + (r.tender === 'card' ? r.chf : 0),
    });
  f.expectedCashChf += cashIn(r);
  f.expectedCardChf += cardIn(r);
}

/**
 * End-of-night figures per till and per staff member for ops whose till
 * time falls in [from, to). Ops that stand count (written-off ones also
 * apart); held ones are listed apart; rejected ones never moved money, and
 * neither did a void of one (a till's void that settled a held sale: the
 * sale and its refund cancel out).
 */
export async function nightReport(
  db: Db,
  venueId: string,
  from: Date,
  to: Date,
): Promise<NightReport> {
  const rows = rowsOf<Record<string, unknown>>(
    await db.execute(sql`
      select till_id, staff_id, kind, tender, standing, count(*)::int as n,
             coalesce(sum(amount_nc), 0)::bigint as nc, coalesce(sum(amount_chf), 0)::bigint as chf
      from ops o
      where venue_id = ${venueId} and standing <> 'rejected'
        and till_at::timestamptz >= ${from.toISOString()}::timestamptz
        and till_at::timestamptz < ${to.toISOString()}::timestamptz
        and not (kind = 'void' and exists (
          select 1 from ops t where t.id = o.voids and t.standing = 'rejected'))
      group by till_id, staff_id, kind, tender, standing`),
  ).map((r) => ({ ...r, n: Number(r.n), nc: Number(r.nc), chf: Number(r.chf) }) as Row);
  const total = empty();
  const byTill = new Map<string, NightFigures>();
  const byStaff = new Map<string, NightFigures>();
  for (const r of rows) {
    add(total, r);
    add(
      byTill.get(r.till_id) ?? (byTill.set(r.till_id, empty()).get(r.till_id) as NightFigures),
      r,
    );
    add(
      byStaff.get(r.staff_id) ?? (byStaff.set(r.staff_id, empty()).get(r.staff_id) as NightFigures),
      r,
    );
  }
  return {
    venueId,
    from: from.toISOString(),
    to: to.toISOString(),
    total,
    tills: [...byTill].map(([tillId, figures]) => ({ tillId, ...figures })),
    staff: [...byStaff].map(([staffId, figures]) => ({ staffId, ...figures })),
  };
}

export function reportAdminRoutes(deps: AppDeps) {
  return new Hono<AppEnv>().get(
    '/venues/:venueId/reports/night',
    requireRole(deps, ...ADMINS),
    async (c) => {
      const venueId = c.req.param('venueId');
      await venueForAdmin(deps.database.db, c.get('user'), venueId);
      const { from, to } = readTimeRange(c.req.query(), 24 * 3600_000);
      return c.json(await nightReport(deps.database.db, venueId, from, to));
    },
  );
}
