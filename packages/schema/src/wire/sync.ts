import { z } from 'zod';
import type { OpReason, OpStatus } from './codes.ts';
import { PUSH_MAX_OPS } from './envelope.ts';

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

export interface OpResult {
  id: string;
  status: OpStatus;
  duplicate: boolean;
  reason: OpReason | null;
  balanceNc: number | null;
  xp: number | null;
  level: number | null;
}

export interface PushResponse {
  results: OpResult[];
  serverTime: string;
}

export interface CatalogItem {
  itemId: string;
  name: string;
  category: string;
  priceNc: number;
  priceChf: number;
  available: boolean;
}

export interface WalletSnapshot {
  nitetapId: string;
  balanceNc: number;
  xp: number;
  level: number;
  asOf: string;
}

/** The numbers of the balance rules (sync protocol §6), per venue. */
export interface Policy {
  offlineCapNc: number;
  unknownWalletCapNc: number;
  overdraftLimitNc: number;
}

export const policySchema = z.strictObject({
  offlineCapNc: z.int().min(0),
  unknownWalletCapNc: z.int().min(0),
  overdraftLimitNc: z.int().min(0),
});

/**
 * What a till needs to check a staff PIN offline: the salted slow hash
 * (`scrypt$N$r$p$salt$hash`, base64url), never the PIN.
 */
export interface StaffCredential {
  staffId: string;
  name: string;
  role: 'staff' | 'venue_admin';
  pinHash: string;
}

export interface PullResponse {
  cursor: string;
  /**
   * Extra to the contract: more wallet snapshots changed than one reply
   * carries; pull again with `cursor` at once for the next page.
   */
  more: boolean;
  catalog: CatalogItem[];
  blockedTags: string[];
  wallets: WalletSnapshot[];
  policy: Policy;
  /** Extra to the contract: the venue's staff who may sign in at a till. */
  staff: StaffCredential[];
  venueName: string;
  /**
   * Extra to the contract (protocol 3): which of this till's ops the server
   * holds, so a till can send again those it lost (see TillChainState);
   * absent from servers before protocol 3.
   */
  chain?: TillChainState;
  serverTime: string;
}

/**
 * The seqs of one till's ops the server holds: every seq up to `lastSeq`
 * except those in `missing`, ranges of seqs `s` with `after < s < before`
 * (the newest 100 ranges at most). An op the till
 * was told was `applied` or `held` that is not among them was lost by the
 * server, most likely restored from a backup: the till sends it again,
 * which is always safe (§4, step 4).
 */
export interface TillChainState {
  lastSeq: number;
  missing: { after: number; before: number }[];
}
