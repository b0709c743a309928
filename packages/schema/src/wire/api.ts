import { z } from 'zod';
import { ErrorCode, Resolution, Role } from './codes.ts';
import { policyReplySchema, serverTimeSchema, walletSnapshotSchema } from './sync.ts';

/** Request bodies of the endpoints of sync protocol §8. */
export const loginRequestSchema = z.strictObject({
  email: z.email().max(254),
  password: z.string().min(1).max(1024),
});

export const refreshRequestSchema = z.strictObject({
  refreshToken: z.string().min(1).max(512),
});

export const createVenueSchema = z.strictObject({
  name: z.string().trim().min(1).max(120),
  slug: z
    .string()
    .regex(/^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/, 'lower-case letters, digits and dashes'),
  city: z.string().trim().min(1).max(120),
});

export const enrollTillSchema = z.strictObject({
  name: z.string().trim().min(1).max(120),
  /** base64url, no padding, 32 bytes. */
  publicKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'base64url Ed25519 public key (32 bytes)'),
});

export const resolveConflictSchema = z.strictObject({
  resolution: z.enum([Resolution.accept, Resolution.writeOff, Resolution.reject]),
  note: z.string().max(2000).default(''),
});

export const roleSchema = z.enum([Role.guest, Role.staff, Role.venueAdmin, Role.nitecoreAdmin]);

/**
 * The body of an error reply (sync protocol §8): every non-2xx JSON reply
 * but the 503 of `/api/health`, which is its readiness report.
 */
export const errorReplySchema = z.object({
  error: z.object({
    code: z.enum(ErrorCode),
    message: z.string(),
  }),
});
export type ErrorReply = z.infer<typeof errorReplySchema>;

/**
 * Replies of the endpoints of §8. Plain objects, like the sync replies: a
 * client should ignore fields it does not know.
 */
export const loginResponseSchema = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  user: z.object({ id: z.string(), role: roleSchema, venueId: z.string().nullable() }),
});
export type LoginResponse = z.infer<typeof loginResponseSchema>;

export const venueViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  slug: z.string(),
  city: z.string(),
  status: z.string(),
  radioUrl: z.string().nullable(),
  policy: policyReplySchema,
  createdAt: serverTimeSchema,
});

export const enrolledTillSchema = z.object({
  tillId: z.string(),
  deviceToken: z.string(),
  venueId: z.string(),
  name: z.string(),
});

export const revokedTillSchema = z.object({
  tillId: z.string(),
  venueId: z.string(),
  status: z.literal('revoked'),
});

/** `GET /api/wallets/:nitetapId`: a pull's snapshot of the wallet, with its status. */
export const walletViewSchema = walletSnapshotSchema
  .omit({ asOf: true })
  .extend({ status: z.enum(['active', 'blocked']) });

export const conflictViewSchema = z.object({
  id: z.string(),
  opId: z.string(),
  reason: z.string(),
  venueId: z.string(),
  amountNc: z.int(),
  nitetapId: z.string().nullable(),
  createdAt: serverTimeSchema,
  status: z.enum(['open', 'resolved']),
  resolution: z.enum(Resolution).nullable(),
});
export type ConflictView = z.infer<typeof conflictViewSchema>;

export const conflictListSchema = z.object({
  conflicts: z.array(conflictViewSchema),
  more: z.boolean().describe('Extra to the contract: more conflicts than one reply lists.'),
});

/** `GET /api/health`, 200 or 503: each check has a status, and more fields of its own. */
export const healthSchema = z.object({
  status: z.enum(['ok', 'degraded', 'down']),
  checks: z.record(z.string(), z.looseObject({ status: z.string() })),
  version: z.string(),
  uptimeSeconds: z.int(),
});
