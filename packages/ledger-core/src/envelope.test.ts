import type { Envelope } from '@niteos/schema/wire';
import { describe, expect, test } from 'vitest';
import { toBase64Url } from './base64url.ts';
import { normalizeNitetapId, validateEnvelope } from './envelope.ts';
import {
  cashout,
  cashSale,
  ncSale,
  SOME_PREV,
  topup,
  uuidFor,
  voidOf,
} from './test-support/envelopes.ts';

const TWO_POW_53 = 2 ** 53;
/** Well-formed base64url of the wrong length for a SHA-256. */
const PREV_31_BYTES = toBase64Url(new Uint8Array(31).fill(7));
const PREV_33_BYTES = toBase64Url(new Uint8Array(33).fill(7));
/** 32 bytes, spelled in the padded-base64 alphabet instead of base64url. */
const PREV_BASE64 = Buffer.from(new Uint8Array(32).fill(0xfb))
  .toString('base64')
  .replace(/=+$/, '');
/** 32 bytes whose last character sets bits that base64url must leave 0. */
const PREV_LOOSE = `${SOME_PREV.slice(0, -1)}${SOME_PREV.endsWith('B') ? 'C' : 'B'}`;

describe('validateEnvelope accepts', () => {
  const valid: [string, Envelope][] = [
    ['an NC sale', ncSale()],
    ['a cash sale to an unknown guest', cashSale()],
    ['a card sale to a known wallet', cashSale({ tender: 'card', nitetapId: '04a1b2c3' })],
    [
      'a sale of free items',
      ncSale({ lines: [{ itemId: 'water', qty: 1, unitNc: 0, unitChf: 0 }] }),
    ],
    ['a cash topup', topup()],
    ['a card topup', topup({ tender: 'card' })],
    ['a cashout paid in cash', cashout()],
    ['a void of an NC sale', voidOf(ncSale())],
    ['a void of a cash sale', voidOf(cashSale())],
    ['a later op chained to its predecessor', ncSale({ seq: 2, prev: SOME_PREV })],
    ['an upper-case nitetapId', ncSale({ nitetapId: '04A1B2C3D4E5F6' })],
    ['an 8-digit nitetapId', ncSale({ nitetapId: 'deadbeef' })],
    ['a 32-digit nitetapId', ncSale({ nitetapId: 'a'.repeat(32) })],
    ['a time with fractional seconds', ncSale({ at: '2025-06-14T23:15:00.123456Z' })],
    ['a UTC time written +00:00', ncSale({ at: '2025-06-14T23:15:00+00:00' })],
    ['a basis without snapshot', ncSale({ basis: { balanceNc: null, asOf: null, pendingNc: 0 } })],
    ['a basis with a debt', ncSale({ basis: { balanceNc: -500, asOf: null, pendingNc: 0 } })],
    ['an amount of 2^53 − 1', topup({ amountNc: TWO_POW_53 - 1 })],
    ['a staff id with an emoji (a surrogate pair)', ncSale({ staffId: 'bar-🍸' })],
    // What §3 does not forbid is not a schema error.
    ['a sale of no lines for 0', ncSale({ lines: [], amountNc: 0 })],
    ['a topup of 0 NC', topup({ amountNc: 0, amountChf: 0 })],
    ['a cashout of 0 NC', cashout({ amountNc: 0, amountChf: 0 })],
    // A void's amounts are the sale's to judge: void_mismatch, or held until the sale arrives.
    ['an NC void that also names CHF', voidOf(ncSale(), { amountChf: 100 })],
    ['a cash void that also names NC', voidOf(cashSale(), { amountNc: 100 })],
  ];

  test.each(valid)('%s', (_name, envelope) => {
    expect(validateEnvelope(envelope)).toEqual({ ok: true, envelope });
  });

  test('returns the envelope unchanged, without extra keys', () => {
    const envelope = ncSale();
    const check = validateEnvelope(structuredClone(envelope));
    expect(check.ok && Object.keys(check.envelope)).toEqual(Object.keys(envelope));
  });
});

