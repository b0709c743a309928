import { randomBytes, randomUUID } from 'node:crypto';
import { users } from '@niteos/schema/tables';
import type { Role } from '@niteos/schema/wire';
import { expect } from 'vitest';
import { createApp } from '../app.ts';
import { hashSecret } from '../auth/passwords.ts';
import { bootstrapAdmin } from '../auth/service.ts';
import type { AppDeps } from '../context.ts';
import type { Database } from '../db/database.ts';
import { createMemoryStore } from '../kv/memory-store.ts';
import { verifyLedger } from '../ledger/verify.ts';
import { type Logger, silentLogger } from '../logger.ts';
import { openTestDatabase } from './test-db.ts';
import { type Send, TestTill } from './test-till.ts';

export const ROOT_ADMIN = { email: 'root@niteos.test', password: 'root-password-1' };

/** An app built by `createApp` on a fresh migrated database, driven in-process. */
export interface TestServer {
  database: Database;
  send: Send;
  /** JSON request with an optional bearer token; returns status and parsed body. */
  // biome-ignore lint/suspicious/noExplicitAny: tests assert the JSON shapes they read.
  json<T = any>(
    method: string,
    path: string,
    token?: string | null,
    body?: unknown,
  ): Promise<{ status: number; body: T }>;
  login(email: string, password: string): Promise<string>;
  rootToken: string;
  /** Creates a venue through the API as the Nitecore admin. */
  createVenue(): Promise<string>;
  /** Creates a user directly and returns an access token for it. */
  userToken(
    role: Role,
    venueId: string | null,
  ): Promise<{ token: string; userId: string; email: string; password: string }>;
  /** Enrolls a new till for `venueId` through the API. */
  enrollTill(venueId: string, token?: string): Promise<TestTill>;
  dispose(): Promise<void>;
  /** Recomputes the books, disposes, and fails when they do not balance. */
  disposeBalanced(): Promise<void>;
}

export async function startTestServer(
  options: { log?: Logger; deps?: Partial<Omit<AppDeps, 'database' | 'log'>> } = {},
): Promise<TestServer> {
  const { database, dispose } = await openTestDatabase();
  await bootstrapAdmin(database.db, ROOT_ADMIN);
  const kv = options.deps?.kv ?? createMemoryStore();
  const app = createApp({
    ...options.deps,
    database,
    kv,
    jwtSecret: randomBytes(32).toString('hex'),
    log: options.log ?? silentLogger,
    version: 'test',
    startedAt: new Date(),
  });
  const send: Send = async (path, init) => app.request(path, init);
  const json: TestServer['json'] = async (method, path, token, body) => {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await send(path, {
      method,
      headers,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  const login = async (email: string, password: string) => {
    const res = await json<{ accessToken: string }>('POST', '/api/auth/login', null, {
      email,
      password,
    });
    if (res.status !== 200)
      throw new Error(`login ${email}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.accessToken;
  };
  const rootToken = await login(ROOT_ADMIN.email, ROOT_ADMIN.password);

  const server: TestServer = {
    database,
    send,
    json,
    login,
    rootToken,
    async createVenue() {
      const slug = `venue-${randomBytes(4).toString('hex')}`;
      const res = await json<{ id: string }>('POST', '/api/admin/venues', rootToken, {
        name: slug,
        slug,
        city: 'Zürich',
      });
      if (res.status !== 201)
        throw new Error(`create venue: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.id;
    },
    async userToken(role, venueId) {
      const userId = randomUUID();
      const email = `${role}-${userId.slice(0, 8)}@niteos.test`;
      const password = 'password-123';
      await database.db
        .insert(users)
        .values({ id: userId, email, passwordHash: await hashSecret(password), role, venueId });
      return { token: await login(email, password), userId, email, password };
    },
    async enrollTill(venueId, token = rootToken) {
      const till = new TestTill();
      const res = await json<{ tillId: string; deviceToken: string }>(
        'POST',
        `/api/admin/venues/${venueId}/tills`,
        token,
        { name: 'Bar 1', publicKey: till.publicKey },
      );
      if (res.status !== 201) throw new Error(`enroll: ${res.status} ${JSON.stringify(res.body)}`);
      till.tillId = res.body.tillId;
      till.deviceToken = res.body.deviceToken;
      till.venueId = venueId;
      return till;
    },
    async dispose() {
      await kv.close();
      await dispose();
    },
    async disposeBalanced() {
      const report = await verifyLedger(database.db);
      await server.dispose();
      expect(report.ok, JSON.stringify(report)).toBe(true);
    },
  };
  return server;
}
