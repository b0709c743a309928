import { Role } from '@niteos/schema/wire';
import { expect, test } from 'vitest';
import { createVenue, describeWithServers, loginAdmin } from './support/server-process.ts';

describeWithServers(
  'pglite',
  'a restart without Redis (the in-process store forgets sign-outs)',
  (suite) => {
    test("a disabled admin's token stays refused; everyone else goes on", async () => {
      const first = await suite.start('server before the restart');
      const root = await loginAdmin(first);
      const venueId = await createVenue(first, root);
      const person = (role: Role, name: string) =>
        first.json('POST', `/api/admin/venues/${venueId}/staff`, root, {
          email: `${name}@restart.test`,
          displayName: name,
          password: 'password-123',
          role,
        });
      const signIn = (server: typeof first, name: string) =>
        server.json('POST', '/api/auth/login', null, {
          email: `${name}@restart.test`,
          password: 'password-123',
        });
      const fired = await person(Role.venueAdmin, 'fired');
      await person(Role.venueAdmin, 'kept');
      const firedSession = (await signIn(first, 'fired')).body;
      const keptSession = (await signIn(first, 'kept')).body;
      const disabled = await first.json('PATCH', `/api/admin/staff/${fired.body.userId}`, root, {
        disabled: true,
      });
      expect(disabled.status).toBe(200);
      const conflicts = `/api/admin/conflicts?venueId=${venueId}`;
      expect((await first.json('GET', conflicts, firedSession.accessToken)).status).toBe(401);

      await first.stop();
      const after = await suite.start('server after the restart');
      // The old process's record of the sign-out is gone; the account is read instead.
      expect((await after.json('GET', conflicts, firedSession.accessToken)).status).toBe(401);
      expect((await after.json('GET', conflicts, keptSession.accessToken)).status).toBe(200);
      const firedRenewal = await after.json('POST', '/api/auth/refresh', null, {
        refreshToken: firedSession.refreshToken,
      });
      expect(firedRenewal.status).toBe(401);
      expect((await signIn(after, 'fired')).status).toBe(403);
    });
  },
);
