import { createSignal } from 'solid-js';
import type { QueuedOp } from '../db/database.ts';
import type { Charge, ChargeOutcome } from '../ops/charge.ts';

/** Said when the till could not store a charge: staff must not take the money for it. */
export const NOT_RECORDED =
  'NOT recorded: the till could not save this. Take no payment and try again; if it keeps failing, reload the till and call a manager.';

/**
 * Runs a screen's charges one at a time and tells staff how each ended.
 * While one is being signed, `busy` is true and further taps are ignored
 * (a double tap must not sell, or void, twice). A refusal shows its reason;
 * a charge that throws (storage full, IndexedDB closed) shows that nothing
 * was recorded. Resolves to the stored op, for the screen's success message.
 */
export function createChargeAction(deps: {
  charge: (request: Charge) => Promise<ChargeOutcome | null>;
  fail: (text: string) => void;
}) {
  const [busy, setBusy] = createSignal(false);

  async function run(request: Charge): Promise<QueuedOp | null> {
    if (busy()) return null;
    setBusy(true);
    try {
      const outcome = await deps.charge(request);
      if (outcome && !outcome.ok) deps.fail(outcome.message);
      return outcome?.ok ? outcome.op : null;
    } catch (err) {
      console.error('charge failed', err);
      deps.fail(`${NOT_RECORDED} (${err instanceof Error ? err.message : String(err)})`);
      return null;
    } finally {
      setBusy(false);
    }
  }

  return { busy, run };
}
