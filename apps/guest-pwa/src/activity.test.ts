import type { ActivityEntry } from '@niteos/schema/wire';
import { describe, expect, test } from 'vitest';
import { activityNc, standingNote } from './activity.ts';

const sale: ActivityEntry = {
  opId: 'op-1',
  kind: 'sale',
  tender: 'nc',
  deltaNc: -1400,
  standing: 'applied',
  venueName: 'Demo Club',
  at: '2025-11-26T14:28:00Z',
};

describe('an activity entry as the guest reads it', () => {
  test('a held sale shows what it would take, and that the venue has yet to confirm', () => {
    const held = { ...sale, standing: 'held', deltaNc: 0, pendingNc: -1400 };
    expect(activityNc(held)).toBe(-1400);
    expect(standingNote(held)).toBe('waiting for the venue to confirm');
  });

  test('a held op that would move no NC shows none', () => {
    expect(activityNc({ ...sale, tender: 'cash', standing: 'held', deltaNc: 0 })).toBe(0);
  });

  test('an applied op shows what it moved and no note', () => {
    expect(activityNc(sale)).toBe(-1400);
    expect(standingNote(sale)).toBeNull();
  });

  test.each([
    ['sale', 'rejected', 'not charged'],
    ['cashout', 'rejected', 'not charged'],
    ['topup', 'rejected', 'not added'],
    ['void', 'rejected', 'not refunded'],
    ['sale', 'written_off', 'paid by the venue'],
    ['cashout', 'written_off', 'paid by the venue'],
  ] as const)('a %s settled %s says "%s" and moved nothing', (kind, standing, note) => {
    const settled = { ...sale, kind, standing, deltaNc: 0 };
    expect(standingNote(settled)).toBe(note);
    expect(activityNc(settled)).toBe(0);
  });
});
