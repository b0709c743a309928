import { createHash, createPublicKey, randomUUID, verify } from 'node:crypto';
import { ledgerLines, ops as opLog, securityLog } from '@niteos/schema/tables';
import { eq } from 'drizzle-orm';
import { expect, test } from 'vitest';
import { describeDb } from '../test-support/describe-db.ts';
import { usePushVenue } from '../test-support/push-venue.ts';

const venue = usePushVenue();

/** RFC 8785 for an envelope's values (strings, integers, null, arrays, objects): keys sorted. */
const sortedKeys = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(sortedKeys)
    : value && typeof value === 'object'
      ? Object.fromEntries(
          Object.entries(value)
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
            .map(([k, v]) => [k, sortedKeys(v)]),
        )
      : value;

describeDb('push: statuses and reasons of the contract', () => {
  test('a topup creates the wallet and an NC sale debits it, granting XP', async () => {
    const till = await venue.freshTill();
    const tag = venue.newTag();
    const { status, body } = await till.push(venue.server.send, [
      await till.topup(tag.toUpperCase(), 5000),
      await till.sale(tag, 1200),
    ]);
    expect(status).toBe(200);
    expect(
      body.results.map((r) => [r.status, r.reason, r.duplicate, r.balanceNc, r.xp, r.level]),
    ).toEqual([
      ['applied', null, false, 5000, 0, 1],
      ['applied', null, false, 3800, 12, 1],
    ]);
    expect(await venue.balanceOf(tag)).toBe(3800);
    expect(typeof body.serverTime).toBe('string');
  });

  test('the op log keeps each envelope exactly as signed, so the row alone proves the op', async () => {
    const till = await venue.freshTill();
    const tag = venue.newTag();
    const topup = await till.topup(tag.toUpperCase(), 5000);
    expect((await till.push(venue.server.send, [topup])).status).toBe(200);
    const [row] = await venue.server.database.db
      .select()
      .from(opLog)
      .where(eq(opLog.id, topup.envelope.id));
    // Checked with node:crypto alone, not the ledger-core functions the server stores them with.
    const signed = row?.signed ?? '';
    expect(JSON.parse(signed)).toEqual(topup.envelope);
    expect(signed).toBe(JSON.stringify(sortedKeys(topup.envelope)));
    expect(row?.canonHash).toBe(createHash('sha256').update(signed).digest('base64url'));
    expect(row?.nitetapId).toBe(tag);
    const key = createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: till.publicKey },
      format: 'jwk',
    });
    const message = Buffer.from(`niteos/op/v1\n${signed}`);
    expect(verify(null, message, key, Buffer.from(row?.sig ?? '', 'base64url'))).toBe(true);
  });

  test('replaying the same ops returns the stored results marked duplicate and moves nothing', async () => {
    const till = await venue.freshTill();
    const tag = venue.newTag();
    const ops = [await till.topup(tag, 3000), await till.sale(tag, 1000)];
    const first = await till.push(venue.server.send, ops);
    const again = await till.push(venue.server.send, ops);
    expect(again.body.results).toEqual(first.body.results.map((r) => ({ ...r, duplicate: true })));
    expect(await venue.balanceOf(tag)).toBe(2000);
  });

  test('an id reused for a different envelope is rejected id_reuse', async () => {
    const till = await venue.freshTill();
    const tag = venue.newTag();
    const topup = await till.topup(tag, 3000);
    await till.push(venue.server.send, [topup]);
    const forged = await till.sign({ ...topup.envelope, amountNc: 9000, amountChf: 9000 });
    const { body } = await till.push(venue.server.send, [forged]);
    expect(body.results[0]).toMatchObject({
      id: topup.envelope.id,
      status: 'rejected',
      reason: 'id_reuse',
    });
    expect(await venue.balanceOf(tag)).toBe(3000);
  });

  test('an op listed twice in one push is applied once; the copy gets its result as a duplicate', async () => {
    const till = await venue.freshTill();
    const tag = venue.newTag();
    const topup = await till.topup(tag, 3000);
    const forged = await till.sign({ ...topup.envelope, amountNc: 9000, amountChf: 9000 });
    const { body } = await till.push(venue.server.send, [topup, topup, forged]);
    expect(body.results.map((r) => [r.status, r.reason, r.duplicate, r.balanceNc])).toEqual([
      ['applied', null, false, 3000],
      ['applied', null, true, 3000],
      ['rejected', 'id_reuse', false, null],
    ]);
    expect(await venue.balanceOf(tag)).toBe(3000);
  });

  test('a malformed op is rejected schema while the rest of the push goes through', async () => {
    const till = await venue.freshTill();
    const tag = venue.newTag();
    const good = await till.topup(tag, 1000);
    const extraField = await till.topup(tag, 1000);
    const bad = { ...extraField, envelope: { ...extraField.envelope, surprise: true } };
    const badSum = await till.sign({
      op: 'sale',
      nitetapId: tag,
      amountNc: 999,
      lines: [{ itemId: 'x', qty: 2, unitNc: 500, unitChf: 500 }],
    });
    // Text PostgreSQL cannot store (NUL, signed) or RFC 8785 cannot canonicalize (a lone surrogate).
    const nul = await till.sign({
      op: 'topup',
      nitetapId: tag,
      tender: 'cash',
      staffId: 'a\u0000b',
    });
    const lone = { ...good, envelope: { ...good.envelope, id: randomUUID(), staffId: '\uD83D' } };
    const { status, body } = await till.push(venue.server.send, [
      good,
      bad,
      badSum,
      { envelope: 'nope' },
      42,
      nul,
      lone,
    ]);
    expect(status).toBe(200);
    expect(body.results.map((r) => [r.status, r.reason])).toEqual([
      ['applied', null],
      ['rejected', 'schema'],
      ['rejected', 'schema'],
      ['rejected', 'schema'],
      ['rejected', 'schema'],
      ['rejected', 'schema'],
      ['rejected', 'schema'],
    ]);
    expect(body.results[1]?.id).toBe(extraField.envelope.id);
    expect(await venue.balanceOf(tag)).toBe(1000);
  });

  test('an op signed for another till is unknown_till; one naming another venue is venue_mismatch', async () => {
    const till = await venue.freshTill();
    const other = await venue.freshTill();
    const foreign = await other.topup(venue.newTag(), 1000);
    const wrongVenue = await till.sign({
      op: 'topup',
      venueId: randomUUID(),
      nitetapId: venue.newTag(),
      tender: 'cash',
      amountNc: 100,
      amountChf: 100,
    });
    const { body } = await till.push(venue.server.send, [foreign, wrongVenue]);
    expect(body.results.map((r) => r.reason)).toEqual(['unknown_till', 'venue_mismatch']);
  });

  test('a bad signature is rejected, never reaches the ledger and is written to the security log', async () => {
    const till = await venue.freshTill();
    const tag = venue.newTag();
    const op = await till.topup(tag, 7000);
    const tampered = {
      envelope: { ...op.envelope, amountNc: 70000, amountChf: 70000 },
      sig: op.sig,
    };
    const { body } = await till.push(venue.server.send, [tampered]);
    expect(body.results[0]).toMatchObject({
      status: 'rejected',
      reason: 'bad_signature',
      balanceNc: null,
    });
    expect(await venue.balanceOf(tag)).toBeNull();
    const lines = await venue.server.database.db
      .select()
      .from(ledgerLines)
      .where(eq(ledgerLines.opId, op.envelope.id));
    expect(lines).toHaveLength(0);
    const logged = await venue.server.database.db
      .select()
      .from(securityLog)
      .where(eq(securityLog.opId, op.envelope.id));
    expect(logged.map((l) => l.kind)).toEqual(['bad_signature']);
    // The genuine op with that id still applies afterwards: a forgery cannot burn an id.
    const genuine = await till.push(venue.server.send, [op]);
    expect(genuine.body.results[0]?.status).toBe('applied');
  });
});
