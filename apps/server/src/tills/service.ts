import { randomUUID } from 'node:crypto';
import { fromBase64Url } from '@niteos/ledger-core';
import { tills } from '@niteos/schema/tables';
import { eq, or } from 'drizzle-orm';
import { audit } from '../audit/audit.ts';
import { hashToken, newOpaqueToken } from '../auth/tokens.ts';
import type { AuthedTill, AuthUser } from '../context.ts';
import type { Db, Tx } from '../db/database.ts';
import { hasSqlState } from '../db/pg-error.ts';
import { badRequest, conflict, notFound, unavailable } from '../errors.ts';
import { lockTillPushes } from '../sync/push-load.ts';
import { getVenue } from '../venues/service.ts';

const UNIQUE_VIOLATION = '23505';

function assertPublicKey(publicKey: string) {
  if (fromBase64Url(publicKey)?.length !== 32)
    throw badRequest('publicKey must be a base64url Ed25519 public key (32 bytes)');
}

/** Gives the till `id` a new token (and name), inserting it when it is new. */
async function storeTill(
  tx: Tx,
  till: { id: string; venueId: string; name: string; publicKey: string; deviceToken: string },
  exists: boolean,
) {
  const deviceTokenHash = hashToken(till.deviceToken);
  if (exists)
    await tx.update(tills).set({ name: till.name, deviceTokenHash }).where(eq(tills.id, till.id));
  else
    await tx.insert(tills).values({
      id: till.id,
      venueId: till.venueId,
      name: till.name,
      publicKey: till.publicKey,
      deviceTokenHash,
    });
}

/**
 * Enrolls a till: stores its public key and the hash of a fresh device
 * token, which is returned once and never again. The same key sent again
 * for a till that never reached the server since is the retry of an
 * enrolment whose answer was lost (the device keeps its key pair until it
 * has one): that till gets the fresh token, instead of a second till nobody
 * holds being left active. A key of a till already in use is 409.
 */
export async function enrollTill(
  db: Db,
  input: { venueId: string; name: string; publicKey: string },
  actor: AuthUser,
  ip: string | null,
): Promise<{ tillId: string; deviceToken: string; venueId: string; name: string }> {
  assertPublicKey(input.publicKey);
  await getVenue(db, input.venueId);
  const deviceToken = newOpaqueToken();
  const tillId = await db
    .transaction(async (tx) => {
      const [earlier] = await tx
        .select()
        .from(tills)
        .where(eq(tills.publicKey, input.publicKey))
        .for('update');
      if (
        earlier &&
        (earlier.venueId !== input.venueId || earlier.status !== 'active' || earlier.lastSeenAt)
      )
        throw conflict('this key belongs to a till already in use: the device must make a new one');
      const id = earlier?.id ?? randomUUID();
      await storeTill(tx, { ...input, id, deviceToken }, Boolean(earlier));
      await audit(tx, {
        actor,
        action: 'till.enroll',
        venueId: input.venueId,
        target: id,
        after: {
          name: input.name,
          publicKey: input.publicKey,
          ...(earlier ? { retried: true } : {}),
        },
        ip,
      });
      return id;
    })
    .catch((err: unknown) => {
      // Two first tries with one key at once: the loser is told to try again
      // (503, not 409, on which a device gives its key up), and its retry is
      // then the lost-answer case above, under the same key.
      if (hasSqlState(err, UNIQUE_VIOLATION))
        throw unavailable(
          'this key was enrolled at this very moment by another request: try again',
          1,
        );
      throw err;
    });
  return { tillId, deviceToken, venueId: input.venueId, name: input.name };
}

/**
 * Gives a till the server does not know by its token a new one, keeping its
 * id and key, so the ops it holds (signed with both) can still be pushed.
 * The usual cause is a database restored from a backup older than the
 * till's enrolment: the till is then missing, and is put back as it was.
 * One still on the server, active in this venue with this key but never
 * seen, gets a fresh token (the backup held the token of an enrolment the
 * till retried). Anything else is 409: a till seen since kept its token,
 * a revoked one stays revoked, and a key or id in use elsewhere is not taken.
 */
export async function reenrollTill(
  db: Db,
  input: { venueId: string; tillId: string; name: string; publicKey: string },
  actor: AuthUser,
  ip: string | null,
): Promise<{ tillId: string; deviceToken: string; venueId: string; name: string }> {
  assertPublicKey(input.publicKey);
  await getVenue(db, input.venueId);
  const deviceToken = newOpaqueToken();
  await db
    .transaction(async (tx) => {
      const found = await tx
        .select()
        .from(tills)
        .where(or(eq(tills.id, input.tillId), eq(tills.publicKey, input.publicKey)))
        .for('update');
      const same = found.find((t) => t.id === input.tillId && t.publicKey === input.publicKey);
      if (found.length > (same ? 1 : 0) || (same && same.venueId !== input.venueId))
        throw conflict('another till has this id or key: enroll the device as a new till');
      if (same && same.status !== 'active')
        throw conflict('this till is revoked: it cannot be enrolled again');
      // A till that has reached the server kept its token since: nothing to
      // mend, and a new token would cut a working till off.
      if (same?.lastSeenAt)
        throw conflict('this till has reached the server with its token, which still works');
      await storeTill(tx, { ...input, id: input.tillId, deviceToken }, Boolean(same));
      await audit(tx, {
        actor,
        action: 'till.reenroll',
        venueId: input.venueId,
        target: input.tillId,
        before: same ? { name: same.name, token: 'replaced' } : null,
        after: { name: input.name, publicKey: input.publicKey, restored: !same },
        ip,
      });
    })
    .catch((err: unknown) => {
      // Two tries at once for a missing till both inserted it. Not run again
      // as a retry: that would replace the token the first one handed out.
      if (hasSqlState(err, UNIQUE_VIOLATION))
        throw conflict('this till was re-enrolled at this very moment by another request');
      throw err;
    });
  return { tillId: input.tillId, deviceToken, venueId: input.venueId, name: input.name };
}

