import { wallets } from '@niteos/schema/tables';
import { Role } from '@niteos/schema/wire';
import { eq } from 'drizzle-orm';
import { expect, test } from 'vitest';
import { describeDb } from '../test-support/describe-db.ts';
import { useTwoVenues } from '../test-support/two-venues.ts';

const two = useTwoVenues();

describeDb('wallets', () => {
  test('staff and admins of a venue the wallet was used at see it; others get 404', async () => {
    const till = await two.server.enrollTill(two.venueId);
    const tag = 'feedc0de01';
    await till.push(two.server.send, [await till.topup(tag, 4200)]);
    const seen = await two.server.json('GET', `/api/wallets/${tag.toUpperCase()}`, two.staff);
    expect(seen.status).toBe(200);
    expect(seen.body).toEqual({
      nitetapId: tag,
      balanceNc: 4200,
      xp: 0,
      level: 1,
      status: 'active',
    });
    expect((await two.server.json('GET', `/api/wallets/${tag}`, two.admin)).status).toBe(200);
    expect((await two.server.json('GET', `/api/wallets/${tag}`, two.otherAdmin)).status).toBe(404);
    const guest = await two.server.userToken(Role.guest, null);
    expect((await two.server.json('GET', `/api/wallets/${tag}`, guest.token)).status).toBe(404);
    await two.server.database.db
      .update(wallets)
      .set({ guestUserId: guest.userId })
      .where(eq(wallets.nitetapId, tag));
    expect((await two.server.json('GET', `/api/wallets/${tag}`, guest.token)).status).toBe(200);
    expect((await two.server.json('GET', `/api/wallets/${tag}`, null)).status).toBe(401);
    expect((await two.server.json('GET', '/api/wallets/not-hex!', two.staff)).status).toBe(400);
  });

  test('a held op at another venue opens the wallet to its admin only once accepted', async () => {
    const home = await two.server.enrollTill(two.venueId);
    const other = await two.server.enrollTill(two.otherVenueId);
    const tag = 'feedc0de0a';
    await home.push(two.server.send, [await home.topup(tag, 1000)]);
    // Any till can sign a sale for any tag: one beyond the balance is held and moves nothing.
    const held = await other.push(two.server.send, [await other.sale(tag, 5000)]);
    // Nor does it tell that till the wallet's balance: its venue never used the wallet.
    expect(held.body.results[0]).toMatchObject({
      status: 'held',
      reason: 'insufficient_funds',
      balanceNc: null,
      xp: null,
      level: null,
    });
    // A till of the venue that did use it is told, held or not.
    const atHome = await home.push(two.server.send, [await home.sale(tag, 5000)]);
    expect(atHome.body.results[0]).toMatchObject({ status: 'held', balanceNc: 1000 });
    const asOther = (method: string, path: string) => two.server.json(method, path, two.otherAdmin);
    expect((await asOther('GET', `/api/wallets/${tag}`)).status).toBe(404);
    expect((await asOther('POST', `/api/admin/wallets/${tag}/block`)).status).toBe(404);
    expect((await two.server.json('GET', `/api/wallets/${tag}`, two.admin)).body.status).toBe(
      'active',
    );

    // Rejected, the sale never used the wallet there either.
    const second = await other.push(two.server.send, [await other.sale(tag, 5000)]);
    const list = await asOther('GET', '/api/admin/conflicts?status=open');
    const conflictOf = (opId: string | undefined) =>
      list.body.conflicts.find((c: { opId: string }) => c.opId === opId);
    const rejected = await two.server.json(
      'POST',
      `/api/admin/conflicts/${conflictOf(second.body.results[0]?.id).id}/resolve`,
      two.otherAdmin,
      { resolution: 'reject', note: 'not our guest' },
    );
    expect(rejected.status).toBe(200);
    expect((await asOther('GET', `/api/wallets/${tag}`)).status).toBe(404);

    const conflict = conflictOf(held.body.results[0]?.id);
    const accepted = await two.server.json(
      'POST',
      `/api/admin/conflicts/${conflict.id}/resolve`,
      two.otherAdmin,
      { resolution: 'accept', note: 'guest paid the rest in cash' },
    );
    expect(accepted.status).toBe(200);
    expect((await asOther('GET', `/api/wallets/${tag}`)).body.balanceNc).toBe(-4000);
  });

  test('looking one tag up again and again is cut off for the one asking, not for its staff', async () => {
    const till = await two.server.enrollTill(two.venueId);
    const tag = 'feedc0de02';
    await till.push(two.server.send, [await till.topup(tag, 100)]);
    const stranger = await two.server.userToken(Role.guest, null);
    const statuses: number[] = [];
    for (let i = 0; i < 125; i++) {
      statuses.push((await two.server.json('GET', `/api/wallets/${tag}`, stranger.token)).status);
    }
    expect(statuses.slice(0, 120)).toEqual(Array(120).fill(404));
    expect(statuses.slice(120)).toEqual(Array(5).fill(429));
    expect((await two.server.json('GET', `/api/wallets/${tag}`, two.staff)).status).toBe(200);
  });
});
