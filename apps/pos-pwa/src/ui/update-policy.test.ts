import { describe, expect, test } from 'vitest';
import { updateAppliesItself } from './update-policy.ts';

describe('when a new till version installs itself', () => {
  test.each([
    { signedInAnywhere: false, queued: 0, syncing: false, applies: true },
    // A reload, of every tab, would sign the bartender out and lose the cart: ask instead.
    { signedInAnywhere: true, queued: 0, syncing: false, applies: false },
    { signedInAnywhere: false, queued: 3, syncing: false, applies: false },
    { signedInAnywhere: false, queued: 0, syncing: true, applies: false },
    { signedInAnywhere: true, queued: 3, syncing: true, applies: false },
  ])(
    'signed in $signedInAnywhere, $queued queued, syncing $syncing: applies by itself $applies',
    (row) => {
      expect(updateAppliesItself(row)).toBe(row.applies);
    },
  );
});