describe('validateEnvelope rejects with reason schema', () => {
  const sale = ncSale();
  const PREV_RULE = /^prev must be "" for seq 1/;
  /** [behaviour, raw envelope, what `detail` names: the field path or the broken rule] */
  const invalid: [string, unknown, RegExp][] = [
    // Shape (the zod schema).
    ['a non-object', 'sale', /^envelope: /],
    ['null', null, /^envelope: /],
    ['an array', [sale], /^envelope: /],
    ['an unknown top-level field', { ...sale, tipNc: 100 }, /^envelope: Unrecognized key/],
    [
      'an unknown field in a line',
      { ...sale, lines: [{ ...sale.lines[0], note: 'x' }] },
      /^lines\.0: Unrecognized key/,
    ],
    [
      'an unknown field in the basis',
      { ...sale, basis: { ...sale.basis, source: 'pull' } },
      /^basis: Unrecognized key/,
    ],
    ['a missing field', (({ staffId: _, ...rest }) => rest)(sale), /^staffId: /],
    ['envelope version 2', { ...sale, v: 2 }, /^v: /],
    ['envelope version as a string', { ...sale, v: '1' }, /^v: /],
    ['an unknown op kind', { ...sale, op: 'refund' }, /^op: /],
    ['an unknown tender', { ...sale, tender: 'twint' }, /^tender: /],
    ['an id that is not a UUID', { ...sale, id: 'sale-1' }, /^id: /],
    ['a float amountNc', { ...sale, amountNc: 900.5 }, /^amountNc: /],
    ['an amountNc in a string', { ...sale, amountNc: '900' }, /^amountNc: /],
    ['a negative amountChf', cashSale({ amountChf: -1 }), /^amountChf: /],
    ['an amount of 2^53', topup({ amountNc: TWO_POW_53 }), /^amountNc: /],
    ['an amount beyond 2^53', topup({ amountNc: TWO_POW_53 + 2 }), /^amountNc: /],
    [
      'a float unit price',
      { ...sale, lines: [{ ...sale.lines[0], unitNc: 4.5 }] },
      /^lines\.0\.unitNc: /,
    ],
    [
      'a zero quantity',
      ncSale({ lines: [{ itemId: 'beer', qty: 0, unitNc: 450, unitChf: 500 }] }),
      /^lines\.0\.qty: /,
    ],
    [
      'a float basis balance',
      { ...sale, basis: { ...sale.basis, balanceNc: 1.5 } },
      /^basis\.balanceNc: /,
    ],
    ['seq 0', { ...sale, seq: 0 }, /^seq: /],
    ['a time not in UTC', { ...sale, at: '2025-06-14T23:15:00+01:00' }, /^at: must be UTC/],
    ['a time without its zone', { ...sale, at: '2025-06-14T23:15:00' }, /^at: /],
    ['a time in year 0000', { ...sale, at: '0000-01-01T00:00:00Z' }, /^at: year 0000/],
    [
      'a basis time in year 0000',
      { ...sale, basis: { ...sale.basis, asOf: '0000-06-01T00:00:00Z' } },
      /^basis\.asOf: year 0000/,
    ],
    // Text PostgreSQL or RFC 8785 cannot take.
    ['a NUL in the staff id', { ...sale, staffId: 'bar\u0000tender' }, /without NUL/],
    [
      'a NUL in a line item id',
      { ...sale, lines: [{ ...sale.lines[0], itemId: 'beer\u0000' }] },
      /without NUL/,
    ],
    ['a lone high surrogate', { ...sale, staffId: 'bar\uD83Dtender' }, /Unicode/],
    ['a lone low surrogate at the end', { ...sale, staffId: 'bar\uDE00' }, /Unicode/],
    // Sales.
    [
      'an NC sale whose amount is not the sum of its lines',
      ncSale({ amountNc: 901 }),
      /amountNc must equal the sum of the lines/,
    ],
    [
      'a cash sale whose amount is not the sum of its lines',
      cashSale({ amountChf: 999 }),
      /amountChf must equal the sum of the lines/,
    ],
    [
      'an NC sale that also moves CHF',
      ncSale({ amountChf: 1_000 }),
      /only the currency of its tender/,
    ],
    [
      'a cash sale that also moves NC',
      cashSale({ amountNc: 900 }),
      /only the currency of its tender/,
    ],
    ['an NC sale without a wallet', ncSale({ nitetapId: null }), /an NC sale needs a nitetapId/],
    [
      'a sale whose line total leaves ±2^53',
      ncSale({ lines: [{ itemId: 'gold', qty: 2, unitNc: 2 ** 52, unitChf: 0 }], amountNc: 1 }),
      /line totals exceed ±2\^53/,
    ],
    // Topups and cashouts.
    ['a topup paid in NC', topup({ tender: 'nc' }), /a topup is paid cash or card/],
    ['a topup with lines', topup({ lines: sale.lines }), /a topup has no lines/],
    ['a topup without a wallet', topup({ nitetapId: null }), /a topup needs a nitetapId/],
    ['a cashout paid by card', cashout({ tender: 'card' }), /a cashout pays out cash/],
    ['a cashout paid in NC', cashout({ tender: 'nc' }), /a cashout pays out cash/],
    ['a cashout with lines', cashout({ lines: sale.lines }), /a cashout has no lines/],
    ['a cashout without a wallet', cashout({ nitetapId: null }), /a cashout needs a nitetapId/],
    // Chain.
    ['seq 1 with a non-empty prev', ncSale({ seq: 1, prev: SOME_PREV }), PREV_RULE],
    ['seq 2 with an empty prev', ncSale({ seq: 2, prev: '' }), PREV_RULE],
    ['a prev of 31 bytes', ncSale({ seq: 2, prev: PREV_31_BYTES }), PREV_RULE],
    ['a prev of 33 bytes', ncSale({ seq: 2, prev: PREV_33_BYTES }), PREV_RULE],
    ['a prev with padding', ncSale({ seq: 2, prev: `${SOME_PREV}=` }), PREV_RULE],
    ['a prev in the base64 alphabet', ncSale({ seq: 2, prev: PREV_BASE64 }), PREV_RULE],
    ['a prev with non-canonical trailing bits', ncSale({ seq: 2, prev: PREV_LOOSE }), PREV_RULE],
    ['a prev in hex', ncSale({ seq: 2, prev: 'ab'.repeat(32) }), PREV_RULE],
    ['a prev over 64 characters', ncSale({ seq: 2, prev: 'A'.repeat(65) }), /^prev: /],
    // Voids.
    ['a void that names no sale', voidOf(sale, { voids: null }), /a void names the sale it voids/],
    ['a void that names itself', voidOf(sale, { voids: uuidFor(1, 999) }), /cannot void itself/],
    ['a void naming a non-UUID', voidOf(sale, { voids: 'sale-1' }), /^voids: /],
    ['a sale that names a sale to void', ncSale({ voids: uuidFor(1, 7) }), /only a void names/],
    ['a topup that names a sale to void', topup({ voids: uuidFor(1, 7) }), /only a void names/],
    // Wallet ids.
    ['a nitetapId with non-hex digits', ncSale({ nitetapId: '04a1b2c3z4' }), /^nitetapId: /],
    ['a nitetapId of 7 digits', ncSale({ nitetapId: 'abcdef0' }), /^nitetapId: /],
    ['a nitetapId of 33 digits', ncSale({ nitetapId: 'a'.repeat(33) }), /^nitetapId: /],
    ['a nitetapId with separators', ncSale({ nitetapId: '04:a1:b2:c3:d4' }), /^nitetapId: /],
    // Times.
    ['a time with an offset', ncSale({ at: '2025-06-15T01:15:00+02:00' }), /^at: /],
    ['a time without a zone', ncSale({ at: '2025-06-14T23:15:00' }), /^at: /],
    ['a time with a space separator', ncSale({ at: '2025-06-14 23:15:00Z' }), /^at: /],
    ['a time without seconds', ncSale({ at: '2025-06-14T23:15Z' }), /^at: /],
    ['a date only', ncSale({ at: '2025-06-14' }), /^at: /],
    ['an impossible date', ncSale({ at: '2025-02-30T23:15:00Z' }), /^at: /],
    ['epoch milliseconds', { ...sale, at: 1_749_942_900_000 }, /^at: /],
    [
      'a basis time with an offset',
      ncSale({ basis: { balanceNc: 5_000, asOf: '2025-06-15T00:00:00+02:00', pendingNc: 0 } }),
      /^basis\.asOf: /,
    ],
  ];

  test.each(invalid)('%s', (_name, raw, detail) => {
    const check = validateEnvelope(raw);
    expect(check).toMatchObject({ ok: false, reason: 'schema' });
    expect(check.ok ? null : check.detail).toMatch(detail);
  });
});

describe('normalizeNitetapId', () => {
  test('lower-cases a NiteTap UID', () => {
    expect(normalizeNitetapId('04A1B2C3D4E5F6')).toBe('04a1b2c3d4e5f6');
  });

  test('leaves a lower-case UID as it is', () => {
    expect(normalizeNitetapId('04a1b2c3d4e5f6')).toBe('04a1b2c3d4e5f6');
  });

  test('maps mixed spellings of one tag to one id', () => {
    const spellings = ['DEADBEEF', 'deadbeef', 'DeadBeef', 'dEADbEEF'];
    expect(new Set(spellings.map(normalizeNitetapId))).toEqual(new Set(['deadbeef']));
  });
});
