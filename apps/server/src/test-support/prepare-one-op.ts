/**
 * Starts a one-thread prepare pool, prepares one op and prints how many
 * results came back: prepare-pool.test.ts runs it in a process whose
 * priority the worker cannot lower.
 */
import { createPreparePool } from '../sync/prepare-pool.ts';

const pool = createPreparePool(1);
const results = await pool.prepare([{ envelope: { id: 'not-an-envelope' }, sig: 'x' }], {
  id: 'till-1',
  venueId: 'venue-1',
  publicKey: new Uint8Array(32),
});
console.log(`prepared ${results.length}`);
await pool.close();
