import { describe, expect, test } from 'vitest';
import { accountId } from './accounts.ts';

describe('accountId', () => {
  test('names a wallet by its NiteTap id', () => {
    expect(accountId({ kind: 'wallet', nitetapId: '04a1b2c3' })).toBe('w:04a1b2c3');
  });

  test.each(['venue_revenue', 'issuance', 'write_off'] as const)(
    'names the venue account %s by venue and kind',
    (kind) => {
      expect(accountId({ kind, venueId: 'venue-1' })).toBe(`v:venue-1:${kind}`);
    },
  );

  test('never gives two accounts one id', () => {
    const ids = [
      accountId({ kind: 'wallet', nitetapId: 'venue-1' }),
      accountId({ kind: 'venue_revenue', venueId: 'venue-1' }),
      accountId({ kind: 'issuance', venueId: 'venue-1' }),
      accountId({ kind: 'write_off', venueId: 'venue-1' }),
      accountId({ kind: 'write_off', venueId: 'venue-2' }),
    ];
    expect(new Set(ids).size).toBe(ids.length);
  });
});
