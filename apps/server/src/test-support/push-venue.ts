import { useFileFixture } from './file-fixture.ts';
import { startTestServer, type TestServer } from './test-server.ts';
import type { TestTill } from './test-till.ts';

/** One venue on a test server of its own, shared by a file's push tests without sharing tills or wallets. */
export interface PushVenue {
  readonly server: TestServer;
  readonly id: string;
  /** A till enrolled for this venue: a fresh chain per test. */
  freshTill(): Promise<TestTill>;
  /** A wallet id no other test of the file uses. */
  newTag(): string;
  /** The wallet's balance as the API reports it, or null when it has none. */
  balanceOf(tag: string): Promise<number | null>;
  /** The open conflict of `opId`; throws when there is none. */
  findConflict(opId: string): Promise<{ id: string }>;
}

/**
 * Starts the server and venue before the file's tests and disposes of them
 * after, checking that the books balance. Call it at the top of a test file.
 */
export function usePushVenue(): PushVenue {
  const get = useFileFixture(
    async () => {
      const server = await startTestServer();
      return { server, id: await server.createVenue() };
    },
    (started) => started.server.disposeBalanced(),
  );
  let tagCounter = 0;
  return {
    get server() {
      return get().server;
    },
    get id() {
      return get().id;
    },
    freshTill: () => get().server.enrollTill(get().id),
    newTag: () => `a0b0c0d0${(++tagCounter).toString(16).padStart(8, '0')}`,
    async balanceOf(tag) {
      const res = await get().server.json('GET', `/api/wallets/${tag}`, get().server.rootToken);
      return res.status === 200 ? res.body.balanceNc : null;
    },
    async findConflict(opId) {
      const { server } = get();
      const res = await server.json('GET', '/api/admin/conflicts?status=open', server.rootToken);
      const found = res.body.conflicts.find((c: { opId: string }) => c.opId === opId);
      if (!found) throw new Error(`no open conflict for op ${opId}`);
      return found;
    },
  };
}
