import type { GuestWallets } from '@niteos/schema/wire';
import { api } from './api.ts';
import { createLive } from './live.ts';
import { session, signedInGuestId } from './session.ts';

/** The signed-in guest's wallets, shared by the wallet and NiteTap screens (one offline copy). */
export function createMyWallets() {
  return createLive<GuestWallets>(
    () => (session() ? `me.wallets.${session()?.user.id}` : null),
    () => api('/me/wallets', { auth: true }),
    { everyMs: 30_000, owner: signedInGuestId },
  );
}
