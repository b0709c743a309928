import { describe, expect, test, vi } from 'vitest';
import type { QueuedOp } from '../db/database.ts';
import type { Charge, ChargeOutcome } from '../ops/charge.ts';
import { createChargeAction, NOT_RECORDED } from './charge-action.ts';

const SALE: Charge = { kind: 'sale', tender: 'cash', nitetapId: null, lines: [] };
const STORED = { ok: true, op: { id: 'op-1' } as QueuedOp } as const;

describe('a screen charge action', () => {
  test('a charge that throws is reported as NOT recorded, with the cause', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const fail = vi.fn();
    const action = createChargeAction({
      charge: () => Promise.reject(new DOMException('disk full', 'QuotaExceededError')),
      fail,
    });
    expect(await action.run(SALE)).toBeNull();
    expect(fail).toHaveBeenCalledWith(`${NOT_RECORDED} (disk full)`);
    expect(action.busy()).toBe(false);
  });

  test('a refusal shows its reason; a stored charge resolves to its op', async () => {
    const fail = vi.fn();
    const outcomes: ChargeOutcome[] = [
      { ok: false, reason: 'empty', message: 'Nothing to charge.' },
      STORED,
    ];
    const action = createChargeAction({ charge: async () => outcomes.shift() ?? null, fail });
    expect(await action.run(SALE)).toBeNull();
    expect(fail).toHaveBeenCalledWith('Nothing to charge.');
    expect(await action.run(SALE)).toBe(STORED.op);
    expect(fail).toHaveBeenCalledTimes(1);
  });

  test('a second tap while a charge is being stored does nothing', async () => {
    let finish: (outcome: ChargeOutcome) => void = () => {};
    const charge = vi.fn(() => new Promise<ChargeOutcome>((resolve) => (finish = resolve)));
    const action = createChargeAction({ charge, fail: vi.fn() });
    const first = action.run(SALE);
    expect(action.busy()).toBe(true);
    expect(await action.run(SALE)).toBeNull();
    finish(STORED);
    expect(await first).toBe(STORED.op);
    expect(charge).toHaveBeenCalledTimes(1);
    expect(action.busy()).toBe(false);
  });
});
