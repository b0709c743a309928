import { createHash, createHmac, randomBytes } from 'node:crypto';
import { type Role, roleSchema } from '@niteos/schema/wire';
import { sign, verify } from 'hono/jwt';
import { z } from 'zod';
import type { AuthUser } from '../context.ts';

/** Access tokens are short-lived: revocation is by refresh-token family. */
export const ACCESS_TOKEN_SECONDS = 15 * 60;
export const REFRESH_TOKEN_SECONDS = 30 * 24 * 3600;

const claimsSchema = z.object({
  sub: z.string(),
  role: roleSchema,
  venueId: z.string().nullable(),
  iat: z.number(),
  /** Issue time in ms: `iat` is whole seconds, too coarse to order against a sign-out. */
  iatMs: z.number().optional(),
  exp: z.number(),
});

export function signAccessToken(user: AuthUser, secret: string, nowMs: number): Promise<string> {
  const nowSeconds = Math.floor(nowMs / 1000);
  return sign(
    {
      sub: user.id,
      role: user.role,
      venueId: user.venueId,
      iat: nowSeconds,
      iatMs: nowMs,
      exp: nowSeconds + ACCESS_TOKEN_SECONDS,
    },
    secret,
    'HS256',
  );
}

/**
 * The user of a valid, unexpired access token and when it was issued (ms),
 * or null. A token from before `iatMs` counts from the start of its second.
 */
export async function readAccessToken(
  token: string,
  secret: string,
): Promise<(AuthUser & { issuedAtMs: number }) | null> {
  try {
    const claims = claimsSchema.parse(await verify(token, secret, 'HS256'));
    return {
      id: claims.sub,
      role: claims.role as Role,
      venueId: claims.venueId,
      issuedAtMs: claims.iatMs ?? claims.iat * 1000,
    };
  } catch {
    return null;
  }
}

/** KV key: access tokens of this user issued at or before its value (epoch ms) are void. */
export const revokedBeforeKey = (userId: string) => `revoked-before:${userId}`;

/**
 * The time a `revokedBeforeKey` value voids tokens up to, in ms. Releases
 * before ms wrote epoch seconds + 1 (a value under 1e11): read as such
 * until those values expire, within one access-token lifetime.
 */
export function revokedUpToMs(stored: string | null): number {
  const value = Number(stored ?? 0);
  return value < 1e11 ? value * 1000 : value;
}

/**
 * The refresh token that replaces `token`: derived from it, not random, so
 * a client whose refresh reply was lost and who sends `token` again can be
 * given the same replacement (see `refresh`). 32 bytes, base64url.
 */
export function successorToken(token: string, secret: string): string {
  return createHmac('sha256', secret)
    .update(`niteos/refresh-successor\n${token}`)
    .digest('base64url');
}

/** A random bearer secret (device tokens, refresh tokens): 32 bytes, base64url. */
export function newOpaqueToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Opaque tokens are stored only as their SHA-256, so a database leak leaks no token. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** The bearer token of an `Authorization` header, or null. */
export function bearerToken(header: string | undefined): string | null {
  const match = header?.match(/^Bearer\s+(\S+)$/i);
  return match?.[1] ?? null;
}
