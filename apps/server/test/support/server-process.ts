import { randomBytes } from 'node:crypto';
import type { PushResponse } from '@niteos/schema/wire';
import { ADMIN, type ServerProcess } from '@niteos/test-support';
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
