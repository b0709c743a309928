import { z } from 'zod';
import { HoldReason, OpStatus, RejectReason } from './codes.ts';
import { PUSH_MAX_OPS } from './envelope.ts';

/** An RFC 3339 UTC time as the server writes it (`Date.toISOString`). */
export const serverTimeSchema = z.iso.datetime();

/**
 * Body of `POST /api/sync/push`. Each op is kept `unknown` here: a bad op
 * is rejected on its own (`schema`) without failing the whole push.
 */
export const pushRequestSchema = z.strictObject({
  tillId: z.string().min(1).max(128),
  ops: z.array(z.unknown()).max(PUSH_MAX_OPS),
});
export type PushRequest = z.infer<typeof pushRequestSchema>;

/** One signed op as it travels: the envelope and its base64url signature. */
export const signedOpSchema = z.strictObject({
  envelope: z.unknown(),
  sig: z.string().max(128),
});
export type SignedOp = { envelope: unknown; sig: string };

/**
 * One op's result (§4): what the till does with the op next. Response
 * schemas are plain objects: a client should ignore fields it does not
 * know, as servers may add some (as they added `more` and `chain`).
 */
export const opResultSchema = z.object({
  id: z.string(),
  status: z.enum(OpStatus),
  duplicate: z.boolean(),
  reason: z.enum({ ...RejectReason, ...HoldReason }).nullable(),
  balanceNc: z.int().nullable(),
  xp: z.int().nullable(),
  level: z.int().nullable(),
});
export type OpResult = z.infer<typeof opResultSchema>;

/** Reply 200 of `POST /api/sync/push`: one result per op, in request order. */
export const pushResponseSchema = z.object({
  results: z.array(opResultSchema),
  serverTime: serverTimeSchema,
});
export type PushResponse = z.infer<typeof pushResponseSchema>;

export const catalogItemSchema = z.object({
  itemId: z.string(),
  name: z.string(),
  category: z.string(),
  priceNc: z.int(),
  priceChf: z.int(),
  available: z.boolean(),
});
export type CatalogItem = z.infer<typeof catalogItemSchema>;

export const walletSnapshotSchema = z.object({
  nitetapId: z.string(),
  balanceNc: z.int(),
  xp: z.int(),
  level: z.int(),
  asOf: serverTimeSchema,
});
export type WalletSnapshot = z.infer<typeof walletSnapshotSchema>;

/** The numbers of the balance rules (sync protocol §6), per venue. */
export const policySchema = z.strictObject({
  offlineCapNc: z.int().min(0),
  unknownWalletCapNc: z.int().min(0),
  overdraftLimitNc: z.int().min(0),
});
export type Policy = z.infer<typeof policySchema>;

/** The policy as replies carry it: like every reply object, it may gain fields. */
export const policyReplySchema = z.object(policySchema.shape);

/**
 * What a till needs to check a staff PIN offline: the salted slow hash
 * (`scrypt$N$r$p$salt$hash`, base64url), never the PIN.
 */
export const staffCredentialSchema = z.object({
  staffId: z.string(),
  name: z.string(),
  role: z.enum(['staff', 'venue_admin']),
  pinHash: z.string(),
});
export type StaffCredential = z.infer<typeof staffCredentialSchema>;

/**
 * The seqs of one till's ops the server holds: every seq up to `lastSeq`
 * except those in `missing`, ranges of seqs `s` with `after < s < before`
 * (the newest 100 ranges at most). An op the till
 * was told was `applied` or `held` that is not among them was lost by the
 * server, most likely restored from a backup: the till sends it again,
 * which is always safe (§4, step 4).
 */
export const tillChainStateSchema = z.object({
  lastSeq: z.int(),
  missing: z.array(z.object({ after: z.int(), before: z.int() })),
});
export type TillChainState = z.infer<typeof tillChainStateSchema>;

/** Reply 200 of `GET /api/sync/pull` (§5), with this server's extras described. */
export const pullResponseSchema = z.object({
  cursor: z.string(),
  more: z
    .boolean()
    .describe(
      'Extra to the contract: more wallet snapshots changed than one reply carries; pull again with `cursor` at once for the next page.',
    ),
  catalog: z.array(catalogItemSchema),
  blockedTags: z.array(z.string()),
  wallets: z.array(walletSnapshotSchema),
  policy: policyReplySchema,
  staff: z
    .array(staffCredentialSchema)
    .describe('Extra to the contract: the venue staff who may sign in at a till.'),
  venueName: z.string(),
  chain: tillChainStateSchema
    .optional()
    .describe(
      "Extra to the contract (protocol 3): which of this till's ops the server holds, so a till can send again those it lost; absent from servers before protocol 3.",
    ),
  serverTime: serverTimeSchema,
});
export type PullResponse = z.infer<typeof pullResponseSchema>;
