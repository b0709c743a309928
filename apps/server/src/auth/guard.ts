import { Role } from '@niteos/schema/wire';
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
    // The in-process store forgot at the restart who was signed out, disabled
    // or given a new role: a token from before it is not taken on its word.
    // Renewing reads the account afresh, so a client that may go on just does.
    if (deps.kv.kind === 'memory' && claims.issuedAtMs <= deps.startedAt.getTime())
      throw unauthorized('the server restarted: renew the token');
    if (!roles.includes(claims.role)) throw forbidden();
    c.set('user', { id: claims.id, role: claims.role, venueId: claims.venueId });
    await next();
  };
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
