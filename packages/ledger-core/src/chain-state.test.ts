import { describe, expect, test } from 'vitest';
import { chainHash } from './canonical.ts';
import { advanceChain, GENESIS, nextLink } from './chain-state.ts';
import { validateEnvelope } from './envelope.ts';
import { fakeSignature, ncSale, uuidFor } from './test-support/envelopes.ts';

describe('chain state', () => {
  test('a new till signs seq 1 with an empty prev', () => {
    expect(nextLink(GENESIS)).toEqual({ seq: 1, prev: '' });
  });

  test('each op links to the chain hash of the one before', () => {
    let state = GENESIS;
    const hashes: string[] = [];
    for (let n = 1; n <= 4; n++) {
      const { seq, prev } = nextLink(state);
      const envelope = ncSale({ id: uuidFor(1, n), seq, prev });
      expect(validateEnvelope(envelope).ok).toBe(true);
      expect(seq).toBe(n);
      expect(prev).toBe(hashes.at(-1) ?? '');
      const hash = chainHash(fakeSignature(envelope.id));
      hashes.push(hash);
      state = advanceChain(seq, hash);
    }
    expect(state).toEqual({ seq: 4, prev: hashes[3] });
  });

  test('nextLink asks for the following seq without advancing the state', () => {
    const state = advanceChain(7, 'h');
    expect(nextLink(state)).toEqual({ seq: 8, prev: 'h' });
    expect(nextLink(state)).toEqual({ seq: 8, prev: 'h' });
    expect(state).toEqual({ seq: 7, prev: 'h' });
  });
});
