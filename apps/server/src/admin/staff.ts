import { randomUUID } from 'node:crypto';
import { users } from '@niteos/schema/tables';
import { Role, type StaffPatch, staffInputSchema, staffPatchSchema } from '@niteos/schema/wire';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { Hono } from 'hono';
import { audit } from '../audit/audit.ts';
import { ADMINS, assertVenueAccess, requireRole } from '../auth/guard.ts';
import { assertHardToGuess } from '../auth/password-strength.ts';
import { hashSecret } from '../auth/passwords.ts';
import { logoutEverywhere } from '../auth/service.ts';
import type { AppDeps, AppEnv } from '../context.ts';
import { conflict, forbidden, notFound } from '../errors.ts';
import { clientIp } from '../http/client-ip.ts';
import { parseJson } from '../http/validate.ts';
import { venueForAdmin } from '../venues/service.ts';

type UserRow = typeof users.$inferSelect;
/** Never the hashes: whether a PIN is set is all an admin needs to see. */
const view = (u: UserRow) => ({
  userId: u.id,
  email: u.email,
  displayName: u.displayName,
  role: u.role,
  venueId: u.venueId,
  hasPin: u.pinHash !== null,
  disabled: u.disabledAt !== null,
});

/**
 * Whether an edit signs the person out everywhere. A new password is a
 * reset, often because the old one leaked or its holder left; a disabled
 * account must lose its sessions now; and a new role must not ride on
 * tokens that still name the old one. Asked for, not found changed: a retry
 * after a sign-out that failed past the commit must sign out all the same.
 */
const endsSessions = (body: StaffPatch) =>
  body.password !== undefined || body.disabled === true || body.role !== undefined;

/** A venue's staff and their till PINs (stored as slow salted hashes only). */
export function staffAdminRoutes(deps: AppDeps) {
  const db = deps.database.db;
  return new Hono<AppEnv>()
    .get('/venues/:venueId/staff', requireRole(deps, ...ADMINS), async (c) => {
      const venueId = c.req.param('venueId');
      await venueForAdmin(db, c.get('user'), venueId);
      const rows = await db
        .select()
        .from(users)
        .where(and(eq(users.venueId, venueId), inArray(users.role, ['staff', 'venue_admin'])))
        .orderBy(asc(users.displayName));
      return c.json({ staff: rows.map(view) });
    })
    .post('/venues/:venueId/staff', requireRole(deps, ...ADMINS), async (c) => {
      const venueId = c.req.param('venueId');
      await venueForAdmin(db, c.get('user'), venueId);
      const body = await parseJson(c, staffInputSchema);
      await assertHardToGuess(body.password, body);
      const values = {
        id: randomUUID(),
        email: body.email.toLowerCase(),
        passwordHash: await hashSecret(body.password),
        role: body.role,
        venueId,
        displayName: body.displayName,
        pinHash: body.pin ? await hashSecret(body.pin) : null,
      };
      const row = await db.transaction(async (tx) => {
        // Emails are stored lower-cased, so the unique index catches any case of a taken one.
        const [inserted] = await tx.insert(users).values(values).onConflictDoNothing().returning();
        if (!inserted) throw conflict('a user with this email exists already');
        await audit(tx, {
          actor: c.get('user'),
          action: 'staff.create',
          venueId,
          target: inserted.id,
          after: view(inserted),
          ip: clientIp(c),
        });
        return inserted;
      });
      return c.json(view(row), 201);
    })
    .patch('/staff/:userId', requireRole(deps, ...ADMINS), async (c) => {
      const userId = c.req.param('userId');
      const [found] = await db.select().from(users).where(eq(users.id, userId));
      if (!found?.venueId || !['staff', 'venue_admin'].includes(found.role))
        throw notFound('staff member');
      const venueId = found.venueId;
      assertVenueAccess(c.get('user'), venueId);
      const body = await parseJson(c, staffPatchSchema);
      // Else an admin could lock themselves, and perhaps the venue's last admin, out.
      if (userId === c.get('user').id && (body.disabled === true || body.role !== undefined))
        throw forbidden('you cannot disable your own account or change your own role');
      // A password set for someone else lets whoever set it sign in as them,
      // with the audit log naming the wrong person from then on. Staff need
      // none for tills (their PIN), and any staff account can be promoted
      // later, so for venue admins there is no safe "other" to set it for.
      if (
        body.password !== undefined &&
        userId !== c.get('user').id &&
        c.get('user').role !== Role.nitecoreAdmin
      )
        throw forbidden(
          "only a Nitecore admin can set another person's password; each person changes their own",
        );
      if (body.password !== undefined) await assertHardToGuess(body.password, found);
      const changes: Partial<UserRow> = {};
      if (body.displayName !== undefined) changes.displayName = body.displayName;
      if (body.password !== undefined) changes.passwordHash = await hashSecret(body.password);
      if (body.pin !== undefined)
        changes.pinHash = body.pin === null ? null : await hashSecret(body.pin);
      if (body.role !== undefined) changes.role = body.role;
      const row = await db.transaction(async (tx) => {
        // Under the row lock, so the audit's "before" is what this edit changed.
        const [before] = await tx.select().from(users).where(eq(users.id, userId)).for('update');
        if (!before) throw notFound('staff member');
        // Kept when already set: the audit log says when it first happened.
        if (body.disabled !== undefined)
          changes.disabledAt = body.disabled ? (before.disabledAt ?? new Date()) : null;
        const [updated] = await tx
          .update(users)
          .set(changes)
          .where(eq(users.id, userId))
          .returning();
        if (!updated) throw notFound('staff member');
        await audit(tx, {
          actor: c.get('user'),
          action: 'staff.update',
          venueId,
          target: userId,
          before: view(before),
          after: {
            ...view(updated),
            passwordChanged: body.password !== undefined,
            pinChanged: body.pin !== undefined,
          },
          ip: clientIp(c),
        });
        return updated;
      });
      if (endsSessions(body)) await logoutEverywhere(db, deps.kv, userId);
      return c.json(view(row));
    });
}
