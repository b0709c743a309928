import { PUSH_MAX_OPS } from '@niteos/schema/wire';
import { expect, test } from 'vitest';
import { describeDb } from '../test-support/describe-db.ts';
import { usePushVenue } from '../test-support/push-venue.ts';

const venue = usePushVenue();

describeDb('push: transport errors', () => {
  test('no token or an unknown token is 401', async () => {
    const till = await venue.freshTill();
    const body = JSON.stringify({ tillId: till.tillId, ops: [] });
    const none = await venue.server.send('/api/sync/push', { method: 'POST', body });
    expect(none.status).toBe(401);
    const wrong = await venue.server.send('/api/sync/push', {
      method: 'POST',
      body,
      headers: { authorization: 'Bearer nope' },
    });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({
      error: { code: 'unauthorized', message: expect.any(String) },
    });
  });

  test('a body naming another till than the token is 401 and nothing is applied', async () => {
    const till = await venue.freshTill();
    const other = await venue.freshTill();
    const tag = venue.newTag();
    const res = await venue.server.send('/api/sync/push', {
      method: 'POST',
      headers: { authorization: `Bearer ${till.deviceToken}` },
      body: JSON.stringify({ tillId: other.tillId, ops: [await other.topup(tag, 100)] }),
    });
    expect(res.status).toBe(401);
    expect(await venue.balanceOf(tag)).toBeNull();
  });

  test('malformed JSON is 400 bad_json', async () => {
    const till = await venue.freshTill();
    const res = await venue.server.send('/api/sync/push', {
      method: 'POST',
      headers: { authorization: `Bearer ${till.deviceToken}` },
      body: '{"tillId": ',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('bad_json');
  });

  test('a body without an ops array is 400', async () => {
    const till = await venue.freshTill();
    const res = await venue.server.json('POST', '/api/sync/push', till.deviceToken, {
      tillId: till.tillId,
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('bad_request');
  });

  test(`more than ${PUSH_MAX_OPS} ops is 413 and nothing is applied`, async () => {
    const till = await venue.freshTill();
    const tag = venue.newTag();
    const ops = [];
    for (let i = 0; i <= PUSH_MAX_OPS; i++) ops.push(await till.topup(tag, 100));
    const { status } = await till.push(venue.server.send, ops);
    expect(status).toBe(413);
    expect(await venue.balanceOf(tag)).toBeNull();
  });

  test('a body over 1 MiB is 413 before any work', async () => {
    const till = await venue.freshTill();
    const res = await venue.server.send('/api/sync/push', {
      method: 'POST',
      headers: { authorization: `Bearer ${till.deviceToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ tillId: till.tillId, ops: [], pad: 'x'.repeat(1024 * 1024) }),
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
      'payload_too_large',
    );
  });
});
