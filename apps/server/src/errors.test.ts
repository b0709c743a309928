import { DrizzleQueryError } from 'drizzle-orm';
import { expect, test } from 'vitest';
import { describeFailure } from './errors.ts';

test("an unexpected database error is logged by its cause and SQL, never the query's parameters", () => {
  const diskFull = Object.assign(
    new Error('could not extend file "base/5/16384": No space left on device'),
    {
      code: '53100',
    },
  );
  const failed = new DrizzleQueryError(
    'insert into ops (id, signed, sig) values ($1, $2, $3)',
    ['op-1', '{"amountNc":900,"staffId":"secret-staff"}', 'signature-bytes'],
    diskFull,
  );
  const logged = describeFailure(failed);
  expect(logged).toMatchObject({
    code: '53100',
    query: 'insert into ops (id, signed, sig) values ($1, $2, $3)',
  });
  expect(String(logged.error)).toContain('No space left on device');
  expect(JSON.stringify(logged)).not.toContain('secret-staff');
  expect(JSON.stringify(logged)).not.toContain('signature-bytes');
});