export async function getTill(db: Db, tillId: string) {
  const [till] = await db.select().from(tills).where(eq(tills.id, tillId));
  if (!till) throw notFound('till');
  return till;
}

/**
 * Revokes a till. Its token still authenticates so its queued ops reach
 * the server, but they are held (`revoked_till`) for an admin.
 */
export function revokeTill(db: Db, tillId: string, actor: AuthUser, ip: string | null) {
  return db.transaction((tx) => revokeTillIn(tx, tillId, actor, ip));
}

/**
 * `revokeTill` inside `tx`. It takes the lock a push of the till holds
 * while it replays (`lockTillPushes`): a push running now finishes first,
 * and one that starts later reads the till revoked, so no op applies after
 * the revocation (§4 step 5). Pushes pay nothing more for this.
 */
export async function revokeTillIn(tx: Tx, tillId: string, actor: AuthUser, ip: string | null) {
  await lockTillPushes(tx, tillId);
  const [before] = await tx.select().from(tills).where(eq(tills.id, tillId)).for('update');
  if (!before) throw notFound('till');
  // Revoked already (a second click, a retry): the same answer, and the first time stands.
  if (before.status === 'revoked')
    return { tillId: before.id, venueId: before.venueId, status: before.status };
  const [till] = await tx
    .update(tills)
    .set({ status: 'revoked', revokedAt: new Date() })
    .where(eq(tills.id, tillId))
    .returning();
  if (!till) throw notFound('till');
  await audit(tx, {
    actor,
    action: 'till.revoke',
    venueId: till.venueId,
    target: tillId,
    before: { status: before.status },
    after: { status: 'revoked' },
    ip,
  });
  return { tillId: till.id, venueId: till.venueId, status: till.status };
}

/**
 * Clears a till's flag once an admin has looked into it, so that the next
 * breach of the offline rules stands out. Only the flag the admin saw
 * (`seenFlaggedAt`): a breach since then, from a screen left open, would
 * otherwise be cleared unseen (409). The security log keeps every flag
 * raised, and the audit log this clearing. Already clear: done.
 */
export async function clearTillFlag(
  db: Db,
  input: { tillId: string; seenFlaggedAt: string },
  actor: AuthUser,
  ip: string | null,
) {
  const { tillId } = input;
  await db.transaction(async (tx) => {
    const [before] = await tx.select().from(tills).where(eq(tills.id, tillId)).for('update');
    if (!before) throw notFound('till');
    if (!before.flaggedAt) return;
    if (before.flaggedAt.toISOString() !== new Date(input.seenFlaggedAt).toISOString())
      throw conflict(
        `the till was flagged again since (${before.flagReason}, ${before.flaggedAt.toISOString()}): look at the new flag first`,
      );
    await tx.update(tills).set({ flaggedAt: null, flagReason: null }).where(eq(tills.id, tillId));
    await audit(tx, {
      actor,
      action: 'till.clear_flag',
      venueId: before.venueId,
      target: tillId,
      before: { flagReason: before.flagReason, flaggedAt: before.flaggedAt.toISOString() },
      after: { flagReason: null },
      ip,
    });
  });
}

/**
 * Finds the till of a device token. The fields cached are immutable for a
 * till's life (id, venue, key); its status is read inside each push. Its
 * token is not: a retried enrolment replaces the token of a till never seen,
 * and a token this process resolved before that (a request that failed
 * before the till was marked seen) keeps working here until a restart.
 */
export function createTillTokenResolver(db: Db) {
  const cache = new Map<string, AuthedTill>();
  return async (deviceToken: string): Promise<AuthedTill | null> => {
    const tokenHash = hashToken(deviceToken);
    const cached = cache.get(tokenHash);
    if (cached) return cached;
    const [row] = await db
      .select({ id: tills.id, venueId: tills.venueId, publicKey: tills.publicKey })
      .from(tills)
      .where(eq(tills.deviceTokenHash, tokenHash));
    const key = row ? fromBase64Url(row.publicKey) : null;
    if (!row || !key) return null;
    const till = { id: row.id, venueId: row.venueId, publicKey: key };
    if (cache.size > 10_000) cache.clear();
    cache.set(tokenHash, till);
    return till;
  };
}
