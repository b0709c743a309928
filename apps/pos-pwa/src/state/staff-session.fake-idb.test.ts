import 'fake-indexeddb/auto';
import type { StaffCredential } from '@niteos/schema/wire';
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import type { TillDb } from '../db/database.ts';
import { openEnrolledTill } from '../test-support/enrolled-till.ts';

// The browser build of solid-js, as the till runs it (Node's server build has no reactivity).
// @ts-expect-error solid-js types only its entry points; this file is the browser one.
vi.mock('solid-js', () => import('solid-js/dist/solid.js'));
const { createRoot, createSignal } = await import('solid-js');
const { followStaffList } = await import('./staff-session.ts');
const { createLiveQuery } = await import('./live.ts');

const anna: StaffCredential = { staffId: 's1', name: 'Anna', role: 'staff', pinHash: 'hash-1' };
const ben: StaffCredential = { staffId: 's2', name: 'Ben', role: 'staff', pinHash: 'hash-2' };

let db: TillDb;
beforeEach(async () => {
  db = await openEnrolledTill('staff-session');
  await db.staff.bulkPut([anna, ben]);
});
afterEach(() => db.delete());

test('a pull that changes the PIN of, or drops, whoever is signed in signs them out (fake IndexedDB)', async () => {
  await createRoot(async (dispose) => {
    const [staff, setStaff] = createSignal<StaffCredential | null>(anna);
    followStaffList(db, staff, () => setStaff(null));
    // Another member's change leaves Anna selling (seen once a live query of the list has it).
    const bensName = createLiveQuery(async () => (await db.staff.get('s2'))?.name, undefined);
    await db.staff.put({ ...ben, name: 'Benjamin' });
    await vi.waitFor(() => expect(bensName()).toBe('Benjamin'));
    expect(staff()?.staffId).toBe('s1');

    await db.staff.put({ ...anna, pinHash: 'hash-new' });
    await vi.waitFor(() => expect(staff()).toBeNull());

    setStaff(ben);
    await db.staff.delete('s2');
    await vi.waitFor(() => expect(staff()).toBeNull());
    dispose();
  });
});
