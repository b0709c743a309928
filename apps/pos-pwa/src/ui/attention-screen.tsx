import { For, Show } from 'solid-js';
import type { AttentionRow } from '../db/database.ts';
import { chf, nc } from '../format.ts';
import { createLiveQuery } from '../state/live.ts';
import { useTill } from '../state/till-store.tsx';
import { TOO_LARGE } from '../sync/apply.ts';

const REASON_TEXT: Record<string, string> = {
  schema: 'the op was malformed (a till bug: tell the manager)',
  unknown_till: 'the op belongs to another till',
  venue_mismatch: 'the op names another venue',
  bad_signature: 'the signature did not verify (the till key may be damaged)',
  id_reuse: 'an op with the same id but different content was already received',
  void_mismatch: 'the void does not match its sale',
  already_voided: 'that sale was already voided',
  [TOO_LARGE]: 'the op is too large for the server to take (a till bug: tell the manager)',
};

/** Ops the server refused: staff must see them and settle them with the guest or a manager. */
export function AttentionScreen() {
  const till = useTill();
  const rows = createLiveQuery(
    () => till.db.attention.orderBy('at').reverse().toArray(),
    [] as AttentionRow[],
  );
  return (
    <main class="screen" data-testid="attention">
      <h1>Needs attention</h1>
      <Show when={rows().length > 0} fallback={<p class="muted">Nothing refused.</p>}>
        <ul class="list">
          <For each={rows()}>
            {(row) => (
              <li data-testid="attention-row">
                <span>
                  {row.envelope.op} #{row.envelope.seq}
                  <Show when={row.envelope.nitetapId}> · {row.envelope.nitetapId}</Show>
                </span>
                <span>
                  {row.envelope.tender === 'nc'
                    ? nc(row.envelope.amountNc)
                    : chf(row.envelope.amountChf)}
                </span>
                <span class="error">{REASON_TEXT[row.reason] ?? row.reason}</span>
                <button
                  type="button"
                  class="secondary"
                  onClick={() => till.db.attention.delete(row.id)}
                >
                  Dismiss
                </button>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </main>
  );
}
