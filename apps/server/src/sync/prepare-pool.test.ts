import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { inCi } from '@niteos/test-support';
import { afterAll, describe, expect, test } from 'vitest';
import type { AuthedTill } from '../context.ts';
import { TestTill } from '../test-support/test-till.ts';
import { isCandidate } from './prepare-op.ts';
import { createPreparePool, prepareInThread } from './prepare-pool.ts';

const run = promisify(execFile);
const till = new TestTill();
till.tillId = 'till-pool-1';
till.venueId = 'venue-pool-1';
const authed: AuthedTill = {
  id: till.tillId,
  venueId: till.venueId,
  publicKey: till.keys.publicKey,
};

/** The same signature with one character of its middle changed: well-formed, but wrong. */
function forge(sig: string): string {
  return `${sig.slice(0, 20)}${sig[20] === 'A' ? 'B' : 'A'}${sig.slice(21)}`;
}

/** 60 ops, every seventh with a forged signature, then one malformed op. */
async function pushOf(firstAmount = 100): Promise<unknown[]> {
  const ops: unknown[] = [];
  for (let i = 0; i < 60; i++) {
    const op = await till.sign({
      op: 'topup',
      tender: 'cash',
      nitetapId: '04A1B2C3D4E5F6',
      amountNc: firstAmount + i,
      amountChf: firstAmount + i,
    });
    ops.push(i % 7 === 3 ? { ...op, sig: forge(op.sig) } : op);
  }
  ops.push({ envelope: { id: 'not-an-envelope' }, sig: 'x' });
  return ops;
}

describe('prepare pool (real worker threads)', () => {
  const pool = createPreparePool(2);
  afterAll(() => pool.close());

  test('gives the same answers, in request order, as checking on the event loop', async () => {
    const ops = await pushOf();
    const [pooled, inThread] = await Promise.all([
      pool.prepare(ops, authed),
      prepareInThread(ops, authed),
    ]);
    expect(pooled).toEqual(inThread);
    expect(pooled.map((p) => p.index)).toEqual(ops.map((_, i) => i));
  });

  test('pushes prepared at once, more than there are threads, each get their own answers in order', async () => {
    const pushes = await Promise.all([1_000, 2_000, 3_000, 4_000].map((first) => pushOf(first)));
    const pooled = await Promise.all(pushes.map((ops) => pool.prepare(ops, authed)));
    const inThread = await Promise.all(pushes.map((ops) => prepareInThread(ops, authed)));
    expect(pooled).toEqual(inThread);
    pooled.forEach((prepared, p) => {
      const amounts = prepared.filter(isCandidate).map((c) => c.envelope.amountNc);
      expect(amounts[0]).toBe((p + 1) * 1_000);
      expect(amounts).toEqual([...amounts].sort((a, b) => a - b));
    });
  });

  test('only ops whose signature verifies come back as candidates', async () => {
    const ops = await pushOf();
    const prepared = await pool.prepare(ops, authed);
    const forged = prepared.filter((_, i) => i % 7 === 3 && i < 60);
    expect(forged.length).toBe(9);
    for (const p of forged) {
      expect(isCandidate(p)).toBe(false);
      expect(!isCandidate(p) && p.result.reason).toBe('bad_signature');
    }
    expect(prepared.filter(isCandidate).length).toBe(51);
    const last = prepared[60];
    expect(last && !isCandidate(last) && last.result.reason).toBe('schema');
  });

  test('a key other than the till key verifies nothing', async () => {
    const other = new TestTill();
    const prepared = await pool.prepare(await pushOf(), {
      ...authed,
      publicKey: other.keys.publicKey,
    });
    expect(prepared.filter(isCandidate)).toEqual([]);
  });

  test('an empty push needs no thread', async () => {
    expect(await pool.prepare([], authed)).toEqual([]);
  });
});

/** Dropping CAP_SYS_NICE with setpriv needs root; CI runs as root, and must. */
const notRoot = process.getuid?.() === 0 ? null : 'not root: setpriv needs it';
if (notRoot && inCi()) throw new Error(`CI requires root for the nice-value test (${notRoot})`);

test.skipIf(notRoot)(
  `a server started at a low priority it may not raise still verifies${notRoot ? ` (skipped: ${notRoot})` : ''}`,
  async () => {
    // The worker asks for nice 10; from nice 15 without CAP_SYS_NICE that is refused.
    const { stdout } = await run(
      'nice',
      [
        '-n',
        '15',
        'setpriv',
        '--inh-caps=-sys_nice',
        '--bounding-set=-sys_nice',
        process.execPath,
        '--import',
        'tsx',
        fileURLToPath(new URL('../test-support/prepare-one-op.ts', import.meta.url)),
      ],
      { timeout: 60_000 },
    );
    expect(stdout.trim()).toBe('prepared 1');
  },
);
