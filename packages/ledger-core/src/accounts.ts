/** The kinds of NC account; every ledger line names one. */
export type AccountRef =
  | { kind: 'wallet'; nitetapId: string }
  | { kind: 'venue_revenue' | 'issuance' | 'write_off'; venueId: string };

/**
 * Stable account id: `w:<nitetapId>` for wallets, `v:<venueId>:<kind>`
 * for a venue's own accounts. Deterministic so both sides agree without a lookup.
 */
export function accountId(ref: AccountRef): string {
  return ref.kind === 'wallet' ? `w:${ref.nitetapId}` : `v:${ref.venueId}:${ref.kind}`;
}

/** One double-entry line: positive credits the account, negative debits it. */
export interface Posting {
  account: AccountRef;
  amountNc: number;
}
