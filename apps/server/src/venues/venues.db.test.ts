import { randomBytes, randomUUID } from 'node:crypto';
import { expect, test } from 'vitest';
import { describeDb } from '../test-support/describe-db.ts';
import { useTwoVenues } from '../test-support/two-venues.ts';

const two = useTwoVenues();

describeDb('admin: venues and tills', () => {
  test('only a Nitecore admin creates venues', async () => {
    const body = { name: 'Club X', slug: `club-${randomUUID().slice(0, 8)}`, city: 'Basel' };
    expect((await two.server.json('POST', '/api/admin/venues', null, body)).status).toBe(401);
    expect((await two.server.json('POST', '/api/admin/venues', two.admin, body)).status).toBe(403);
    const created = await two.server.json('POST', '/api/admin/venues', two.server.rootToken, body);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: expect.any(String),
      name: 'Club X',
      slug: body.slug,
      city: 'Basel',
    });
    const again = await two.server.json('POST', '/api/admin/venues', two.server.rootToken, body);
    expect(again.status).toBe(409);
  });

  test('a venue slug with capitals or spaces is 400 and creates nothing', async () => {
    const res = await two.server.json('POST', '/api/admin/venues', two.server.rootToken, {
      name: 'A',
      slug: 'Bad Slug',
      city: 'Bern',
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('slug');
  });

  test('a venue admin enrolls tills for their venue only', async () => {
    const publicKey = Buffer.alloc(32, 7).toString('base64url');
    const own = await two.server.json('POST', `/api/admin/venues/${two.venueId}/tills`, two.admin, {
      name: 'Bar',
      publicKey,
    });
    expect(own.status).toBe(201);
    expect(own.body).toMatchObject({ tillId: expect.any(String), deviceToken: expect.any(String) });
    const foreign = await two.server.json(
      'POST',
      `/api/admin/venues/${two.otherVenueId}/tills`,
      two.admin,
      {
        name: 'Bar',
        publicKey,
      },
    );
    expect(foreign.status).toBe(403);
    const byStaff = await two.server.json(
      'POST',
      `/api/admin/venues/${two.venueId}/tills`,
      two.staff,
      {
        name: 'Bar',
        publicKey,
      },
    );
    expect(byStaff.status).toBe(403);
    const badKey = await two.server.json(
      'POST',
      `/api/admin/venues/${two.venueId}/tills`,
      two.admin,
      {
        name: 'Bar',
        publicKey: 'short',
      },
    );
    expect(badKey.status).toBe(400);
    const noVenue = await two.server.json(
      'POST',
      `/api/admin/venues/${randomUUID()}/tills`,
      two.server.rootToken,
      { name: 'Bar', publicKey },
    );
    expect(noVenue.status).toBe(404);
  });

  test('an enrolment sent again with its key (the answer was lost) is the same till with a new token', async () => {
    const enroll = (publicKey: string, venueId = two.venueId) =>
      two.server.json('POST', `/api/admin/venues/${venueId}/tills`, two.admin, {
        name: 'Bar by the door',
        publicKey,
      });
    const pull = (token: string) => two.server.json('GET', '/api/sync/pull', token);
    const publicKey = randomBytes(32).toString('base64url');
    const lost = await enroll(publicKey);
    expect(lost.status).toBe(201);
    const again = await enroll(publicKey);
    expect(again.status).toBe(201);
    expect(again.body.tillId).toBe(lost.body.tillId);
    // Only the token the device got works: the lost one was never held by anyone.
    expect((await pull(lost.body.deviceToken)).status).toBe(401);
    expect((await pull(again.body.deviceToken)).status).toBe(200);
    const listed = await two.server.json(
      'GET',
      `/api/admin/venues/${two.venueId}/tills`,
      two.admin,
    );
    expect(
      listed.body.tills.filter((t: { name: string }) => t.name === 'Bar by the door'),
    ).toHaveLength(1);

    // Once the till has reached the server, its key is in use: no second device takes it over.
    const inUse = await enroll(publicKey);
    expect(inUse.status).toBe(409);
    expect((await pull(again.body.deviceToken)).status).toBe(200);
    // Nor another venue, nor a till revoked before it was ever seen.
    const other = randomBytes(32).toString('base64url');
    const unseen = await enroll(other);
    expect(unseen.status).toBe(201);
    const elsewhere = await two.server.json(
      'POST',
      `/api/admin/venues/${two.otherVenueId}/tills`,
      two.server.rootToken,
      { name: 'Bar', publicKey: other },
    );
    expect(elsewhere.status).toBe(409);
    const revoked = await two.server.json(
      'POST',
      `/api/admin/tills/${unseen.body.tillId}/revoke`,
      two.admin,
    );
    expect(revoked.status).toBe(200);
    expect((await enroll(other)).status).toBe(409);
  });

  test('two first enrolments with one key at once: one till, the others told to try again with the same key', async () => {
    const publicKey = randomBytes(32).toString('base64url');
    const enroll = () =>
      two.server.json('POST', `/api/admin/venues/${two.venueId}/tills`, two.admin, {
        name: 'Bar twice',
        publicKey,
      });
    const answers = await Promise.all(Array.from({ length: 8 }, enroll));
    const statuses = answers.map((a) => a.status);
    expect(statuses).toContain(201);
    // 503 and not 409: a device gives its key up on a 409, and would leave this till behind.
    for (const s of statuses) expect([201, 503]).toContain(s);
    const listed = await two.server.json(
      'GET',
      `/api/admin/venues/${two.venueId}/tills`,
      two.admin,
    );
    expect(listed.body.tills.filter((t: { name: string }) => t.name === 'Bar twice')).toHaveLength(
      1,
    );
    // The device's retry is the lost-answer case: the same till.
    const retry = await enroll();
    expect(retry.status).toBe(201);
    expect(retry.body.tillId).toBe(answers.find((a) => a.status === 201)?.body.tillId);
  });

  test('a till is revoked only by an admin of its venue', async () => {
    const till = await two.server.enrollTill(two.venueId);
    expect(
      (await two.server.json('POST', `/api/admin/tills/${till.tillId}/revoke`, two.otherAdmin))
        .status,
    ).toBe(403);
    const res = await two.server.json('POST', `/api/admin/tills/${till.tillId}/revoke`, two.admin);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('revoked');
    // A second click answers the same and is not a second revocation in the audit log.
    const again = await two.server.json(
      'POST',
      `/api/admin/tills/${till.tillId}/revoke`,
      two.admin,
    );
    expect(again.body).toEqual(res.body);
    const log = await two.server.json(
      'GET',
      `/api/admin/audit?venueId=${two.venueId}`,
      two.server.rootToken,
    );
    expect(
      log.body.entries.filter(
        (e: { action: string; target: string }) =>
          e.action === 'till.revoke' && e.target === till.tillId,
      ),
    ).toHaveLength(1);
    expect(
      (await two.server.json('POST', `/api/admin/tills/${randomUUID()}/revoke`, two.admin)).status,
    ).toBe(404);
  });
});
