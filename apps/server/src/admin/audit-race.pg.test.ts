import { auditLog, venues } from '@niteos/schema/tables';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { describeDb } from '../test-support/describe-db.ts';
import { queuedBehind } from '../test-support/lock-waiters.ts';
import { startTestServer, type TestServer } from '../test-support/test-server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.dispose());

describeDb('two admins editing one venue at once', () => {
  test("each audit entry's before and after differ only by what that admin changed", async () => {
    const venueId = await server.createVenue();
    const edits = [{ name: 'Renamed by A' }, { city: 'Moved by B' }];

    // Both edits read and queue while the row is held, then run one after the other.
    const replies = await queuedBehind(
      server.database.db,
      (tx) => tx.select().from(venues).where(eq(venues.id, venueId)).for('update'),
      edits.map(
        (edit) => () =>
          server.json('PATCH', `/api/admin/venues/${venueId}`, server.rootToken, edit),
      ),
    );
    expect(replies.map((r) => r.status)).toEqual([200, 200]);

    const entries = await server.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.venueId, venueId), eq(auditLog.action, 'venue.update')));
    expect(entries).toHaveLength(2);
    for (const entry of entries) {
      const before = entry.before as Record<string, unknown>;
      const after = entry.after as Record<string, unknown>;
      const changed = Object.keys(after).filter(
        (k) => JSON.stringify(after[k]) !== JSON.stringify(before[k]),
      );
      expect(changed.length, JSON.stringify({ before, after })).toBe(1);
    }
  });
});
