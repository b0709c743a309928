import { randomUUID } from 'node:crypto';
import { ErrorCode, errorReplySchema } from '@niteos/schema/wire';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { describeDb } from '../test-support/describe-db.ts';
import { ROOT_ADMIN, startTestServer, type TestServer } from '../test-support/test-server.ts';
import { TestTill } from '../test-support/test-till.ts';
import { ROUTE_DOCS } from './docs.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.dispose());

describeDb('OpenAPI', () => {
  test('documents every API route, and documents no route that does not exist', async () => {
    const spec = (await server.json('GET', '/api/openapi.json')).body;
    const documented = Object.entries(spec.paths).flatMap(([path, methods]) =>
      Object.keys(methods as object).map(
        (m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`,
      ),
    );
    expect(documented.sort()).toEqual(Object.keys(ROUTE_DOCS).sort());
  });

  test('request bodies are the schemas the routes validate with', async () => {
    const spec = (await server.json('GET', '/api/openapi.json')).body;
    const login = spec.paths['/api/auth/login'].post.requestBody.content['application/json'].schema;
    expect(login).toMatchObject({
      type: 'object',
      required: ['email', 'password'],
      additionalProperties: false,
    });
    const resolve = spec.paths['/api/admin/conflicts/{conflictId}/resolve'].post;
    expect(
      resolve.requestBody.content['application/json'].schema.properties.resolution.enum,
    ).toEqual(['accept', 'write_off', 'reject']);
    expect(resolve.parameters).toEqual([
      { name: 'conflictId', in: 'path', required: true, schema: { type: 'string' } },
    ]);
  });

  test('every operation names its success status, and the query parameters it reads', async () => {
    const spec = (await server.json('GET', '/api/openapi.json')).body;
    const operations = Object.entries(spec.paths).flatMap(([path, methods]) =>
      Object.entries(methods as Record<string, { responses: object; parameters?: object[] }>).map(
        ([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, op }),
      ),
    );
    const withoutSuccess = operations
      .filter(({ op }) => !Object.keys(op.responses).some((status) => /^2\d\d$/.test(status)))
      .map(({ key }) => key);
    expect(withoutSuccess).toEqual([]);
    const success = (path: string, method: string) =>
      Object.keys(spec.paths[path][method].responses);
    expect(success('/api/auth/logout', 'post')).toContain('204');
    expect(success('/api/admin/venues/{venueId}/market-items', 'post')).toContain('201');
    expect(success('/api/admin/feed/{postId}', 'delete')).toContain('204');
    const query = (path: string) =>
      (spec.paths[path].get.parameters as { name: string; in: string; required: boolean }[])
        .filter((p) => p.in === 'query')
        .map((p) => [p.name, p.required]);
    expect(query('/api/admin/audit')).toEqual([
      ['venueId', false],
      ['limit', false],
      ['before', false],
    ]);
    expect(query('/api/sync/pull')).toEqual([['cursor', false]]);
    expect(query('/api/admin/venues/{venueId}/reports/night')).toEqual([
      ['from', false],
      ['to', false],
    ]);
    expect(query('/api/admin/conflicts')).toEqual([
      ['status', false],
      ['venueId', false],
    ]);
  });

  test('the reference page lists the routes', async () => {
    const res = await server.send('/api/docs');
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('/api/sync/push');
    expect(page).toContain('Accept, write off or reject a held op');
  });

  test('the routes outside clients rely on answer what the document says', async () => {
    const replies = new Map<string, { status: number; body: unknown }>();
    // Bodies are read as any (TestServer.json's default): each is checked against its schema below.
    const call = async (key: string, path: string, token?: string | null, body?: unknown) => {
      const res = await server.json(key.split(' ')[0] ?? '', path, token, body);
      replies.set(key, res);
      return res.body;
    };
    const admin = server.rootToken;
    await call('POST /api/auth/login', '/api/auth/login', null, ROOT_ADMIN);
    const guest = await call('POST /api/auth/register', '/api/auth/register', null, {
      email: 'replies@niteos.test',
      password: 'guest-password',
    });
    await call('POST /api/auth/refresh', '/api/auth/refresh', null, {
      refreshToken: guest.refreshToken,
    });
    const venue = await call('POST /api/admin/venues', '/api/admin/venues', admin, {
      name: 'Reply Bar',
      slug: 'reply-bar',
      city: 'Basel',
    });
    const till = new TestTill();
    const enrolled = await call(
      'POST /api/admin/venues/:venueId/tills',
      `/api/admin/venues/${venue.id}/tills`,
      admin,
      { name: 'Bar 1', publicKey: till.publicKey },
    );
    Object.assign(till, {
      tillId: enrolled.tillId,
      deviceToken: enrolled.deviceToken,
      venueId: venue.id,
    });
    const tag = 'feed0000aa';
    const short = [await till.topup(tag, 500), await till.sale(tag, 100_000)];
    const pushed = await call('POST /api/sync/push', '/api/sync/push', till.deviceToken, {
      tillId: till.tillId,
      ops: short,
    });
    expect(pushed.results.map((r: { status: string }) => r.status)).toEqual(['applied', 'held']);
    await call('GET /api/sync/pull', '/api/sync/pull', till.deviceToken);
    await call('GET /api/wallets/:nitetapId', `/api/wallets/${tag}`, admin);
    await call('GET /api/admin/wallets/:nitetapId/owner', `/api/admin/wallets/${tag}/owner`, admin);
    await call('GET /api/sync/wallets/:nitetapId', `/api/sync/wallets/${tag}`, till.deviceToken);
    const held = await call('GET /api/admin/conflicts', '/api/admin/conflicts?status=open', admin);
    const conflict = held.conflicts.find((c: { opId: string }) => c.opId === short[1]?.envelope.id);
    await call(
      'POST /api/admin/conflicts/:conflictId/resolve',
      `/api/admin/conflicts/${conflict.id}/resolve`,
      admin,
      { resolution: 'reject', note: 'not served' },
    );
    // A till the server does not know (enrolled after its backup).
    const restored = new TestTill();
    await call(
      'POST /api/admin/venues/:venueId/tills/:tillId/reenroll',
      `/api/admin/venues/${venue.id}/tills/${randomUUID()}/reenroll`,
      admin,
      { name: 'Bar 2', publicKey: restored.publicKey },
    );
    await call(
      'POST /api/admin/tills/:tillId/revoke',
      `/api/admin/tills/${till.tillId}/revoke`,
      admin,
    );
    await call('GET /api/health', '/api/health');

    const documented = Object.entries(ROUTE_DOCS).flatMap(([key, doc]) =>
      doc.reply ? [[key, doc.reply] as const] : [],
    );
    expect([...replies.keys()].sort()).toEqual(documented.map(([key]) => key).sort());
    for (const [key, reply] of documented) {
      const res = replies.get(key);
      expect(reply.statuses, key).toContain(res?.status);
      // Parsing drops what the schema does not name: equal means nothing missing, nothing undocumented.
      expect(reply.schema.parse(res?.body), key).toEqual(res?.body);
    }

    const spec = (await server.json('GET', '/api/openapi.json')).body;
    const push = spec.paths['/api/sync/push'].post.responses['200'].content['application/json'];
    expect(push.schema.properties.results.items.properties.status.enum).toEqual([
      'applied',
      'held',
      'rejected',
    ]);
    expect(Object.keys(spec.paths['/api/health'].get.responses).sort()).toEqual([
      '200',
      '503',
      'default',
    ]);
  });

  test('error replies, from any layer that refuses, have the documented shape', async () => {
    const venueId = await server.createVenue();
    const till = await server.enrollTill(venueId);
    const guest = (await server.userToken('guest', null)).token;
    const push = (body: string, token: string | null = till.deviceToken) =>
      server.send('/api/sync/push', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body,
      });
    const refusals: [string, Response, number, ErrorCode][] = [
      ['no route', await server.send('/api/nowhere'), 404, ErrorCode.notFound],
      ['no token', await push('{}', null), 401, ErrorCode.unauthorized],
      ['bad JSON', await push('{"tillId": '), 400, ErrorCode.badJson],
      ['bad body', await push(JSON.stringify({ tillId: till.tillId })), 400, ErrorCode.badRequest],
      [
        'too large',
        await push(JSON.stringify({ pad: 'x'.repeat(1024 * 1024) })),
        413,
        ErrorCode.payloadTooLarge,
      ],
      [
        'wrong role',
        await server.send('/api/admin/conflicts', {
          headers: { authorization: `Bearer ${guest}` },
        }),
        403,
        ErrorCode.forbidden,
      ],
      [
        'unknown wallet',
        await server.send('/api/wallets/0000000000', {
          headers: { authorization: `Bearer ${server.rootToken}` },
        }),
        404,
        ErrorCode.notFound,
      ],
    ];
    const spec = (await server.json('GET', '/api/openapi.json')).body;
    expect(spec.components.schemas.Error.properties.error.properties.code.enum).toEqual(
      Object.values(ErrorCode),
    );
    for (const [what, res, status, code] of refusals) {
      expect(res.status, what).toBe(status);
      const body = await res.json();
      const parsed = errorReplySchema.safeParse(body);
      expect(parsed.error, what).toBeUndefined();
      // Parsing drops what the schema does not name: equal means nothing undocumented.
      expect(parsed.data, what).toEqual(body);
      expect(body.error.code, what).toBe(code);
    }
  });
});
