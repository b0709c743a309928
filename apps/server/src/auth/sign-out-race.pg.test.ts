import { refreshTokens } from '@niteos/schema/tables';
import { Role } from '@niteos/schema/wire';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { describeDb } from '../test-support/describe-db.ts';
import { queuedBehind } from '../test-support/lock-waiters.ts';
import { startTestServer, type TestServer } from '../test-support/test-server.ts';
import { hashToken } from './tokens.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.dispose());

describeDb('signing out while a refresh commits', () => {
  test.each([
    ['everywhere', '/api/auth/logout-everywhere'],
    ['this login', '/api/auth/logout'],
  ])('signing out %s also ends the token the refresh just made', async (_, path) => {
    const user = await server.userToken(Role.guest, null);
    const login = await server.json('POST', '/api/auth/login', null, {
      email: user.email,
      password: user.password,
    });
    const { accessToken, refreshToken } = login.body;

    // The refresh queues first on its token's row, then the sign-out: the
    // sign-out's UPDATE must see the successor the refresh commits before it.
    const [refreshed, signedOut] = await queuedBehind(
      server.database.db,
      (tx) =>
        tx
          .select()
          .from(refreshTokens)
          .where(eq(refreshTokens.tokenHash, hashToken(refreshToken)))
          .for('update'),
      [
        () => server.json('POST', '/api/auth/refresh', null, { refreshToken }),
        () => server.json('POST', path, accessToken, { refreshToken }),
      ],
    );
    expect(refreshed?.status).toBe(200);
    expect(signedOut?.status).toBe(204);
    const again = await server.json('POST', '/api/auth/refresh', null, {
      refreshToken: refreshed?.body.refreshToken,
    });
    expect(again.status).toBe(401);
  });
});
