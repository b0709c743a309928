import { randomBytes } from 'node:crypto';
import type { PushResponse } from '@niteos/schema/wire';
import {
  ADMIN,
  createStorage,
  postgresSkipReason,
  runLedgerVerify,
  ServerProcess,
  type Storage,
  type StorageMode,
  serverLogs,
} from '@niteos/test-support';
import { afterAll, beforeEach, describe, expect, test } from 'vitest';
import { type Send, type SignedOp, TestTill } from '../../src/test-support/test-till.ts';

export * from '@niteos/test-support';

/** Logs in as the bootstrap admin; returns the access token. */
export async function loginAdmin(server: ServerProcess): Promise<string> {
  const res = await server.json<{ accessToken: string }>('POST', '/api/auth/login', null, ADMIN);
  if (res.status !== 200) throw new Error(`admin login: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.accessToken;
}

export async function createVenue(server: ServerProcess, token: string): Promise<string> {
  const slug = `venue-${randomBytes(4).toString('hex')}`;
  const res = await server.json<{ id: string }>('POST', '/api/admin/venues', token, {
    name: slug,
    slug,
    city: 'Zürich',
  });
  if (res.status !== 201)
    throw new Error(`create venue: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
}

/** Enrolls a new till (own key pair) for `venueId` over HTTP. */
export async function enrollTill(
  server: ServerProcess,
  token: string,
  venueId: string,
  name: string,
): Promise<TestTill> {
  const till = new TestTill();
  const res = await server.json<{ tillId: string; deviceToken: string }>(
    'POST',
    `/api/admin/venues/${venueId}/tills`,
    token,
    { name, publicKey: till.publicKey },
  );
  if (res.status !== 201) throw new Error(`enroll till: ${res.status} ${JSON.stringify(res.body)}`);
  till.tillId = res.body.tillId;
  till.deviceToken = res.body.deviceToken;
  till.venueId = venueId;
  return till;
}

/** The wallet's balance as the server reports it to an admin. */
export async function walletBalance(
  server: ServerProcess,
  token: string,
  nitetapId: string,
): Promise<number> {
  const res = await server.json<{ balanceNc: number }>('GET', `/api/wallets/${nitetapId}`, token);
  if (res.status !== 200) throw new Error(`wallet ${nitetapId}: ${res.status}`);
  return res.body.balanceNc;
}

/** A random wallet id (NFC tag UID): 16 hex digits. */
export function newNitetapId(): string {
  return randomBytes(8).toString('hex');
}

/** Pushes `ops` for `till` and fails unless the server answered 200. */
export async function pushOk(till: TestTill, send: Send, ops: SignedOp[]): Promise<PushResponse> {
  const { status, body } = await till.push(send, ops);
  if (status !== 200) throw new Error(`push: ${status} ${JSON.stringify(body)}`);
  return body;
}

/** The storage and servers of one process suite. */
export interface ProcessSuite {
  /** The suite's storage, made on first use. */
  storage(): Promise<Storage>;
  /** Starts a server on the suite's storage; it is killed after the suite. */
  start(
    label: string,
    options?: { port?: number; env?: Record<string, string> },
  ): Promise<ServerProcess>;
}

/**
 * A suite of real server processes on `mode` storage. Without PostgreSQL
 * (outside CI) it is skipped and its name says why; every server it starts
 * is killed and its storage removed afterwards; a failing test prints the
 * servers' output.
 */
export function describeWithServers(
  mode: StorageMode,
  title: string,
  body: (suite: ProcessSuite) => void,
) {
  if (mode === 'postgres' && postgresSkipReason) {
    describe.skip(`${title} (skipped: PostgreSQL unreachable: ${postgresSkipReason})`, () => {
      test('needs PostgreSQL', () => {});
    });
    return;
  }
  describe(title, () => {
    let storage: Storage | null = null;
    const servers: ServerProcess[] = [];
    beforeEach(({ onTestFailed }) => {
      onTestFailed(() => {
        console.error(serverLogs());
      });
    });
    afterAll(async () => {
      for (const s of servers) await s.stop();
      await storage?.dispose();
    });
    const suite: ProcessSuite = {
      async storage() {
        storage ??= await createStorage(mode);
        return storage;
      },
      async start(label, options) {
        const server = await ServerProcess.start(await suite.storage(), label, options);
        servers.push(server);
        return server;
      },
    };
    body(suite);
  });
}

/** `pnpm ledger:verify` on `storage` reports balanced books (zero-sum balances and lines). */
export async function expectBooksBalance(storage: Storage) {
  const verify = await runLedgerVerify(storage);
  expect(verify.stderr).toBe('');
  expect(verify.stdout).toContain('sum of balances 0, sum of lines 0');
  expect(verify.stdout).toContain('OK: the books balance');
  expect(verify.code).toBe(0);
}
