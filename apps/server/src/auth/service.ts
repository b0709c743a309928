import { randomUUID } from 'node:crypto';
import { analyticsOutbox, refreshTokens, users } from '@niteos/schema/tables';
import { type LoginResponse, Role } from '@niteos/schema/wire';
import { and, eq, isNull } from 'drizzle-orm';
import { signInEvent } from '../analytics/events.ts';
import type { AuthUser } from '../context.ts';
import type { Db, Tx } from '../db/database.ts';
import { ConfigError } from '../env.ts';
import { forbidden, unauthorized } from '../errors.ts';
import type { KvStore } from '../kv/store.ts';
import { hashSecret, verifySecret } from './passwords.ts';
import {
  ACCESS_TOKEN_SECONDS,
  hashToken,
  newOpaqueToken,
  REFRESH_TOKEN_SECONDS,
  revokedBeforeKey,
  signAccessToken,
  successorToken,
} from './tokens.ts';

const ACCOUNT_DISABLED = 'this account is disabled: ask your venue admin';

/** Spent on unknown emails too, so response time does not reveal which exist. */
const DUMMY_HASH = hashSecret('not-a-real-password');

/**
 * A new login: its first refresh token and a sign-in event, in one
 * transaction, for `account` as its password was checked.
 */
async function issueTokens(
  db: Db,
  account: { id: string; passwordHash: string },
  secret: string,
): Promise<LoginResponse> {
  const familyId = randomUUID();
  const refreshToken = newOpaqueToken();
  const { user, nowMs } = await db.transaction(async (tx) => {
    // Under the user's lock: an account disabled (or given another role)
    // while its password was checked gets no tokens (or tokens of the new
    // role); one whose password an admin reset meanwhile gets none either,
    // or the sign-out that follows the reset would miss this login.
    const user = await lockEnabledUser(tx, account.id, account.passwordHash);
    // Read under the lock, like a sign-out-everywhere's cut-off: a token made
    // after one is never dated before it.
    const nowMs = Date.now();
    const now = Math.floor(nowMs / 1000);
    await tx.insert(refreshTokens).values({
      tokenHash: hashToken(refreshToken),
      userId: user.id,
      familyId,
      expiresAt: new Date((now + REFRESH_TOKEN_SECONDS) * 1000),
    });
    await tx.insert(analyticsOutbox).values(
      signInEvent({
        id: familyId,
        userId: user.id,
        role: user.role,
        venueId: user.venueId,
        at: new Date(now * 1000),
      }),
    );
    return { user, nowMs };
  });
  return {
    accessToken: await signAccessToken(user, secret, nowMs),
    refreshToken,
    user: { id: user.id, role: user.role, venueId: user.venueId },
  };
}

/** The account signing in as `email` (any case), or null when there is none. */
export async function accountFor(db: Db, email: string) {
  const [row] = await db.select().from(users).where(eq(users.email, email.toLowerCase()));
  return row ?? null;
}

type Account = NonNullable<Awaited<ReturnType<typeof accountFor>>>;

/**
 * Checks `password` against `account` (found by `accountFor`) and issues
 * tokens; returns the account it signed in too, known to exist from here on.
 */
export async function signIn(
  db: Db,
  secret: string,
  account: Account | null,
  password: string,
): Promise<{ session: LoginResponse; account: Account }> {
  // Without an account, a hash is still checked: the reply takes as long.
  const ok = await verifySecret(password, account?.passwordHash ?? (await DUMMY_HASH));
  if (!account || !ok) throw unauthorized('wrong email or password');
  // Said only to someone who knows the password, so it reveals nothing more.
  if (account.disabledAt) throw forbidden(ACCOUNT_DISABLED);
  return { session: await issueTokens(db, account, secret), account };
}

export async function login(
  db: Db,
  secret: string,
  email: string,
  password: string,
): Promise<LoginResponse> {
  return (await signIn(db, secret, await accountFor(db, email), password)).session;
}

/**
 * How long after a refresh token was spent the same token may be sent again
 * and get the same replacement, as long as that replacement was never used:
 * the reply to the first try was lost (venue Wi-Fi), and the client tries
 * again with what it has. Past this, or once the replacement was used, a
 * second use of a token is taken for theft, unless it comes from the
 * browser that spent it (its session-device cookie): a phone that locked
 * before its retries got through sends it again when it wakes. Short on
 * purpose: within it, a thief holding the same token gets the same
 * replacement instead of setting off the theft check.
 */
