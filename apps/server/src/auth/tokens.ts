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
  exp: z.number(),
});

export function signAccessToken(
  user: AuthUser,
  secret: string,
  nowSeconds: number,
): Promise<string> {
  return sign(
    {
      sub: user.id,
      role: user.role,
      venueId: user.venueId,
      iat: nowSeconds,
      exp: nowSeconds + ACCESS_TOKEN_SECONDS,
    },
    secret,
    'HS256',
  );
}

/** The user of a valid, unexpired access token and when it was issued, or null. */
export async function readAccessToken(
  token: string,
  secret: string,
): Promise<(AuthUser & { issuedAt: number }) | null> {
  try {
    const claims = claimsSchema.parse(await verify(token, secret, 'HS256'));
    return {
      id: claims.sub,
      role: claims.role as Role,
      venueId: claims.venueId,
      issuedAt: claims.iat,
    };
  } catch {
    return null;
  }
}

/** KV key: access tokens of this user issued before its value (epoch seconds) are void. */
export const revokedBeforeKey = (userId: string) => `revoked-before:${userId}`;

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
