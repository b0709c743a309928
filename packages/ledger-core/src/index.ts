/**
 * NiteOS ledger core: the pure rules shared by tills and server. No I/O,
 * no clock, no randomness: callers pass time, ids and crypto in.
 */
export { type AccountRef, accountId, type Posting } from './accounts.ts';
export { fromBase64Url, toBase64Url } from './base64url.ts';
export {
  canonicalEnvelope,
  canonicalHash,
  chainHash,
  OP_SIGNING_PREFIX,
  type Sha256,
  signingMessage,
} from './canonical.ts';
export { advanceChain, type ChainState, GENESIS, nextLink } from './chain-state.ts';
export { claimCode, normalizeClaimCode } from './claim.ts';
export { type EnvelopeCheck, normalizeNitetapId, validateEnvelope } from './envelope.ts';
export { type Chf, formatMinor, isMinorUnits, type Nc, parseMinor, sumMinor } from './money.ts';
export {
  DEFAULT_POLICY,
  POLICY_CHANGE_GRACE_DAYS,
  WALLET_SNAPSHOT_DAYS,
  WALLET_SNAPSHOT_TRUST_DAYS,
} from './policy.ts';
export { type ResolutionRefusal, resolutionEffect } from './resolution.ts';
export {
  applyEffect,
  basisJustifies,
  checkVoidTarget,
  decideReplay,
  type Effect,
  effectOf,
  isNcDebit,
  type ReplayDecision,
  type ReplayInput,
  redirectEffect,
  type TillRefusal,
  tillAcceptsPayment,
  type VoidCheck,
  type VoidTarget,
  type WalletState,
} from './rules.ts';
export {
  ED25519_PUBLIC_KEY_BYTES,
  ED25519_SIGNATURE_BYTES,
  type Ed25519Sign,
  type Ed25519Verify,
  type SignedEnvelope,
  signEnvelope,
  verifyCanonical,
} from './signature.ts';
export { levelForXp, xpForLevel, xpForSale } from './xp.ts';
