import { claimCode } from '@niteos/ledger-core';
import type { ActivityEntry } from '@niteos/schema/wire';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { describeDb } from '../test-support/describe-db.ts';
import { startTestServer, type TestServer } from '../test-support/test-server.ts';
import type { TestTill } from '../test-support/test-till.ts';

let server: TestServer;
let till: TestTill;
beforeAll(async () => {
  server = await startTestServer();
  till = await server.enrollTill(await server.createVenue());
});
afterAll(() => server.dispose());

/** A guest who claimed `tag` after its first top-up of `amountNc`. */
async function guestWith(email: string, tag: string, amountNc: number) {
  const topup = await till.topup(tag, amountNc);
  await till.push(server.send, [topup]);
  const token = (
    await server.json('POST', '/api/auth/register', null, { email, password: 'guest-password' })
  ).body.accessToken as string;
  const claimed = await server.json('POST', '/api/wallets/claim', token, {
    nitetapId: tag,
    code: claimCode(topup.sig),
  });
  expect(claimed.status).toBe(200);
  return token;
}

async function activity(token: string, tag: string): Promise<ActivityEntry[]> {
  const res = await server.json('GET', `/api/me/wallets/${tag}/activity`, token);
  expect(res.status).toBe(200);
  return res.body.entries;
}

async function settle(opId: string, resolution: 'reject' | 'write_off') {
  const open = await server.json('GET', '/api/admin/conflicts?status=open', server.rootToken);
  const held = open.body.conflicts.find((c: { opId: string }) => c.opId === opId);
  const res = await server.json(
    'POST',
    `/api/admin/conflicts/${held.id}/resolve`,
    server.rootToken,
    { resolution, note: 'settled in a test' },
  );
  expect(res.status).toBe(200);
}

describeDb("a guest's activity shows what a held op would move", () => {
  test('a held sale and cash-out carry the NC they would take; applied ops carry none', async () => {
    const tag = 'ac71000001';
    const token = await guestWith('held-sale@niteos.test', tag, 1000);
    const sale = await till.sale(tag, 1500);
    const cashout = await till.sign({
      op: 'cashout',
      nitetapId: tag,
      tender: 'cash',
      amountNc: 1200,
      amountChf: 1200,
      basis: { balanceNc: 1200, asOf: null, pendingNc: 0 },
    });
    const pushed = await till.push(server.send, [sale, cashout]);
    expect(pushed.body.results.map((r) => [r.status, r.reason])).toEqual([
      ['held', 'insufficient_funds'],
      ['held', 'insufficient_funds'],
    ]);
    const byId = new Map((await activity(token, tag)).map((e) => [e.opId, e]));
    expect(byId.get(sale.envelope.id)).toMatchObject({
      standing: 'held',
      deltaNc: 0,
      pendingNc: -1500,
    });
    expect(byId.get(cashout.envelope.id)).toMatchObject({ standing: 'held', pendingNc: -1200 });
    const topup = [...byId.values()].find((e) => e.kind === 'topup');
    expect(topup).toMatchObject({ standing: 'applied', deltaNc: 1000 });
    expect(topup).not.toHaveProperty('pendingNc');

    // Settled, the op moves what it moved (nothing here): nothing is pending any more.
    await settle(sale.envelope.id, 'reject');
    await settle(cashout.envelope.id, 'write_off');
    const settled = new Map((await activity(token, tag)).map((e) => [e.opId, e]));
    expect(settled.get(sale.envelope.id)?.standing).toBe('rejected');
    expect(settled.get(cashout.envelope.id)?.standing).toBe('written_off');
    for (const id of [sale.envelope.id, cashout.envelope.id]) {
      expect(settled.get(id)).not.toHaveProperty('pendingNc');
    }
  });

  test('a held top-up carries the NC it would add; a held cash sale none', async () => {
    const tag = 'ac71000002';
    const token = await guestWith('held-topup@niteos.test', tag, 500);
    // Each op names an op the server never got before it: both are held, `chain_break`.
    const held = async (op: () => ReturnType<TestTill['sign']>) => {
      till.breakChain();
      const signed = await op();
      const pushed = await till.push(server.send, [signed]);
      expect(pushed.body.results[0]?.status).toBe('held');
      return signed;
    };
    const topup = await held(() => till.topup(tag, 300));
    const cashSale = await held(() => till.sale(tag, 700, 'cash'));
    const byId = new Map((await activity(token, tag)).map((e) => [e.opId, e]));
    expect(byId.get(topup.envelope.id)).toMatchObject({ standing: 'held', pendingNc: 300 });
    expect(byId.get(cashSale.envelope.id)?.standing).toBe('held');
    expect(byId.get(cashSale.envelope.id)).not.toHaveProperty('pendingNc');
  });
});
