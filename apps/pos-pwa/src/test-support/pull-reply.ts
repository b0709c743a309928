import { DEFAULT_POLICY } from '@niteos/ledger-core';
import type { PullResponse } from '@niteos/schema/wire';

/** A pull reply with nothing in it (and no `chain`, as from a server before protocol 3), plus `fields`. */
export function pullReply(fields: Partial<PullResponse> = {}): PullResponse {
  return {
    cursor: 'c1',
    more: false,
    catalog: [],
    blockedTags: [],
    wallets: [],
    policy: DEFAULT_POLICY,
    staff: [],
    venueName: 'Club',
    serverTime: new Date().toISOString(),
    ...fields,
  };
}
