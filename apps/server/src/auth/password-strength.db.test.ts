import { Role } from '@niteos/schema/wire';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { describeDb } from '../test-support/describe-db.ts';
import { startTestServer, type TestServer } from '../test-support/test-server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.dispose());

const TOO_EASY = /too easy to guess/;

describeDb('new passwords that are easy to guess', () => {
  test('a guest cannot sign up with one, and no account is made', async () => {
    for (const password of ['password1', '12345678', 'aaaaaaaa', 'mira.keller2026']) {
      const res = await server.json('POST', '/api/auth/register', null, {
        email: 'mira.keller2026@niteos.test',
        password,
        displayName: 'Mira Keller',
      });
      expect(res.status, password).toBe(400);
      expect(res.body.error.message).toMatch(TOO_EASY);
    }
    const signIn = await server.json('POST', '/api/auth/login', null, {
      email: 'mira.keller2026@niteos.test',
      password: 'password1',
    });
    expect(signIn.status).toBe(401);
    const ok = await server.json('POST', '/api/auth/register', null, {
      email: 'mira.keller2026@niteos.test',
      password: 'velvet lantern orbit',
    });
    expect(ok.status).toBe(201);
  });

  test('an admin cannot give staff one, on creation or later', async () => {
    const venue = await server.createVenue();
    const admin = await server.userToken(Role.venueAdmin, venue);
    const create = (password: string) =>
      server.json('POST', `/api/admin/venues/${venue}/staff`, admin.token, {
        email: 'ben@bar.niteos.test',
        password,
        displayName: 'Ben',
        role: 'staff',
      });
    const refused = await create('qwerty123');
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(TOO_EASY);
    expect((await create('copper-meadow-rain')).status).toBe(201);
    // Their own, changed later: the same rule.
    const patch = (password: string) =>
      server.json('PATCH', `/api/admin/staff/${admin.userId}`, admin.token, { password });
    expect((await patch('iloveyou')).status).toBe(400);
    expect((await patch('harbour-violet-stone')).status).toBe(200);
  });
});
