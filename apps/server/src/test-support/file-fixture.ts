import { afterAll, beforeAll } from 'vitest';

/**
 * Starts `start()` before the tests of the file that calls it, and `stop`
 * after them. Returns the started value; reading it before the start throws,
 * so call it at the top of a test file and read it inside tests.
 */
export function useFileFixture<T>(
  start: () => Promise<T>,
  stop: (started: T) => Promise<void>,
): () => T {
  let started: T | undefined;
  beforeAll(async () => {
    started = await start();
  });
  afterAll(async () => {
    if (started !== undefined) await stop(started);
  });
  return () => {
    if (started === undefined)
      throw new Error('the fixture starts before the tests: use it inside one');
    return started;
  };
}
