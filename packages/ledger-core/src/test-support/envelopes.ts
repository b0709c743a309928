/**
 * Test-only envelope builders: valid ops of every kind (sync protocol §3)
 * that a test changes one field of, so each table row shows only what it is about.
 */
import type { Envelope, OpLine } from '@niteos/schema/wire';
import { chainHash } from '../canonical.ts';

export const TILL_ID = 'till-1';
export const VENUE_ID = 'venue-1';
export const STAFF_ID = 'staff-1';
export const NITETAP_ID = '04a1b2c3d4e5f6';
export const AT = '2025-06-14T23:15:00Z';

/** A UUID v7-shaped id that is unique per (till, n). */
export function uuidFor(till: number, n: number): string {
  const hex = (value: number, width: number) => value.toString(16).padStart(width, '0');
  return `0190a6c2-${hex(till, 4)}-7000-8000-${hex(n, 12)}`;
}

/** A well-formed `prev` for seq > 1: the chain hash of some signature bytes. */
export const SOME_PREV = chainHash(new Uint8Array(64).fill(7));

/** Sum of the lines for one price column. */
export function sumLines(lines: readonly OpLine[], unit: 'unitNc' | 'unitChf'): number {
  return lines.reduce((total, line) => total + line.qty * line[unit], 0);
}

const BEER: OpLine = { itemId: 'beer-05', qty: 2, unitNc: 450, unitChf: 500 };

function base(op: Envelope['op']): Envelope {
  return {
    v: 1,
    op,
    id: uuidFor(1, 1),
    tillId: TILL_ID,
    venueId: VENUE_ID,
    staffId: STAFF_ID,
    seq: 1,
    prev: '',
    at: AT,
    nitetapId: NITETAP_ID,
    tender: 'nc',
    amountNc: 0,
    amountChf: 0,
    lines: [],
    voids: null,
    basis: { balanceNc: 5_000, asOf: '2025-06-14T22:00:00Z', pendingNc: 0 },
  };
}

/** An NC sale of two beers (900 NC minor units) from the default wallet. */
export function ncSale(overrides: Partial<Envelope> = {}): Envelope {
  const lines = overrides.lines ?? [BEER];
  return { ...base('sale'), lines, amountNc: sumLines(lines, 'unitNc'), ...overrides };
}

/** A cash sale to an unknown guest: CHF only, no wallet. */
export function cashSale(overrides: Partial<Envelope> = {}): Envelope {
  const lines = overrides.lines ?? [BEER];
  return {
    ...base('sale'),
    tender: 'cash',
    nitetapId: null,
    lines,
    amountChf: sumLines(lines, 'unitChf'),
    basis: { balanceNc: null, asOf: null, pendingNc: 0 },
    ...overrides,
  };
}

/** A 50 CHF cash topup crediting 5000 NC minor units. */
export function topup(overrides: Partial<Envelope> = {}): Envelope {
  return { ...base('topup'), tender: 'cash', amountNc: 5_000, amountChf: 5_000, ...overrides };
}

/** A cashout of 20 NC paid out as 20 CHF cash. */
export function cashout(overrides: Partial<Envelope> = {}): Envelope {
  return { ...base('cashout'), tender: 'cash', amountNc: 2_000, amountChf: 2_000, ...overrides };
}

/** A void that repeats `target` exactly, as the contract asks. */
export function voidOf(target: Envelope, overrides: Partial<Envelope> = {}): Envelope {
  return {
    ...target,
    op: 'void',
    id: uuidFor(1, 999),
    seq: target.seq + 1,
    prev: SOME_PREV,
    voids: target.id,
    ...overrides,
  };
}

/** Deterministic stand-in signature bytes for an op id (chain tests need no real keys). */
export function fakeSignature(id: string): Uint8Array {
  return new TextEncoder().encode(`sig:${id}`.padEnd(64, '.'));
}

/** Stamps drafts with one till's id, seq, prev chain and unique ids, in order. */
export function tillLog(tillNumber: number, tillId = `till-${tillNumber}`) {
  let seq = 0;
  let prev = '';
  return (draft: Envelope): Envelope => {
    seq += 1;
    const envelope: Envelope = { ...draft, tillId, seq, prev, id: uuidFor(tillNumber, seq) };
    prev = chainHash(fakeSignature(envelope.id));
    return envelope;
  };
}
