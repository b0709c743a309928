import { DEFAULT_POLICY } from '@niteos/ledger-core';
import type { PullResponse } from '@niteos/schema/wire';

/**
 * A pull reply with nothing in it (and no `chain`, as from a server before
 * protocol 3), plus `fields`. Its server time is fixed, on the night the
 * tests' snapshots date from: the till drops snapshots older than the
 * server's window, so "now" would expire them as the calendar moves on.
 */
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
    serverTime: '2026-11-23T23:00:00.000Z',
    ...fields,
  };
}
