import { expect, test } from 'vitest';
import { rootMessage } from './pg-error.ts';

test('the innermost cause speaks, even when Node gathers several refused addresses', () => {
  const wrapped = new Error('Failed query: select 1', {
    cause: new Error('connect ECONNREFUSED 127.0.0.1:5432'),
  });
  expect(rootMessage(wrapped)).toBe('connect ECONNREFUSED 127.0.0.1:5432');

  // What Node 20 throws for `localhost` when PostgreSQL is down on ::1 and 127.0.0.1.
  const refused = Object.assign(
    new AggregateError(
      [
        new Error('connect ECONNREFUSED ::1:5432'),
        new Error('connect ECONNREFUSED 127.0.0.1:5432'),
      ],
      '',
    ),
    { code: 'ECONNREFUSED' },
  );
  expect(rootMessage(refused)).toBe(
    'connect ECONNREFUSED ::1:5432; connect ECONNREFUSED 127.0.0.1:5432',
  );
  expect(rootMessage(Object.assign(new Error(''), { code: 'ETIMEDOUT' }))).toBe('ETIMEDOUT');
  expect(rootMessage('plain')).toBe('plain');
});
