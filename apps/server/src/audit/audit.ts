import { auditLog } from '@niteos/schema/tables';
import type { AuthUser } from '../context.ts';
import type { Db, Tx } from '../db/database.ts';

/** Appends one admin action to the audit log, in the caller's transaction. */
export async function audit(
  db: Db | Tx,
  entry: {
    actor: AuthUser;
    action: string;
    venueId: string | null;
    target: string;
    before?: unknown;
    after?: unknown;
    ip: string | null;
  },
): Promise<void> {
  await db.insert(auditLog).values({
    actorUserId: entry.actor.id,
    actorRole: entry.actor.role,
    venueId: entry.venueId,
    action: entry.action,
    target: entry.target,
    before: entry.before ?? null,
    after: entry.after ?? null,
    ip: entry.ip,
  });
}
