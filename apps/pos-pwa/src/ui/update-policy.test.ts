import { describe, expect, test } from 'vitest';
import { updateAppliesItself } from './update-policy.ts';

describe('when a new till version installs itself', () => {
  test.each([
    { signedIn: false, queued: 0, syncing: false, applies: true },
    // A reload would sign the bartender out and lose the cart: ask instead.
    { signedIn: true, queued: 0, syncing: false, applies: false },
    { signedIn: false, queued: 3, syncing: false, applies: false },
    { signedIn: false, queued: 0, syncing: true, applies: false },
    { signedIn: true, queued: 3, syncing: true, applies: false },
  ])('signed in $signedIn, $queued queued, syncing $syncing: applies by itself $applies', (row) => {
    expect(updateAppliesItself(row)).toBe(row.applies);
  });
});
