import { describe, expect, test } from 'vitest';
import { verdictOf } from './mongo-store.ts';

// The reading of an unordered insertMany's per-document errors. No MongoDB
// server can run here, so the errors are written as the driver reports them.
const ids = ['op:a', 'op:b', 'op:c', 'op:d'];

describe('the verdict on a batch MongoDB took in part', () => {
  test('duplicates count as delivered, other refusals name their event', () => {
    expect(
      verdictOf(ids, 2, [
        { index: 1, code: 11000, errmsg: 'E11000 duplicate key' },
        { index: 3, code: 121, errmsg: 'Document failed validation' },
      ]),
    ).toEqual({
      inserted: 2,
      duplicates: 1,
      refused: [{ id: 'op:d', reason: '121: Document failed validation' }],
    });
  });

  test('a failover error on one document is no verdict: the whole batch is tried again', () => {
    for (const code of [10107, 189, 11602, 91, 16500]) {
      expect(
        verdictOf(ids, 3, [{ index: 2, code, errmsg: 'not primary' }]),
        `code ${code}`,
      ).toBeNull();
    }
  });

  test('errors that do not account for every document are no verdict', () => {
    expect(verdictOf(ids, 1, [{ index: 0, code: 121 }])).toBeNull();
    expect(verdictOf(ids, 3, [{ index: 9, code: 121 }])).toBeNull();
  });
});
