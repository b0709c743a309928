import { conflicts } from '@niteos/schema/tables';
import { eq } from 'drizzle-orm';
import { expect, test } from 'vitest';
import { describeDb } from '../test-support/describe-db.ts';
import { usePushVenue } from '../test-support/push-venue.ts';

const venue = usePushVenue();

describeDb('push: voids', () => {
  test('a void refunds its sale and its XP; a second void is already_voided', async () => {
    const till = await venue.freshTill();
    const tag = venue.newTag();
    const topup = await till.topup(tag, 5000);
    const sale = await till.sale(tag, 2500);
    await till.push(venue.server.send, [topup, sale]);
    const voidOp = await till.voidOf(sale);
    const again = await till.voidOf(sale);
    const { body } = await till.push(venue.server.send, [voidOp, again]);
    expect(body.results.map((r) => [r.status, r.reason, r.balanceNc, r.xp])).toEqual([
      ['applied', null, 5000, 0],
      ['rejected', 'already_voided', 5000, 0],
    ]);
  });

  test('a void whose amounts differ from its sale is rejected void_mismatch', async () => {
    const till = await venue.freshTill();
    const tag = venue.newTag();
    const topup = await till.topup(tag, 5000);
    const sale = await till.sale(tag, 2500);
    await till.push(venue.server.send, [topup, sale]);
    const bad = await till.sign({
      op: 'void',
      nitetapId: tag,
      tender: 'nc',
      amountNc: 2000,
      voids: sale.envelope.id,
    });
    const { body } = await till.push(venue.server.send, [bad]);
    expect(body.results[0]).toMatchObject({
      status: 'rejected',
      reason: 'void_mismatch',
      balanceNc: 2500,
    });
  });

  test('an NC void that also names CHF is void_mismatch for a known sale, held for an unknown one (§3, §6)', async () => {
    const till = await venue.freshTill();
    const tag = venue.newTag();
    const topup = await till.topup(tag, 5000);
    const sale = await till.sale(tag, 2500);
    await till.push(venue.server.send, [topup, sale]);
    const odd = (voids: string) =>
      till.sign({
        op: 'void',
        nitetapId: tag,
        tender: 'nc',
        amountNc: 2500,
        amountChf: 100,
        voids,
      });
    const { body } = await till.push(venue.server.send, [
      await odd(sale.envelope.id),
      await odd('00000000-0000-4000-8000-00000000abcd'),
    ]);
    expect(body.results.map((r) => [r.status, r.reason])).toEqual([
      ['rejected', 'void_mismatch'],
      ['held', 'void_target_missing'],
    ]);
    expect(await venue.balanceOf(tag)).toBe(2500);
  });

  /**
   * A 15.00 NC sale on a 50.00 NC wallet whose void, from another till,
   * arrived first (held `void_target_missing`); then the sale arrives.
   * `accept` resolves the void's conflict as an admin would.
   */
  async function voidBeforeItsSale() {
    const saleTill = await venue.freshTill();
    const voidTill = await venue.freshTill();
    const tag = venue.newTag();
    await saleTill.push(venue.server.send, [await saleTill.topup(tag, 5000)]);
    const sale = await saleTill.sale(tag, 1500);
    const voidOp = await voidTill.voidOf(sale);
    const held = await voidTill.push(venue.server.send, [voidOp]);
    await saleTill.push(venue.server.send, [sale]);
    const accept = async () => {
      const conflict = await venue.findConflict(voidOp.envelope.id);
      return venue.server.json(
        'POST',
        `/api/admin/conflicts/${conflict.id}/resolve`,
        venue.server.rootToken,
        {
          resolution: 'accept',
          note: 'sale arrived later',
        },
      );
    };
    return { saleTill, sale, tag, held: held.body.results[0], accept };
  }

  test('a void of an unknown sale is held void_target_missing and can be accepted once the sale arrives', async () => {
    const { tag, held, accept } = await voidBeforeItsSale();
    expect(held).toMatchObject({ status: 'held', reason: 'void_target_missing' });
    expect(await venue.balanceOf(tag)).toBe(3500);
    expect((await accept()).status).toBe(200);
    expect(await venue.balanceOf(tag)).toBe(5000);
  });

  test('a void an admin accepted voids its sale: another void of it is already_voided', async () => {
    const { saleTill, sale, tag, accept } = await voidBeforeItsSale();
    expect((await accept()).status).toBe(200);
    const { body } = await saleTill.push(venue.server.send, [await saleTill.voidOf(sale)]);
    expect(body.results[0]).toMatchObject({ status: 'rejected', reason: 'already_voided' });
    expect(await venue.balanceOf(tag)).toBe(5000);
  });

  test('a void of a held sale moves nothing and closes the sale conflict', async () => {
    const till = await venue.freshTill();
    const tag = venue.newTag();
    await till.push(venue.server.send, [await till.topup(tag, 100)]);
    const sale = await till.sale(tag, 900);
    await till.push(venue.server.send, [sale]);
    const conflict = await venue.findConflict(sale.envelope.id);
    const { body } = await till.push(venue.server.send, [await till.voidOf(sale)]);
    expect(body.results[0]).toMatchObject({ status: 'applied', balanceNc: 100 });
    const [row] = await venue.server.database.db
      .select()
      .from(conflicts)
      .where(eq(conflicts.id, conflict.id));
    expect(row).toMatchObject({ status: 'resolved', resolution: 'reject' });
  });

  test('a held sale and its void in the same push move nothing', async () => {
    const till = await venue.freshTill();
    const tag = venue.newTag();
    await till.push(venue.server.send, [await till.topup(tag, 100)]);
    const sale = await till.sale(tag, 900);
    const { body } = await till.push(venue.server.send, [sale, await till.voidOf(sale)]);
    expect(body.results.map((r) => [r.status, r.reason, r.balanceNc])).toEqual([
      ['held', 'insufficient_funds', 100],
      ['applied', null, 100],
    ]);
    expect(await venue.balanceOf(tag)).toBe(100);
    const [row] = await venue.server.database.db
      .select()
      .from(conflicts)
      .where(eq(conflicts.opId, sale.envelope.id));
    expect(row).toMatchObject({ status: 'resolved', resolution: 'reject' });
  });
});
