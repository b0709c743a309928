import { Role } from '@niteos/schema/wire';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { describeDb } from '../test-support/describe-db.ts';
import { startTestServer, type TestServer } from '../test-support/test-server.ts';

let server: TestServer;
let venue: string;
let admin: string;
beforeAll(async () => {
  server = await startTestServer();
  venue = await server.createVenue();
  admin = (await server.userToken(Role.venueAdmin, venue)).token;
});
afterAll(() => server.dispose());

/** A request as nginx on this host forwards it when the admin is on HTTPS (or not). */
async function send(method: string, path: string, body: unknown, https: boolean) {
  const res = await server.send(path, {
    method,
    headers: {
      authorization: `Bearer ${admin}`,
      'content-type': 'application/json',
      ...(https ? { 'x-forwarded-proto': 'https' } : {}),
    },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

const radioUrl = async () =>
  (await server.json('GET', '/api/admin/venues', admin)).body.venues.find(
    (v: { id: string }) => v.id === venue,
  ).radioUrl;

describeDb('media addresses guests load', () => {
  test('over HTTPS, an http radio stream is refused with the reason and nothing changes', async () => {
    const path = `/api/admin/venues/${venue}`;
    expect(
      (await send('PATCH', path, { radioUrl: 'https://radio.example/a.m3u8' }, true)).status,
    ).toBe(200);
    for (const url of ['http://radio.example:8000/live', 'HTTP://radio.example/b.m3u8']) {
      const res = await send('PATCH', path, { radioUrl: url, name: 'Renamed' }, true);
      expect(res.status, url).toBe(400);
      expect(res.body.error.message).toMatch(/radioUrl must start with https:/);
    }
    expect(await radioUrl()).toBe('https://radio.example/a.m3u8');
    // Clearing it is always fine.
    expect((await send('PATCH', path, { radioUrl: null }, true)).status).toBe(200);
  });

  test('without HTTPS (a local start), an http stream is kept: it plays there', async () => {
    const res = await send(
      'PATCH',
      `/api/admin/venues/${venue}`,
      { radioUrl: 'http://127.0.0.1:9000/s.m3u8' },
      false,
    );
    expect(res.status).toBe(200);
    expect(await radioUrl()).toBe('http://127.0.0.1:9000/s.m3u8');
  });

  test('over HTTPS, a feed post with an http image is refused and not posted', async () => {
    const path = `/api/admin/venues/${venue}/feed`;
    const res = await send(
      'POST',
      path,
      { title: 'Tonight', imageUrl: 'http://img.example/a.jpg' },
      true,
    );
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/imageUrl must start with https:/);
    const posts = (await server.json('GET', path, admin)).body.posts;
    expect(posts.map((p: { title: string }) => p.title)).not.toContain('Tonight');
    expect(
      (await send('POST', path, { title: 'Tonight', imageUrl: 'https://img.example/a.jpg' }, true))
        .status,
    ).toBe(201);
  });
});
