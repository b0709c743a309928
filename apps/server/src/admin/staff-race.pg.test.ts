import { randomUUID } from 'node:crypto';
import { users } from '@niteos/schema/tables';
import { Role } from '@niteos/schema/wire';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { hashSecret } from '../auth/passwords.ts';
import type { Tx } from '../db/database.ts';
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

describeDb('disabling staff, concurrently', () => {
  // The admin's disable is made but not committed: each request below read
  // the account enabled, then queues on the user's row behind the disable.
  const disabling = (userId: string) => (tx: Tx) =>
    tx.update(users).set({ disabledAt: new Date() }).where(eq(users.id, userId));

  test('a sign-in whose password check ran before the disable gets no tokens', async () => {
    const venue = await server.createVenue();
    const member = await server.userToken(Role.staff, venue);
    const [res] = await queuedBehind(server.database.db, disabling(member.userId), [
      () =>
        server.json('POST', '/api/auth/login', null, {
          email: member.email,
          password: member.password,
        }),
    ]);
    expect(res?.status).toBe(401);
    expect(res?.body.error.message).toMatch(/disabled/);
  });

  test('a refresh that read the account before the disable gets no new tokens', async () => {
    const venue = await server.createVenue();
    const member = await server.userToken(Role.staff, venue);
    const session = await server.json('POST', '/api/auth/login', null, {
      email: member.email,
      password: member.password,
    });
    const [res] = await queuedBehind(server.database.db, disabling(member.userId), [
      () =>
        server.json('POST', '/api/auth/refresh', null, {
          refreshToken: session.body.refreshToken,
        }),
    ]);
    expect(res?.status).toBe(401);
    expect(res?.body.error.message).toMatch(/disabled/);
  });

  test('a sign-in whose password check ran before a demotion gets a token of the new role', async () => {
    const venue = await server.createVenue();
    const member = await server.userToken(Role.venueAdmin, venue);
    const [res] = await queuedBehind(
      server.database.db,
      (tx) => tx.update(users).set({ role: Role.staff }).where(eq(users.id, member.userId)),
      [
        () =>
          server.json('POST', '/api/auth/login', null, {
            email: member.email,
            password: member.password,
          }),
      ],
    );
    expect(res?.status).toBe(200);
    expect(res?.body.user.role).toBe('staff');
    const staffList = `/api/admin/venues/${venue}/staff`;
    expect((await server.json('GET', staffList, res?.body.accessToken)).status).toBe(403);
  });

  test('a sign-in with the old password that ran before a reset gets no tokens', async () => {
    const venue = await server.createVenue();
    const member = await server.userToken(Role.staff, venue);
    // The admin's reset is made but not committed: the sign-in checks the
    // leaked password against the hash it read, then queues on the user.
    const [res] = await queuedBehind(
      server.database.db,
      async (tx) =>
        tx
          .update(users)
          .set({ passwordHash: await hashSecret('a-new-password-1') })
          .where(eq(users.id, member.userId)),
      [
        () =>
          server.json('POST', '/api/auth/login', null, {
            email: member.email,
            password: member.password,
          }),
      ],
    );
    expect(res?.status).toBe(401);
    expect(res?.body.error.message).toBe('wrong email or password');
    const fresh = await server.json('POST', '/api/auth/login', null, {
      email: member.email,
      password: 'a-new-password-1',
    });
    expect(fresh.status).toBe(200);
  });
});