export const REFRESH_RETRY_SECONDS = 60;

/**
 * Trades a refresh token for a new pair. A token used twice means it was
 * stolen: the whole family (every token of that login) is revoked, unless
 * it is the retry of a refresh whose answer never arrived (see
 * `REFRESH_RETRY_SECONDS`). `device` is the hash of the sending browser's
 * session-device cookie.
 */
export async function refresh(
  db: Db,
  secret: string,
  token: string,
  device: string,
): Promise<LoginResponse> {
  const tokenHash = hashToken(token);
  const [row] = await db
    .select({ t: refreshTokens, u: users })
    .from(refreshTokens)
    .innerJoin(users, eq(users.id, refreshTokens.userId))
    .where(eq(refreshTokens.tokenHash, tokenHash));
  if (!row || row.t.revokedAt || row.t.expiresAt < new Date())
    throw unauthorized('refresh token invalid');
  const next = successorToken(token, secret);
  const nowMs = Date.now();
  const now = Math.floor(nowMs / 1000);
  // Spent and replaced in one transaction: a second try that finds the
  // token spent also finds its replacement.
  const { spentNow, user } = await db.transaction(async (tx) => {
    const user = await lockEnabledUser(tx, row.u.id);
    const spent = await tx
      .update(refreshTokens)
      .set({ usedAt: new Date(now * 1000), spentBy: device })
      .where(
        and(
          eq(refreshTokens.tokenHash, tokenHash),
          isNull(refreshTokens.usedAt),
          // A sign-out that landed since the read above wins.
          isNull(refreshTokens.revokedAt),
        ),
      )
      .returning({ tokenHash: refreshTokens.tokenHash });
    if (spent.length === 0) return { spentNow: false, user };
    await tx.insert(refreshTokens).values({
      tokenHash: hashToken(next),
      userId: row.u.id,
      familyId: row.t.familyId,
      expiresAt: new Date((now + REFRESH_TOKEN_SECONDS) * 1000),
    });
    return { spentNow: true, user };
  });
  const sameBrowser = row.t.spentBy === device;
  if (!spentNow && !(await isUnansweredRetry(db, row.t.usedAt, sameBrowser, next, now))) {
    await revokeFamily(db, row.u.id, row.t.familyId);
    throw unauthorized('refresh token reused: every session of this login is signed out');
  }
  return {
    accessToken: await signAccessToken(user, secret, nowMs),
    refreshToken: next,
    user: { id: user.id, role: user.role, venueId: user.venueId },
  };
}

/**
 * Whether a spent token sent again is a retry whose answer was lost: spent
 * lately (or by a try running alongside, when it read the row unspent) or
 * by the same browser, and its replacement never used nor revoked.
 */
async function isUnansweredRetry(
  db: Db,
  usedAt: Date | null,
  sameBrowser: boolean,
  next: string,
  nowSeconds: number,
): Promise<boolean> {
  const lately = !usedAt || usedAt.getTime() >= (nowSeconds - REFRESH_RETRY_SECONDS) * 1000;
  if (!lately && !sameBrowser) return false;
  const [replacement] = await db
    .select({ usedAt: refreshTokens.usedAt, revokedAt: refreshTokens.revokedAt })
    .from(refreshTokens)
    .where(eq(refreshTokens.tokenHash, hashToken(next)));
  return replacement !== undefined && !replacement.usedAt && !replacement.revokedAt;
}

/**
 * Creates the first Nitecore admin from configuration when none exists
 * yet; never touches an existing admin. Returns true when it created one.
 *
 * Throws when there is no Nitecore admin and the configured email belongs
 * to another account (a guest who signed up with it, say): the server
 * would otherwise run with no one able to administer it, and an account
 * someone else may have made is never promoted. That only happens on a
 * database still being set up (nothing creates venues without a Nitecore
 * admin), so refusing to start takes nothing down; deploy.sh stops at the
 * first port and says so.
 */
