import { randomUUID } from 'node:crypto';
import { marketItems } from '@niteos/schema/tables';
import { Role } from '@niteos/schema/wire';
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import { describeDb } from '../test-support/describe-db.ts';
import { startTestServer, type TestServer } from '../test-support/test-server.ts';

// PostgreSQL only: PGlite runs inside this process and reads its clock, so
// the two clocks cannot disagree there.
let server: TestServer;
let venueId: string;

beforeAll(async () => {
  server = await startTestServer();
  venueId = await server.createVenue();
});
afterAll(() => server.dispose());

describeDb("pull with the server's clock behind PostgreSQL's", () => {
  test("a price changed on a server whose clock is behind PostgreSQL's still reaches the tills", async () => {
    const till = await server.enrollTill(venueId);
    const itemId = randomUUID();
    await server.database.db.insert(marketItems).values({
      id: itemId,
      venueId,
      name: 'Negroni',
      category: 'Cocktails',
      priceNc: 1700,
      priceChf: 1700,
    });
    const first = await server.json('GET', '/api/sync/pull', till.deviceToken);
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() - 5 * 60_000 });
    try {
      const admin = (await server.userToken(Role.venueAdmin, venueId)).token;
      const patched = await server.json('PATCH', `/api/admin/market-items/${itemId}`, admin, {
        priceNc: 1800,
      });
      expect(patched.status).toBe(200);
    } finally {
      vi.useRealTimers();
    }
    const next = await server.json(
      'GET',
      `/api/sync/pull?cursor=${first.body.cursor}`,
      till.deviceToken,
    );
    expect(next.body.catalog).toContainEqual(
      expect.objectContaining({ itemId, name: 'Negroni', priceNc: 1800 }),
    );
  });
});
