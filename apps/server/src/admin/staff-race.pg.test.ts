import { randomUUID } from 'node:crypto';
import { users } from '@niteos/schema/tables';
import { Role } from '@niteos/schema/wire';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { describeDb } from '../test-support/describe-db.ts';
import { queuedBehind } from '../test-support/lock-waiters.ts';
import { startTestServer, type TestServer } from '../test-support/test-server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.dispose());

describeDb('adding staff, concurrently', () => {
  test('an email another admin adds at the same moment is 409, not 500', async () => {
    const venue = await server.createVenue();
    const admin = (await server.userToken(Role.venueAdmin, venue)).token;
    const email = 'same-moment@niteos.test';

    // The other admin's insert is made but not committed: this request reads
    // no such user, then queues on the email's unique key behind it.
    const [res] = await queuedBehind(
      server.database.db,
      (tx) =>
        tx.insert(users).values({
          id: randomUUID(),
          email,
          passwordHash: 'x',
          role: 'staff',
          venueId: venue,
        }),
      [
        () =>
          server.json('POST', `/api/admin/venues/${venue}/staff`, admin, {
            email,
            displayName: 'Second',
            password: 'password-123',
            role: 'staff',
          }),
      ],
    );
    expect(res?.status).toBe(409);
    expect(res?.body.error.code).toBe('conflict');
  });
});
