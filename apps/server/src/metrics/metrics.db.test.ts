import { afterAll, beforeAll, expect, test } from 'vitest';
import { describeDb } from '../test-support/describe-db.ts';
import { startTestServer, type TestServer } from '../test-support/test-server.ts';

let server: TestServer;
const lines: string[] = [];
beforeAll(async () => {
  server = await startTestServer({ log: (entry) => lines.push(JSON.stringify(entry)) });
});
afterAll(() => server.dispose());

describeDb('metrics and request logs', () => {
  test('/metrics counts pushed ops by result and times pushes', async () => {
    const till = await server.enrollTill(await server.createVenue());
    const topup = await till.topup('d00d00d00d', 1000);
    await till.push(server.send, [topup, await till.sale('d00d00d00d', 5000)]);
    await till.push(server.send, [topup]);
    const res = await server.send('/metrics');
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/niteos_ops_total\{status="applied",reason="none",duplicate="false"\} 1/);
    expect(text).toMatch(
      /niteos_ops_total\{status="held",reason="insufficient_funds",duplicate="false"\} 1/,
    );
    expect(text).toMatch(/niteos_ops_total\{status="applied",reason="none",duplicate="true"\} 1/);
    expect(text).toMatch(/niteos_push_duration_seconds_count 2/);
    expect(text).toContain('niteos_nodejs_eventloop_lag_seconds');
    expect(text).toMatch(/niteos_pushes_total\{status="200"\} 2/);
    // No analytics store here: the events stay in PostgreSQL and are not counted as pending.
    expect(text).not.toContain('niteos_analytics_outbox_pending');
    expect(text).toContain('niteos_process_resident_memory_bytes');
    // The health page's fleet figures, for alerts: the held sale waits for an admin.
    expect(text).toMatch(/^niteos_tills_active 1$/m);
    expect(text).toMatch(/^niteos_tills_silent 0$/m);
    expect(text).toMatch(/^niteos_conflicts_open 1$/m);
    expect(text).toMatch(/^niteos_seq_gaps_open 0$/m);
    // A till enrolled that never synced is silent (once the scrape's one-second read has aged).
    await server.enrollTill(await server.createVenue());
    await expect
      .poll(
        async () => (await (await server.send('/metrics')).text()).match(/^niteos_tills_.*$/gm),
        {
          timeout: 5000,
        },
      )
      .toEqual(['niteos_tills_active 2', 'niteos_tills_silent 1']);
  });

  test('every push outcome is exported from the start, at 0 until it happens', async () => {
    const text = await (await server.send('/metrics')).text();
    expect(text).toMatch(
      /niteos_ops_total\{status="held",reason="chain_fork",duplicate="false"\} 0/,
    );
    expect(text).toMatch(
      /niteos_ops_total\{status="rejected",reason="id_reuse",duplicate="false"\} 0/,
    );
    expect(text).toMatch(/niteos_pushes_total\{status="503"\} 0/);
    // An op rejected before it is stored never comes back as a duplicate.
    expect(text).not.toMatch(/reason="bad_signature",duplicate="true"/);
    expect(text).toMatch(/niteos_analytics_refused_total\{parked="true"\} 0/);
    expect(text).toMatch(/niteos_analytics_shipped_total\{duplicate="false"\} 0/);
  });

  test('no log line ever holds a password, a PIN, a device token, a JWT or a refresh token', async () => {
    const venueId = await server.createVenue();
    const staff = await server.json(
      'POST',
      `/api/admin/venues/${venueId}/staff`,
      server.rootToken,
      {
        email: 'bar@niteos.test',
        displayName: 'Bar',
        password: 'staff-secret-pw-42',
        pin: '987123',
      },
    );
    expect(staff.status).toBe(201);
    const login = await server.json('POST', '/api/auth/login', null, {
      email: 'bar@niteos.test',
      password: 'staff-secret-pw-42',
    });
    const wrong = await server.json('POST', '/api/auth/login', null, {
      email: 'bar@niteos.test',
      password: 'wrong-secret-pw-43',
    });
    expect(wrong.status).toBe(401);
    await server.json('POST', '/api/auth/refresh', null, { refreshToken: login.body.refreshToken });
    const till = await server.enrollTill(venueId);
    await till.push(server.send, [await till.topup('c0ffee00aa', 500)]);
    await server.send('/api/sync/push', {
      method: 'POST',
      headers: { authorization: `Bearer ${till.deviceToken}`, 'content-type': 'application/json' },
      body: '{"broken json',
    });
    const joined = lines.join('\n');
    expect(joined).toContain('"route":"/api/sync/push"');
    for (const secret of [
      'staff-secret-pw-42',
      'wrong-secret-pw-43',
      '987123',
      till.deviceToken,
      login.body.accessToken,
      login.body.refreshToken,
      server.rootToken,
    ]) {
      expect(joined).not.toContain(secret);
    }
  });

  test('request logs carry a request id and route, never a token or a password', async () => {
    const login = await server.json('POST', '/api/auth/login', null, {
      email: 'root@niteos.test',
      password: 'root-password-1',
    });
    await server.json('GET', '/api/admin/conflicts', login.body.accessToken);
    const joined = lines.join('\n');
    expect(joined).toContain('"route":"/api/admin/conflicts"');
    expect(joined).toMatch(/"requestId":"[0-9a-f-]{36}"/);
    expect(joined).not.toContain(login.body.accessToken);
    expect(joined).not.toContain(login.body.refreshToken);
    expect(joined).not.toContain('root-password-1');
  });
});
