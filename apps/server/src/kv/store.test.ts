import { expect, test } from 'vitest';
import { AppError } from '../errors.ts';
import { closedPort } from '../test-support/closed-port.ts';
import { describeEachKvStore } from '../test-support/kv-stores.ts';
import { createRedisStore } from './redis-store.ts';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describeEachKvStore('kv store', (store) => {
  test('counts hits in a window and says when it resets', async () => {
    const s = store();
    expect(await s.hit('login:1.2.3.4', 60)).toMatchObject({ count: 1 });
    expect(await s.hit('login:1.2.3.4', 60)).toMatchObject({ count: 2 });
    const third = await s.hit('login:1.2.3.4', 60);
    expect(third.count).toBe(3);
    expect(third.resetSeconds).toBeGreaterThan(50);
    expect(third.resetSeconds).toBeLessThanOrEqual(60);
    expect(await s.hit('login:5.6.7.8', 60)).toMatchObject({ count: 1 });
  });

  test('a forgotten count starts again at once; forgetting a missing key is nothing', async () => {
    const s = store();
    await s.hit('forget-me', 60);
    await s.hit('forget-me', 60);
    await s.forget('forget-me');
    expect((await s.hit('forget-me', 60)).count).toBe(1);
    await s.forget('never-set');
    expect(await s.get('never-set')).toBeNull();
  });

  test('a window ends: the count starts again', async () => {
    const s = store();
    await s.hit('short', 1);
    await s.hit('short', 1);
    await wait(1100);
    expect((await s.hit('short', 1)).count).toBe(1);
  });

  test('later hits do not push the window back: it ends when the first hit said', async () => {
    const s = store();
    await s.hit('fixed', 2);
    await wait(1100);
    const later = await s.hit('fixed', 2);
    expect(later).toMatchObject({ count: 2, resetSeconds: 1 });
    await wait(1000);
    expect((await s.hit('fixed', 2)).count).toBe(1);
  });

  test('values expire after their ttl', async () => {
    const s = store();
    await s.set('revoked:u1', '1700000000', 1);
    expect(await s.get('revoked:u1')).toBe('1700000000');
    expect(await s.get('missing')).toBeNull();
    await wait(1100);
    expect(await s.get('revoked:u1')).toBeNull();
  });

  test('distinct sets count each member once and expire', async () => {
    const s = store();
    await s.addDistinct('guests', ['a1', 'b2', 'a1'], 1);
    await s.addDistinct('guests', ['b2', 'c3'], 1);
    await s.addDistinct('guests', [], 1);
    expect(await s.countDistinct('guests')).toBe(3);
    expect(await s.countDistinct('nobody')).toBe(0);
    await wait(1100);
    expect(await s.countDistinct('guests')).toBe(0);
  });

  test('hash fields add up, go negative, and expire', async () => {
    const s = store();
    await s.incrementFields('sales', { 'nc:count': 2, 'nc:nc': 900 }, 1);
    await s.incrementFields('sales', { 'nc:count': -1, 'cash:chf': 450 }, 1);
    expect(await s.readFields('sales')).toEqual({ 'nc:count': 1, 'nc:nc': 900, 'cash:chf': 450 });
    expect(await s.readFields('none')).toEqual({});
    await wait(1100);
    expect(await s.readFields('sales')).toEqual({});
  });
});

test('a Redis nobody answers on gives 503 with Retry-After, not an anonymous 500', async () => {
  const store = createRedisStore(`redis://127.0.0.1:${await closedPort()}`, 'niteos-test:');
  try {
    const failure = await store.hit('login-ip:1.2.3.4', 60).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(AppError);
    expect(failure).toMatchObject({ status: 503, headers: { 'retry-after': '5' } });
    expect((failure as AppError).message).toContain('Redis');
    // The driver's words are for the log, through the cause: not for the client.
    expect((failure as AppError).message).not.toMatch(/ECONNREFUSED|retries/);
    expect(String((failure as AppError).cause)).toMatch(/ECONNREFUSED|retries/);
    await expect(store.get('revoked:u1')).rejects.toMatchObject({ status: 503 });
  } finally {
    await store.close();
  }
});
