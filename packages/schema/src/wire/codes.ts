/**
 * Every status, reason and error code that crosses the wire. Server and
 * clients import these constants instead of spelling the strings, so a
 * renamed code fails to compile rather than failing at the bar.
 */

/** Final status of one pushed op (sync protocol §4). */
export const OpStatus = {
  applied: 'applied',
  held: 'held',
  rejected: 'rejected',
} as const;
export type OpStatus = (typeof OpStatus)[keyof typeof OpStatus];

/** Why an op was rejected: it leaves the till's queue and is shown to staff. */
export const RejectReason = {
  schema: 'schema',
  unknownTill: 'unknown_till',
  venueMismatch: 'venue_mismatch',
  badSignature: 'bad_signature',
  idReuse: 'id_reuse',
  voidMismatch: 'void_mismatch',
  alreadyVoided: 'already_voided',
} as const;
export type RejectReason = (typeof RejectReason)[keyof typeof RejectReason];

/** Why an op was held: it is in the server's hands, waiting for an admin. */
export const HoldReason = {
  revokedTill: 'revoked_till',
  chainFork: 'chain_fork',
  chainBreak: 'chain_break',
  insufficientFunds: 'insufficient_funds',
  blockedTag: 'blocked_tag',
  unknownWallet: 'unknown_wallet',
  voidTargetMissing: 'void_target_missing',
} as const;
export type HoldReason = (typeof HoldReason)[keyof typeof HoldReason];

export type OpReason = RejectReason | HoldReason;

/** How an admin settles a held op (sync protocol §7). */
export const Resolution = {
  accept: 'accept',
  writeOff: 'write_off',
  reject: 'reject',
} as const;
export type Resolution = (typeof Resolution)[keyof typeof Resolution];

/** `error.code` of an error reply (`errorReplySchema`). */
export const ErrorCode = {
  badJson: 'bad_json',
  badRequest: 'bad_request',
  unauthorized: 'unauthorized',
  forbidden: 'forbidden',
  notFound: 'not_found',
  conflict: 'conflict',
  payloadTooLarge: 'payload_too_large',
  rateLimited: 'rate_limited',
  unavailable: 'unavailable',
  internal: 'internal',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Roles of signed-in users (sync protocol §8). */
export const Role = {
  guest: 'guest',
  staff: 'staff',
  venueAdmin: 'venue_admin',
  nitecoreAdmin: 'nitecore_admin',
} as const;
export type Role = (typeof Role)[keyof typeof Role];
