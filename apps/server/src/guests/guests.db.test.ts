import { claimCode } from '@niteos/ledger-core';
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

async function register(email: string) {
  const res = await server.json('POST', '/api/auth/register', null, {
    email,
    password: 'guest-password',
  });
  expect(res.status).toBe(201);
  expect(res.body.user.role).toBe('guest');
  return res.body.accessToken as string;
}

describeDb('guests claim their wristbands', () => {
  test('the claim code from a topup binds the wallet; the tag id alone does not', async () => {
    const tag = 'c1a1c1a1c1';
    const topup = await till.topup(tag, 4000);
    await till.push(server.send, [topup]);
    const token = await register('night-owl@niteos.test');

    const guess = await server.json('POST', '/api/wallets/claim', token, {
      nitetapId: tag,
      code: 'AAAA-AAAA',
    });
    expect(guess.status).toBe(404);
    expect((await server.json('GET', `/api/wallets/${tag}`, token)).status).toBe(404);

    const code = claimCode(topup.sig).toLowerCase().replace('-', ' ');
    const claimed = await server.json('POST', '/api/wallets/claim', token, {
      nitetapId: tag.toUpperCase(),
      code,
    });
    expect(claimed.status).toBe(200);
    expect((await server.json('GET', `/api/wallets/${tag}`, token)).body).toMatchObject({
      balanceNc: 4000,
    });
    expect((await server.json('GET', '/api/me/wallets', token)).body.wallets).toEqual([
      expect.objectContaining({ nitetapId: tag, balanceNc: 4000, status: 'active' }),
    ]);
    expect(
      (await server.json('POST', '/api/wallets/claim', token, { nitetapId: tag, code })).status,
    ).toBe(200);

    const thief = await register('thief@niteos.test');
    expect(
      (await server.json('POST', '/api/wallets/claim', thief, { nitetapId: tag, code })).status,
    ).toBe(409);
    expect((await server.json('GET', `/api/wallets/${tag}`, thief)).status).toBe(404);
  });

  test("a guest's wristbands keep their order (first added first) as sales change them", async () => {
    const token = await register('two-bands@niteos.test');
    const tags = ['b0b0000001', 'a0a0000002', 'c0c0000003'];
    for (const tag of tags) {
      const topup = await till.topup(tag, 5000);
      await till.push(server.send, [topup]);
      const code = claimCode(topup.sig);
      expect(
        (await server.json('POST', '/api/wallets/claim', token, { nitetapId: tag, code })).status,
      ).toBe(200);
    }
    // Each sale rewrites its wallet's rows, which moves them in the table.
    for (const tag of [tags[0], tags[1], tags[0]] as string[]) {
      await till.push(server.send, [await till.sale(tag, 100)]);
      const listed = (await server.json('GET', '/api/me/wallets', token)).body.wallets;
      expect(listed.map((w: { nitetapId: string }) => w.nitetapId)).toEqual(tags);
    }
  });

  test('guessing codes for one tag is cut off after a few tries, whoever guesses', async () => {
    const tag = 'c1a1c1a1c2';
    await till.push(server.send, [await till.topup(tag, 100)]);
    const a = await register('guess-a@niteos.test');
    const b = await register('guess-b@niteos.test');
    const statuses = [];
    for (const token of [a, b, a, b, a, b]) {
      statuses.push(
        (
          await server.json('POST', '/api/wallets/claim', token, {
            nitetapId: tag,
            code: 'ZZZZ-ZZZZ',
          })
        ).status,
      );
    }
    expect(statuses).toEqual([404, 404, 404, 404, 404, 429]);
  });

  test("a venue's guests behind one Wi-Fi address can all sign up on a busy night", async () => {
    // Many more than the 10 an hour one address was once allowed.
    for (let i = 0; i < 25; i++) await register(`crowd-${i}@niteos.test`);
  });

  test('signing up twice with one email is 409; staff cannot claim wallets', async () => {
    await register('twice@niteos.test');
    const again = await server.json('POST', '/api/auth/register', null, {
      email: 'TWICE@niteos.test',
      password: 'guest-password',
    });
    expect(again.status).toBe(409);
    const res = await server.json('POST', '/api/wallets/claim', server.rootToken, {
      nitetapId: 'c1a1c1a1c1',
      code: 'AAAA-AAAA',
    });
    expect(res.status).toBe(403);
  });
});
