import { Role } from '@niteos/schema/wire';
import { expect, test } from 'vitest';
import { describeDb } from '../test-support/describe-db.ts';
import { usePushVenue } from '../test-support/push-venue.ts';
import type { TestTill } from '../test-support/test-till.ts';

const venue = usePushVenue();

/** A sale of 200 NC its basis does not justify (no balance known): applied, and the till flagged. */
async function breakTheOfflineRule(till: TestTill) {
  const tag = venue.newTag();
  await till.push(venue.server.send, [await till.topup(tag, 50_000)]);
  const { body } = await till.push(venue.server.send, [await till.unjustifiedSale(tag, 20_000)]);
  expect(body.results[0]?.status).toBe('applied');
}

describeDb('a till flagged for breaking the offline rules', () => {
  test('an admin of its venue clears the flag once looked into; the next breach flags it again', async () => {
    const { server } = venue;
    const admin = (await server.userToken(Role.venueAdmin, venue.id)).token;
    const till = await venue.freshTill();
    const flagOf = async () => {
      const list = await server.json('GET', `/api/admin/venues/${venue.id}/tills`, admin);
      return list.body.tills.find((t: { tillId: string }) => t.tillId === till.tillId) as {
        flagReason: string | null;
        flaggedAt: string | null;
      };
    };
    await breakTheOfflineRule(till);
    expect(await flagOf()).toMatchObject({
      flagReason: 'basis_violation',
      flaggedAt: expect.any(String),
    });

    const seen = (await flagOf()).flaggedAt ?? '';
    const clear = (token: string, flaggedAt = seen) =>
      server.json('POST', `/api/admin/tills/${till.tillId}/clear-flag`, token, { flaggedAt });
    const elsewhere = (await server.userToken(Role.venueAdmin, await server.createVenue())).token;
    expect((await clear(elsewhere)).status).toBe(403);
    expect((await clear((await server.userToken(Role.staff, venue.id)).token)).status).toBe(403);
    expect((await flagOf()).flagReason).toBe('basis_violation');

    // A flag other than the one on the admin's screen (raised since) is not cleared unseen.
    const stale = await clear(admin, '2026-01-01T00:00:00.000Z');
    expect(stale.status).toBe(409);
    expect(stale.body.error.message).toMatch(/flagged again since \(basis_violation/);
    expect((await clear(admin, 'yesterday')).status).toBe(400);
    expect((await flagOf()).flagReason).toBe('basis_violation');

    expect((await clear(admin)).status).toBe(204);
    expect(await flagOf()).toMatchObject({ flagReason: null, flaggedAt: null });
    // A second click is done already, and not a second entry in the audit log.
    expect((await clear(admin)).status).toBe(204);
    const log = await server.json('GET', `/api/admin/audit?venueId=${venue.id}`, server.rootToken);
    const cleared = log.body.entries.filter(
      (e: { action: string; target: string }) =>
        e.action === 'till.clear_flag' && e.target === till.tillId,
    );
    expect(cleared).toHaveLength(1);
    expect(cleared[0].before).toMatchObject({ flagReason: 'basis_violation' });

    await breakTheOfflineRule(till);
    expect((await flagOf()).flagReason).toBe('basis_violation');
    expect(
      (
        await server.json('POST', '/api/admin/tills/not-a-till/clear-flag', admin, {
          flaggedAt: seen,
        })
      ).status,
    ).toBe(404);
  });
});
