import { afterAll, beforeAll, expect, test } from 'vitest';
import { describeDb } from '../test-support/describe-db.ts';
import { startTestServer, type TestServer } from '../test-support/test-server.ts';
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

  test('the reference page lists the routes', async () => {
    const res = await server.send('/api/docs');
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('/api/sync/push');
    expect(page).toContain('Accept, write off or reject a held op');
  });
});
