import { users } from '@niteos/schema/tables';
import { Role } from '@niteos/schema/wire';
import { eq } from 'drizzle-orm';
import type { MiddlewareHandler } from 'hono';
import type { AppDeps, AppEnv, AuthUser } from '../context.ts';
import { forbidden, unauthorized } from '../errors.ts';
import { bearerToken, readAccessToken, revokedBeforeKey, revokedUpToMs } from './tokens.ts';

/**
 * The one guard for user routes: a valid access token (401 otherwise) and
 * one of `roles` (403 otherwise). Venue boundaries: `assertVenueAccess`.
 */
export function requireRole(deps: AppDeps, ...roles: Role[]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = bearerToken(c.req.header('authorization'));
    const claims = token ? await readAccessToken(token, deps.jwtSecret) : null;
    if (!claims) throw unauthorized();
    const revokedUpTo = revokedUpToMs(await deps.kv.get(revokedBeforeKey(claims.id)));
    if (claims.issuedAtMs <= revokedUpTo)
      throw unauthorized('signed out everywhere: sign in again');
    if (deps.kv.kind === 'memory') await assertAccountAsClaimed(deps, claims);
    if (!roles.includes(claims.role)) throw forbidden();
    c.set('user', { id: claims.id, role: claims.role, venueId: claims.venueId });
    await next();
  };
}

/**
 * The in-process store forgets at a restart (a deploy, a crash, a venue
 * box's reboot) whom it signed out: a disabled or demoted person's token
 * would work again until it expires. Without Redis, the account is read
 * instead (one indexed row; such a server is small): disabled, or no longer
 * the role and venue the token names, it renews or signs in again.
 */
async function assertAccountAsClaimed(deps: AppDeps, claims: AuthUser) {
  const [account] = await deps.database.db
    .select({ role: users.role, venueId: users.venueId, disabledAt: users.disabledAt })
    .from(users)
    .where(eq(users.id, claims.id));
  if (!account || account.disabledAt)
    throw unauthorized('this account is disabled or gone: sign in again');
  if (account.role !== claims.role || account.venueId !== claims.venueId)
    throw unauthorized('this account changed: renew the token');
}

/** Nitecore admins act everywhere; everyone else only in their own venue. */
export function canActInVenue(user: AuthUser, venueId: string): boolean {
  return user.role === Role.nitecoreAdmin || user.venueId === venueId;
}

export function assertVenueAccess(user: AuthUser, venueId: string): void {
  if (!canActInVenue(user, venueId)) throw forbidden('this belongs to another venue');
}

export const ADMINS = [Role.venueAdmin, Role.nitecoreAdmin] as const;
export const ALL_ROLES = [Role.guest, Role.staff, Role.venueAdmin, Role.nitecoreAdmin] as const;
