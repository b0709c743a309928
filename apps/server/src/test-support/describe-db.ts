import { describe } from 'vitest';
import { postgresUnavailable, testDbKind } from './test-db.ts';

const unavailable = testDbKind === 'postgres' ? await postgresUnavailable() : null;

/**
 * `describe` for suites that run on the test database of this project
 * (PGlite or PostgreSQL). Without PostgreSQL outside CI, the suite is
 * skipped and its name says why; under CI, `postgresUnavailable` throws.
 */
export function describeDb(name: string, body: () => void) {
  if (unavailable) {
    describe.skip(`${name} [postgres] (skipped: PostgreSQL unreachable: ${unavailable})`, body);
  } else {
    describe(`${name} [${testDbKind}]`, body);
  }
}
