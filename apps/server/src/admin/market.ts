import { randomUUID } from 'node:crypto';
import { marketItems } from '@niteos/schema/tables';
import { marketItemInputSchema, marketItemPatchSchema } from '@niteos/schema/wire';
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { type Context, Hono } from 'hono';
import { audit } from '../audit/audit.ts';
import { ADMINS, assertVenueAccess, requireRole } from '../auth/guard.ts';
import type { AppDeps, AppEnv } from '../context.ts';
import { notFound } from '../errors.ts';
import { clientIp } from '../http/client-ip.ts';
import { parseJson } from '../http/validate.ts';
import { venueForAdmin } from '../venues/service.ts';

type ItemRow = typeof marketItems.$inferSelect;
const view = (i: ItemRow) => ({
  itemId: i.id,
  venueId: i.venueId,
  name: i.name,
  category: i.category,
  priceNc: i.priceNc,
  priceChf: i.priceChf,
  available: i.available,
  sort: i.sort,
  updatedAt: i.updatedAt.toISOString(),
});

/**
 * The venue's market: what tills sell and guests browse. Changes reach tills
 * on their next pull; a removed item is gone for guests and admins, and tills
 * hide it.
 */
export function marketAdminRoutes(deps: AppDeps) {
  const db = deps.database.db;
  return new Hono<AppEnv>()
    .get('/venues/:venueId/market-items', requireRole(deps, ...ADMINS), async (c) => {
      const venueId = c.req.param('venueId');
      await venueForAdmin(db, c.get('user'), venueId);
      const rows = await db
        .select()
        .from(marketItems)
        .where(and(eq(marketItems.venueId, venueId), isNull(marketItems.archivedAt)))
        .orderBy(asc(marketItems.category), asc(marketItems.sort), asc(marketItems.name));
      return c.json({ items: rows.map(view) });
    })
    .post('/venues/:venueId/market-items', requireRole(deps, ...ADMINS), async (c) => {
      const venueId = c.req.param('venueId');
      await venueForAdmin(db, c.get('user'), venueId);
      const body = await parseJson(c, marketItemInputSchema);
      const item = await db.transaction(async (tx) => {
        const [row] = await tx
          .insert(marketItems)
          .values({ id: randomUUID(), venueId, ...body })
          .returning();
        if (!row) throw new Error('insert returned nothing');
        await audit(tx, {
          actor: c.get('user'),
          action: 'market.create',
          venueId,
          target: row.id,
          after: view(row),
          ip: clientIp(c),
        });
        return row;
      });
      return c.json(view(item), 201);
    })
    .patch('/market-items/:itemId', requireRole(deps, ...ADMINS), async (c) => {
      const itemId = c.req.param('itemId');
      await itemForAdmin(c, itemId);
      const body = await parseJson(c, marketItemPatchSchema);
      const item = await db.transaction(async (tx) => {
        // Under the row lock, so the audit's "before" is what this edit changed.
        const [before] = await tx
          .select()
          .from(marketItems)
          .where(and(eq(marketItems.id, itemId), isNull(marketItems.archivedAt)))
          .for('update');
        if (!before) throw notFound('market item');
        const [row] = await tx
          .update(marketItems)
          // PostgreSQL's clock, as the pull cursor it is compared with: a
          // server host whose clock is behind would date it before the cursor.
          .set({ ...body, updatedAt: sql`now()` })
          .where(eq(marketItems.id, before.id))
          .returning();
        if (!row) throw notFound('market item');
        await audit(tx, {
          actor: c.get('user'),
          action: 'market.update',
          venueId: row.venueId,
          target: row.id,
          before: view(before),
          after: view(row),
          ip: clientIp(c),
        });
        return row;
      });
      return c.json(view(item));
    })
    .delete('/market-items/:itemId', requireRole(deps, ...ADMINS), async (c) => {
      const itemId = c.req.param('itemId');
      await itemForAdmin(c, itemId);
      await db.transaction(async (tx) => {
        const [before] = await tx
          .select()
          .from(marketItems)
          .where(eq(marketItems.id, itemId))
          .for('update');
        // Removed already (a second click, a retry): done.
        if (!before || before.archivedAt) return;
        await tx
          .update(marketItems)
          // Unavailable, and dated for the pull cursor: tills hide it at their next pull.
          .set({ available: false, archivedAt: sql`now()`, updatedAt: sql`now()` })
          .where(eq(marketItems.id, itemId));
        await audit(tx, {
          actor: c.get('user'),
          action: 'market.remove',
          venueId: before.venueId,
          target: itemId,
          before: view(before),
          ip: clientIp(c),
        });
      });
      return c.body(null, 204);
    });

  /** The item's venue must be one the admin runs; a missing item is 404. */
  async function itemForAdmin(c: Context<AppEnv>, itemId: string) {
    const [found] = await db
      .select({ venueId: marketItems.venueId })
      .from(marketItems)
      .where(eq(marketItems.id, itemId));
    if (!found) throw notFound('market item');
    assertVenueAccess(c.get('user'), found.venueId);
  }
}
