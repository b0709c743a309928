import { claimCode } from '@niteos/ledger-core';
import { expect, test } from 'vitest';
import { describeDb } from '../test-support/describe-db.ts';
import { usePushVenue } from '../test-support/push-venue.ts';

const venue = usePushVenue();

/** The wallet's balance and XP as the API reports them. */
async function walletOf(tag: string) {
  const res = await venue.server.json('GET', `/api/wallets/${tag}`, venue.server.rootToken);
  return { balanceNc: res.body.balanceNc as number, xp: res.body.xp as number };
}

/** A lost wristband replaced as an admin does it: balance and XP move, the old tag is blocked. */
async function replace(oldTag: string, newTag: string) {
  const res = await venue.server.json(
    'POST',
    `/api/admin/wallets/${oldTag}/replace`,
    venue.server.rootToken,
    { newNitetapId: newTag, note: 'lost at the bar' },
  );
  expect(res.status).toBe(200);
}

/** A guest who claims `tag` with the code of its first top-up; `lines(tag)` sums their activity. */
async function guestOf(tag: string, topup: { sig: string }) {
  const email = `guest-${tag}@niteos.test`;
  const guest = await venue.server.json('POST', '/api/auth/register', null, {
    email,
    password: 'guest-password',
  });
  const token = guest.body.accessToken as string;
  const claim = await venue.server.json('POST', '/api/wallets/claim', token, {
    nitetapId: tag,
    code: claimCode(topup.sig),
  });
  expect(claim.status).toBe(200);
  return {
    /** The sum of every line the guest sees on `t`: it must equal the balance. */
    async lines(t: string) {
      const res = await venue.server.json('GET', `/api/me/wallets/${t}/activity`, token);
      expect(res.status).toBe(200);
      return (res.body.entries as { deltaNc: number }[]).reduce((sum, e) => sum + e.deltaNc, 0);
    },
  };
}

const resolve = (conflictId: string, resolution: string) =>
  venue.server.json('POST', `/api/admin/conflicts/${conflictId}/resolve`, venue.server.rootToken, {
    resolution,
    note: '',
  });

describeDb('push: ops on a wristband replaced since', () => {
  test("a void after the replacement refunds the new wristband, and takes the sale's XP from it", async () => {
    const till = await venue.freshTill();
    const [lost, fresh] = [venue.newTag(), venue.newTag()];
    const topup = await till.topup(lost, 5000);
    const sale = await till.sale(lost, 2500);
    await till.push(venue.server.send, [topup, sale]);
    expect(await walletOf(lost)).toEqual({ balanceNc: 2500, xp: 25 });
    const guest = await guestOf(lost, topup);
    await replace(lost, fresh);

    const { body } = await till.push(venue.server.send, [await till.voidOf(sale)]);
    // The till asked about the old tag: the new one's figures are not its to show.
    expect(body.results[0]).toMatchObject({ status: 'applied', balanceNc: null, xp: null });
    expect(await walletOf(fresh)).toEqual({ balanceNc: 5000, xp: 0 });
    expect(await walletOf(lost)).toEqual({ balanceNc: 0, xp: 0 });
    // What the guest reads adds up on both bands: the refund shown moving on to the new one.
    expect(await guest.lines(lost)).toBe(0);
    expect(await guest.lines(fresh)).toBe(5000);
  });

  test('a held sale of the lost wristband, accepted, is paid from the new one', async () => {
    const till = await venue.freshTill();
    const offline = await venue.freshTill();
    const [lost, fresh] = [venue.newTag(), venue.newTag()];
    const topup = await till.topup(lost, 5000);
    await till.push(venue.server.send, [topup]);
    const guest = await guestOf(lost, topup);
    // Sold offline before the band was reported lost; synced after the replacement.
    const sale = await offline.sale(lost, 1500);
    await replace(lost, fresh);
    const { body } = await offline.push(venue.server.send, [sale]);
    expect(body.results[0]).toMatchObject({ status: 'held', reason: 'blocked_tag' });

    const res = await resolve((await venue.findConflict(sale.envelope.id)).id, 'accept');
    expect(res.status).toBe(200);
    expect(await walletOf(fresh)).toEqual({ balanceNc: 3500, xp: 15 });
    expect(await walletOf(lost)).toEqual({ balanceNc: 0, xp: 0 });
    expect(await guest.lines(lost)).toBe(0);
    expect(await guest.lines(fresh)).toBe(3500);
  });

  test('a wristband replaced twice: the refund follows to the last one', async () => {
    const till = await venue.freshTill();
    const [first, second, third] = [venue.newTag(), venue.newTag(), venue.newTag()];
    const topup = await till.topup(first, 3000);
    const sale = await till.sale(first, 1000);
    await till.push(venue.server.send, [topup, sale]);
    await replace(first, second);
    await replace(second, third);
    await till.push(venue.server.send, [await till.voidOf(sale)]);
    expect(await walletOf(third)).toEqual({ balanceNc: 3000, xp: 0 });
    expect((await walletOf(second)).balanceNc).toBe(0);
    expect((await walletOf(first)).balanceNc).toBe(0);
  });

  test('a wristband blocked but never replaced still takes its own refund', async () => {
    const till = await venue.freshTill();
    const tag = venue.newTag();
    const topup = await till.topup(tag, 3000);
    const sale = await till.sale(tag, 1000);
    await till.push(venue.server.send, [topup, sale]);
    const blocked = await venue.server.json(
      'POST',
      `/api/admin/wallets/${tag}/block`,
      venue.server.rootToken,
    );
    expect(blocked.status).toBe(200);
    const { body } = await till.push(venue.server.send, [await till.voidOf(sale)]);
    expect(body.results[0]).toMatchObject({ status: 'applied', balanceNc: 3000 });
    expect(await walletOf(tag)).toEqual({ balanceNc: 3000, xp: 0 });
  });
});
