import { expect, test } from 'vitest';
import { auditChanges } from './audit-changes.ts';

test('only the fields an entry changed are listed', () => {
  expect(
    auditChanges({ name: 'Bar', status: 'active' }, { name: 'Main bar', status: 'active' }),
  ).toEqual(['name: "Main bar"']);
  expect(auditChanges(null, { role: 'staff' })).toEqual(['role: "staff"']);
  expect(auditChanges({ role: 'staff' }, null)).toEqual([]);
});

test("a written-off conflict's postings each show their account and amount", () => {
  const venueId = 'c0ffee00-1111-4222-8333-944455556666';
  expect(
    auditChanges(
      { status: 'open' },
      {
        status: 'resolved',
        postings: [
          { account: { kind: 'wallet', nitetapId: '04a1b2c3d4e5f6' }, amountNc: 1200 },
          { account: { kind: 'write_off', venueId }, amountNc: -1200 },
        ],
      },
    ),
  ).toEqual([
    'status: "resolved"',
    'postings[0]: {"account":{"kind":"wallet","nitetapId":"04a1b2c3d4e5f6"},"amountNc":1200}',
    'postings[1]: {"account":{"kind":"write_off","venueId":"c0ffee00-1111…6666"},"amountNc":-1200}',
  ]);
});

test('a long note is cut in the middle, to 80 characters', () => {
  const note = `refund agreed with the guest at the door; ${'x'.repeat(100)} till 3 was offline`;
  const [line] = auditChanges({}, { note });
  expect(line?.length).toBe('note: '.length + 80);
  expect(line).toMatch(/^note: "refund agreed with the guest .*…x* till 3 was offline"$/);
});
