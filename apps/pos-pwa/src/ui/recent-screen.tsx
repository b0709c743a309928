import { claimCode } from '@niteos/ledger-core';
import type { Envelope } from '@niteos/schema/wire';
import { createSignal, For, Show } from 'solid-js';
import type { HistoryRow } from '../db/database.ts';
import { chf, clock, nc } from '../format.ts';
import { createLiveQuery } from '../state/live.ts';
import { useTill } from '../state/till-store.tsx';
import { createChargeAction } from './charge-action.ts';
import { ConfirmDialog } from './confirm-dialog.tsx';
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

  const names = createLiveQuery(
    async () => new Map((await till.db.catalog.toArray()).map((i) => [i.itemId, i.name])),
    new Map<string, string>(),
  );
  /** The sale staff asked to void, shown in full before anything is signed. */
  const [confirming, setConfirming] = createSignal<HistoryRow | null>(null);
  const items = (e: Envelope) =>
    e.lines.map((l) => `${l.qty} × ${names().get(l.itemId) ?? l.itemId}`).join(', ');

  async function voidConfirmed(row: HistoryRow) {
    setConfirming(null);
    if (!(await action.run({ kind: 'void', sale: row.envelope }))) return;
    const e = row.envelope;
    feedback.show(
      true,
      e.tender === 'nc'
        ? `Sale voided: ${nc(e.amountNc)} back in the guest's wallet`
        : `Sale voided: give the guest ${chf(e.amountChf)} back (${e.tender})`,
    );
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
                #{row.seq} {clock(row.envelope.at)} {row.envelope.op}
                <Show when={row.envelope.lines.length > 0}> · {items(row.envelope)}</Show>
                <Show when={row.envelope.nitetapId}> · {row.envelope.nitetapId}</Show>
                {/* Shown again for a guest who missed it after the top-up. A refused
                    top-up's code never claims the wallet; a held one's does once a
                    manager accepts it, which this till is never told. */}
                <Show
                  when={
                    row.envelope.op === 'topup' &&
                    row.status !== 'rejected' &&
                    row.envelope.nitetapId &&
                    row.sig
                  }
                >
                  {(sig) => (
                    <>
                      {' '}
                      · claim code{' '}
                      <strong data-testid="recent-claim-code">{claimCode(sig())}</strong>
                      <Show when={row.status === 'held'}>
                        {' '}
                        (works once a manager settles this top-up)
                      </Show>
                    </>
                  )}
                </Show>
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
                  disabled={action.busy() || confirming() !== null}
                  onClick={() => setConfirming(row)}
                  data-testid="void"
                >
                  Void
                </button>
              </Show>
            </li>
          )}
        </For>
      </ul>
      <Show when={confirming()}>
        {(row) => (
          <ConfirmDialog
            name="void"
            title={`Void sale #${row().seq} of ${clock(row().envelope.at)}?`}
            keep="Keep the sale"
            yes="Void it"
            onKeep={() => setConfirming(null)}
            onYes={() => voidConfirmed(row())}
          >
            {items(row().envelope)} ·{' '}
            {row().envelope.tender === 'nc'
              ? nc(row().envelope.amountNc)
              : `${chf(row().envelope.amountChf)} by ${row().envelope.tender}`}
            <Show when={row().envelope.nitetapId}> · guest {row().envelope.nitetapId}</Show>
          </ConfirmDialog>
        )}
      </Show>
    </main>
  );
}
