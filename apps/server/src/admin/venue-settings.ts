import { randomUUID } from 'node:crypto';
import { auditLog, feedPosts, seqGaps, tills, users, venues } from '@niteos/schema/tables';
import { feedPostInputSchema, Role, venueSettingsSchema } from '@niteos/schema/wire';
import { and, asc, count, desc, eq, isNull, lt } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { audit } from '../audit/audit.ts';
import { ADMINS, assertVenueAccess, requireRole } from '../auth/guard.ts';
import type { AppDeps, AppEnv } from '../context.ts';
import { notFound } from '../errors.ts';
import { clientIp } from '../http/client-ip.ts';
import { assertGuestsCanLoad } from '../http/guest-media.ts';
import { parseJson, parseQuery } from '../http/validate.ts';
import { policyOf, recentPolicies, venueForAdmin, venueView } from '../venues/service.ts';

/**
 * `/audit`: one venue's entries or all, newest first, `limit` at a time (at
 * most 500); `before` (an entry id) pages to older ones, and `more` says
 * whether there are.
 */
/** `GET /api/admin/audit`'s query (also the OpenAPI document's). */
export const auditQuery = z.strictObject({
  venueId: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
  before: z.coerce.number().int().positive().optional(),
});

/**
 * Venue settings (name, city, radio URL, offline policy), its tills with
 * their health, and its feed posts.
 */
export function venueAdminExtraRoutes(deps: AppDeps) {
  const db = deps.database.db;
  return new Hono<AppEnv>()
    .patch('/venues/:venueId', requireRole(deps, ...ADMINS), async (c) => {
      const venueId = c.req.param('venueId');
      await venueForAdmin(db, c.get('user'), venueId);
      const body = await parseJson(c, venueSettingsSchema);
      assertGuestsCanLoad(c, 'radioUrl', body.radioUrl);
      const venue = await db.transaction(async (tx) => {
        // Read under the row lock: another admin's edit committing in between
        // would otherwise be recorded as part of this one.
        const [before] = await tx.select().from(venues).where(eq(venues.id, venueId)).for('update');
        if (!before) throw notFound('venue');
        const now = new Date();
        const oldPolicy = policyOf(before);
        const policyChanged = Object.entries(body.policy ?? {}).some(
          ([k, v]) => oldPolicy[k as keyof typeof oldPolicy] !== v,
        );
        const [row] = await tx
          .update(venues)
          .set({
            ...(body.name !== undefined ? { name: body.name } : {}),
            ...(body.city !== undefined ? { city: body.city } : {}),
            ...(body.radioUrl !== undefined ? { radioUrl: body.radioUrl } : {}),
            ...(body.policy ?? {}),
            ...(policyChanged
              ? {
                  previousPolicies: [
                    ...recentPolicies(before, now),
                    { policy: oldPolicy, replacedAt: now.toISOString() },
                  ],
                }
              : {}),
          })
          .where(eq(venues.id, venueId))
          .returning();
        if (!row) throw notFound('venue');
        await audit(tx, {
          actor: c.get('user'),
          action: 'venue.update',
          venueId,
          target: venueId,
          before: venueView(before),
          after: venueView(row),
          ip: clientIp(c),
        });
        return row;
      });
      return c.json(venueView(venue));
    })
    .get('/venues/:venueId/tills', requireRole(deps, ...ADMINS), async (c) => {
      const venueId = c.req.param('venueId');
      await venueForAdmin(db, c.get('user'), venueId);
      const gaps = db
        .select({ tillId: seqGaps.tillId, open: count().as('open') })
        .from(seqGaps)
        .where(isNull(seqGaps.closedAt))
        .groupBy(seqGaps.tillId)
        .as('gaps');
      const rows = await db
        .select({ till: tills, openGaps: gaps.open })
        .from(tills)
        .leftJoin(gaps, eq(gaps.tillId, tills.id))
        .where(eq(tills.venueId, venueId))
        .orderBy(asc(tills.name));
      return c.json({
        tills: rows.map(({ till, openGaps }) => ({
          tillId: till.id,
          name: till.name,
          status: till.status,
          lastSeenAt: till.lastSeenAt?.toISOString() ?? null,
          lastSeq: till.lastSeq,
          openSeqGaps: Number(openGaps ?? 0),
          flagReason: till.flagReason,
          flaggedAt: till.flaggedAt?.toISOString() ?? null,
          createdAt: till.createdAt.toISOString(),
        })),
      });
    })
    .get('/venues/:venueId/feed', requireRole(deps, ...ADMINS), async (c) => {
      const venueId = c.req.param('venueId');
      await venueForAdmin(db, c.get('user'), venueId);
      const rows = await db
        .select()
        .from(feedPosts)
        .where(eq(feedPosts.venueId, venueId))
        .orderBy(desc(feedPosts.publishedAt))
        .limit(200);
      return c.json({ posts: rows });
    })
    .post('/venues/:venueId/feed', requireRole(deps, ...ADMINS), async (c) => {
      const venueId = c.req.param('venueId');
      await venueForAdmin(db, c.get('user'), venueId);
      const body = await parseJson(c, feedPostInputSchema);
      assertGuestsCanLoad(c, 'imageUrl', body.imageUrl);
      const post = await db.transaction(async (tx) => {
        const [row] = await tx
          .insert(feedPosts)
          .values({ id: randomUUID(), venueId, ...body })
          .returning();
        if (!row) throw new Error('insert returned nothing');
        await audit(tx, {
          actor: c.get('user'),
          action: 'feed.create',
          venueId,
          target: row.id,
          after: row,
          ip: clientIp(c),
        });
        return row;
      });
      return c.json(post, 201);
    })
    .delete('/feed/:postId', requireRole(deps, ...ADMINS), async (c) => {
      const [post] = await db
        .select()
        .from(feedPosts)
        .where(eq(feedPosts.id, c.req.param('postId')));
      if (!post) throw notFound('feed post');
      assertVenueAccess(c.get('user'), post.venueId);
      await db.transaction(async (tx) => {
        await tx.delete(feedPosts).where(eq(feedPosts.id, post.id));
        await audit(tx, {
          actor: c.get('user'),
          action: 'feed.delete',
          venueId: post.venueId,
          target: post.id,
          before: post,
          ip: clientIp(c),
        });
      });
      return c.body(null, 204);
    })
    .get('/audit', requireRole(deps, Role.nitecoreAdmin), async (c) => {
      const { venueId, limit = 100, before } = parseQuery(c.req.query(), auditQuery);
      const rows = await db
        .select({ entry: auditLog, actorEmail: users.email })
        .from(auditLog)
        // Who, readably: the id alone tells a reader nothing.
        .leftJoin(users, eq(users.id, auditLog.actorUserId))
        .where(
          and(
            venueId ? eq(auditLog.venueId, venueId) : undefined,
            before ? lt(auditLog.id, before) : undefined,
          ),
        )
        .orderBy(desc(auditLog.id))
        .limit(limit + 1);
      return c.json({
        entries: rows.slice(0, limit).map((r) => ({ ...r.entry, actorEmail: r.actorEmail })),
        more: rows.length > limit,
      });
    });
}
