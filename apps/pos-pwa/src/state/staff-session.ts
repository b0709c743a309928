import type { StaffCredential } from '@niteos/schema/wire';
import { type Accessor, createEffect } from 'solid-js';
import type { TillDb } from '../db/database.ts';
import { createLiveQuery } from './live.ts';

/**
 * Ends the session of whoever is signed in once a pull no longer lists
 * them, or lists them with a new PIN: removed staff must not sell on until
 * the idle sign-out.
 */
export function followStaffList(
  db: TillDb,
  staff: Accessor<StaffCredential | null>,
  signOut: () => void,
) {
  const list = createLiveQuery<StaffCredential[] | null>(() => db.staff.toArray(), null);
  createEffect(() => {
    const member = staff();
    const known = list();
    if (!member || !known) return;
    const now = known.find((s) => s.staffId === member.staffId);
    if (!now || now.pinHash !== member.pinHash) signOut();
  });
}