export async function bootstrapAdmin(
  db: Db,
  admin: { email: string; password: string } | null,
): Promise<boolean> {
  if (!admin) return false;
  const existing = await db
    .select({ id: users.id })
    .from(users)
    .where(eq(users.role, Role.nitecoreAdmin))
    .limit(1);
  if (existing.length > 0) return false;
  const email = admin.email.toLowerCase();
  const created = await db
    .insert(users)
    .values({
      id: randomUUID(),
      email,
      passwordHash: await hashSecret(admin.password),
      role: Role.nitecoreAdmin,
      displayName: 'Nitecore admin',
    })
    .onConflictDoNothing()
    .returning({ id: users.id });
  if (created.length > 0) return true;
  // Another server process starting at the same moment may have created it.
  const [holder] = await db.select({ role: users.role }).from(users).where(eq(users.email, email));
  if (holder?.role === Role.nitecoreAdmin) return false;
  throw new ConfigError(
    `invalid configuration: no Nitecore admin exists and the bootstrap admin's email ${email} ` +
      `(NITEOS_BOOTSTRAP_ADMIN_EMAIL) belongs to a ${holder?.role ?? 'user'} account, which is never ` +
      'made an admin: set NITEOS_BOOTSTRAP_ADMIN_EMAIL to an address no account uses',
  );
}

/** Ends one login: its refresh-token family can no longer be used. Unknown tokens are ignored. */
export async function logout(db: Db, token: string): Promise<void> {
  const [row] = await db
    .select({ familyId: refreshTokens.familyId, userId: refreshTokens.userId })
    .from(refreshTokens)
    .where(eq(refreshTokens.tokenHash, hashToken(token)));
  if (!row) return;
  await revokeFamily(db, row.userId, row.familyId);
}

/** Revokes every token of one login, after any refresh of the user running now has committed. */
async function revokeFamily(db: Db, userId: string, familyId: string): Promise<void> {
  await db.transaction(async (tx) => {
    await lockUser(tx, userId);
    await tx
      .update(refreshTokens)
      .set({ revokedAt: new Date() })
      .where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)));
  });
}

/**
 * Refreshes and sign-outs of one user take turns on the user's row. Else a
 * sign-out running while a refresh commits revokes the spent token but not
 * its successor, inserted after the sign-out's UPDATE took its snapshot, and
 * that successor keeps the session alive past the sign-out.
 */
async function lockUser(tx: Tx, userId: string) {
  const [row] = await tx
    .select({
      id: users.id,
      role: users.role,
      venueId: users.venueId,
      disabledAt: users.disabledAt,
      passwordHash: users.passwordHash,
    })
    .from(users)
    .where(eq(users.id, userId))
    .for('update');
  return row;
}

/**
 * `lockUser`, refusing an account an admin has disabled (401, not 403: a
 * client takes it as "signed out", which the disabled account now is), and,
 * given the password hash a sign-in checked, one whose password changed
 * since. Returns the user as it stands under the lock: tokens name the role
 * an admin may just have changed, not the one read before.
 */
async function lockEnabledUser(tx: Tx, userId: string, checkedHash?: string): Promise<AuthUser> {
  const row = await lockUser(tx, userId);
  if (!row) throw unauthorized();
  if (row.disabledAt) throw unauthorized(ACCOUNT_DISABLED);
  if (checkedHash !== undefined && row.passwordHash !== checkedHash)
    throw unauthorized('wrong email or password');
  return { id: row.id, role: row.role as Role, venueId: row.venueId };
}

/**
 * "Sign out everywhere": every refresh token of the user is revoked, and
 * access tokens issued until now are refused (until they would have expired anyway).
 */
export async function logoutEverywhere(db: Db, kv: KvStore, userId: string): Promise<void> {
  const cutoff = await db.transaction(async (tx) => {
    await lockUser(tx, userId);
    // Read under the lock: a refresh or sign-in that had the lock first
    // dated its access token before this, and one that waited for it after.
    const nowMs = Date.now();
    await tx
      .update(refreshTokens)
      .set({ revokedAt: new Date(nowMs) })
      .where(and(eq(refreshTokens.userId, userId), isNull(refreshTokens.revokedAt)));
    return nowMs;
  });
  // In ms: a sign-in right after, even within the same second, is not refused.
  await kv.set(revokedBeforeKey(userId), String(cutoff), ACCESS_TOKEN_SECONDS + 60);
}
