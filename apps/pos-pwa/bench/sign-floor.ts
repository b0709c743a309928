import { canonicalEnvelope, signingMessage } from '@niteos/ledger-core';
import type { Envelope } from '@niteos/schema/wire';
import * as ed from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';

/**
 * The till's signing step alone (RFC 8785 canonical form + @noble/ed25519,
 * the same libraries as src/crypto/ed25519.ts) in Node's V8: mean ms per op.
 */
export function signFloorMs(n = 300): number {
  ed.hashes.sha512 = sha512;
  const secretKey = ed.utils.randomSecretKey();
  const envelope: Envelope = {
    v: 1,
    op: 'sale',
    id: crypto.randomUUID(),
    tillId: crypto.randomUUID(),
    venueId: crypto.randomUUID(),
    staffId: crypto.randomUUID(),
    seq: 42,
    prev: 'A'.repeat(43),
    at: new Date().toISOString(),
    nitetapId: null,
    tender: 'cash',
    amountNc: 0,
    amountChf: 1000,
    lines: [{ itemId: crypto.randomUUID(), qty: 2, unitNc: 500, unitChf: 500 }],
    voids: null,
    basis: { balanceNc: null, asOf: null, pendingNc: 0 },
  };
  for (let i = 0; i < 50; i++) ed.sign(signingMessage(canonicalEnvelope(envelope)), secretKey);
  const t = performance.now();
  for (let i = 0; i < n; i++) ed.sign(signingMessage(canonicalEnvelope(envelope)), secretKey);
  return (performance.now() - t) / n;
}
