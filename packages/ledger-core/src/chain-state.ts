/**
 * A till's position in its own hash chain: the `seq` of the last op it
 * signed (0 before the first) and that op's chain hash ("" before it).
 */
export interface ChainState {
  seq: number;
  prev: string;
}

export const GENESIS: ChainState = { seq: 0, prev: '' };

/** The `seq` and `prev` the next op must carry. */
export function nextLink(state: ChainState): ChainState {
  return { seq: state.seq + 1, prev: state.prev };
}

/** The state after signing the op at `seq`, whose signature hashes to `chainHash`. */
export function advanceChain(seq: number, chainHash: string): ChainState {
  return { seq, prev: chainHash };
}
