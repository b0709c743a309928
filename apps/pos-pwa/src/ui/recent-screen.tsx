import { For, Show } from 'solid-js';
import type { HistoryRow } from '../db/database.ts';
import { chf, nc } from '../format.ts';
import { createLiveQuery } from '../state/live.ts';
import { useTill } from '../state/till-store.tsx';
import { createChargeAction } from './charge-action.ts';
import { createFeedback } from './feedback.tsx';

const STATUS_TEXT: Record<HistoryRow['status'], string> = {
  queued: 'waiting to sync',
  applied: 'done',
  held: 'held for a manager',
  rejected: 'refused by the server',
};

/** The till's recent ops; a sale that stands can be voided here. */
export function RecentScreen() {
  const till = useTill();
  const rows = createLiveQuery(
    () => till.db.history.orderBy('seq').reverse().limit(50).toArray(),
    [] as HistoryRow[],
  );
  const feedback = createFeedback();
  const action = createChargeAction({
    charge: till.charge,
    fail: (text) => feedback.show(false, text),
  });

  async function voidSale(row: HistoryRow) {
    if (await action.run({ kind: 'void', sale: row.envelope })) feedback.show(true, 'Sale voided');
  }

  return (
    <main class="screen" data-testid="recent">
      <h1>Recent</h1>
      <feedback.View />
      <ul class="list">
        <For each={rows()}>
          {(row) => (
            <li data-testid="recent-row" data-op={row.envelope.op} data-status={row.status}>
              <span>
                #{row.seq} {row.envelope.op}
                <Show when={row.envelope.nitetapId}> · {row.envelope.nitetapId}</Show>
              </span>
              <span>
                {row.envelope.tender === 'nc'
                  ? nc(row.envelope.amountNc)
                  : chf(row.envelope.amountChf)}
              </span>
              <span class="muted">
                {STATUS_TEXT[row.status]}
                <Show when={row.reason}> ({row.reason})</Show>
                <Show when={row.voidedBy}> · voided</Show>
              </span>
              <Show when={row.envelope.op === 'sale' && !row.voidedBy && row.status !== 'rejected'}>
                <button
                  type="button"
                  class="secondary"
                  disabled={action.busy()}
                  onClick={() => voidSale(row)}
                  data-testid="void"
                >
                  Void
                </button>
              </Show>
            </li>
          )}
        </For>
      </ul>
    </main>
  );
}
