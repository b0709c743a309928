import { afterAll, beforeAll, expect, test } from 'vitest';
import { describeDb } from '../test-support/describe-db.ts';
import { startTestServer, type TestServer } from '../test-support/test-server.ts';

let server: TestServer;
let venue: string;
beforeAll(async () => {
  server = await startTestServer();
  venue = await server.createVenue();
});
afterAll(() => server.dispose());

describeDb('URLs no route can use are 400, before any route runs', () => {
  test.each([
    '/api/public/venues?city=%00',
    '/api/admin/conflicts?venueId=%00&status=open',
    '/api/admin/audit?venueId=a%00b',
    '/api/admin/venues/%00/staff',
    '/api/admin/conflicts/%00',
    '/api/me/wallets/%00/activity',
    '/api/admin/venues/%ED%A0%80/staff',
    '/api/admin/venues/%E0%A4%A/staff',
  ])('%s', async (path) => {
    const res = await server.json('GET', path, server.rootToken);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('bad_request');
  });

  test('report times outside PostgreSQL years and an audit limit that is no count are 400', async () => {
    const night = `/api/admin/venues/${venue}/reports/night`;
    for (const query of [
      '?from=0000-01-01T00:00:00Z',
      `?from=9999-12-31T00:00:00Z&to=${encodeURIComponent('9999-12-31T23:00:00-05:00')}`,
    ]) {
      expect((await server.json('GET', night + query, server.rootToken)).status, query).toBe(400);
    }
    for (const query of ['?limit=1.5', '?limit=0', '?before=x', '?since=1']) {
      expect((await server.json('GET', `/api/admin/audit${query}`, server.rootToken)).status).toBe(
        400,
      );
    }
    const two = await server.json('GET', '/api/admin/audit?limit=2', server.rootToken);
    expect(two.status).toBe(200);
    expect(two.body.entries.length).toBeLessThanOrEqual(2);
  });
});
