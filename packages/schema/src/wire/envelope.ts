import { z } from 'zod';

/**
 * Version of the till sync protocol (shared/docs/sync-protocol.md).
 * History: 1 — first version: envelope v1, push, pull.
 * 2 — times may end in "+00:00" as well as "Z" (both RFC 3339 UTC), and
 * not be in year 0000; a till of version 1 is still understood.
 * 3 — pull carries `chain`: the till's seqs the server holds, so a till
 * sends again the ops a restored server lost; older tills ignore it.
 * Bump it with any change to the wire schemas in this folder; the wire
 * snapshot test fails until you do.
 */
export const SYNC_PROTOCOL_VERSION = 3;

/** Most ops one push may carry, and most bytes its body may have. */
export const PUSH_MAX_OPS = 500;
export const PUSH_MAX_BYTES = 1024 * 1024;

const id = z.string().min(1).max(128);
/** Integer within ±2^53, as the contract requires of every number. */
const safeInt = z.int();
const minor = z.int().min(0);
/**
 * RFC 3339 time in UTC, fractions allowed: "Z" as `toISOString` writes it,
 * or "+00:00" as many other languages' libraries do (the same instant).
 * Year 0000 is valid RFC 3339 but no PostgreSQL timestamp: reports and
 * analytics read these times as one, so a till's broken clock must not
 * store it (its push would fail, or every report after it).
 */
const utcTime = z.iso
  .datetime({ offset: true })
  .regex(/(?:Z|\+00:00)$/, 'must be UTC: end in Z or +00:00')
  .regex(/^(?!0000-)/, 'year 0000 is not a valid time');

/** NFC tag UID: 8 to 32 hex digits, compared lower-case. */
export const nitetapIdSchema = z
  .string()
  .regex(/^[0-9a-fA-F]{8,32}$/, 'must be 8 to 32 hex digits');

export const opKindSchema = z.enum(['sale', 'topup', 'cashout', 'void']);
export type OpKind = z.infer<typeof opKindSchema>;

export const tenderSchema = z.enum(['nc', 'cash', 'card']);
export type Tender = z.infer<typeof tenderSchema>;

export const opLineSchema = z.strictObject({
  itemId: id,
  qty: z.int().min(1),
  unitNc: minor,
  unitChf: minor,
});
export type OpLine = z.infer<typeof opLineSchema>;

export const basisSchema = z.strictObject({
  balanceNc: safeInt.nullable(),
  asOf: utcTime.nullable(),
  pendingNc: minor,
});
export type Basis = z.infer<typeof basisSchema>;

/**
 * Shape of the op envelope a till signs (sync protocol §3). Only the
 * shape: the rules that tie fields together live in ledger-core.
 */
export const envelopeSchema = z.strictObject({
  v: z.literal(1),
  op: opKindSchema,
  id: z.uuid(),
  tillId: id,
  venueId: id,
  staffId: id,
  seq: z.int().min(1),
  prev: z.string().max(64),
  at: utcTime,
  nitetapId: nitetapIdSchema.nullable(),
  tender: tenderSchema,
  amountNc: minor,
  amountChf: minor,
  lines: z.array(opLineSchema).max(500),
  voids: z.uuid().nullable(),
  basis: basisSchema,
});
export type Envelope = z.infer<typeof envelopeSchema>;
