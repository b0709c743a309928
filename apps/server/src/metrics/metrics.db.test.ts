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
