import type { ConflictView } from '@niteos/schema/wire';
import { createResource, createSignal, For, Show } from 'solid-js';
import { chf, dateTime, nc } from '../format.ts';
import type { AdminApi } from './admin-api.ts';
import { ActionMessage, Loaded } from './loaded.tsx';
import { createAction } from './use-action.ts';

const REASONS = [
  '',
  'insufficient_funds',
  'unknown_wallet',
  'blocked_tag',
  'revoked_till',
  'chain_fork',
  'chain_break',
  'void_target_missing',
];

/** Held ops for the venue: filter, look at the op, the till and the guest, and settle each with a note. */
export function ConflictsScreen(props: { api: AdminApi; venueId: string }) {
  const [status, setStatus] = createSignal<'open' | 'resolved'>('open');
  const [reason, setReason] = createSignal('');
  const [minAgeMin, setMinAgeMin] = createSignal(0);
  const [list, { refetch }] = createResource(
    () => [props.venueId, status()] as const,
    ([venueId, s]) => props.api.conflicts(s, venueId),
  );
  // Names for the staff ids ops carry; an id is shown when the list cannot load.
  const [staff] = createResource(
    () => props.venueId,
    (id) => props.api.staff(id).catch(() => ({ staff: [] })),
  );
  const staffName = (id: string) => staff()?.staff.find((s) => s.userId === id)?.displayName || id;
  // What the admin opened and typed, by conflict id: a refresh or a
  // resolution rebuilds every row, and must not close the others or lose their notes.
  const [drafts, setDrafts] = createSignal<ReadonlyMap<string, string>>(new Map());
  const draft: Draft = {
    isOpen: (id) => drafts().has(id),
    note: (id) => drafts().get(id) ?? '',
    set: (id, note) =>
      setDrafts((prev) => {
        const next = new Map(prev);
        if (note === null) next.delete(id);
        else next.set(id, note);
        return next;
      }),
  };
  // Likewise a settle in flight and its outcome: another row's settling
  // refetches the list, and this row's buttons must stay busy, its answer shown.
  const actions = new Map<string, ReturnType<typeof createAction>>();
  const actionFor = (id: string) => {
    const found = actions.get(id) ?? createAction();
    actions.set(id, found);
    return found;
  };
  const shown = (conflicts: ConflictView[]) =>
    conflicts.filter(
      (c) =>
        (!reason() || c.reason === reason()) &&
        Date.now() - Date.parse(c.createdAt) >= minAgeMin() * 60_000,
    );
  return (
    <section data-testid="admin-conflicts">
      <h2>Conflicts</h2>
      <div class="row">
        <select
          value={status()}
          onChange={(e) => setStatus(e.currentTarget.value as 'open' | 'resolved')}
          aria-label="status"
        >
          <option value="open">open</option>
          <option value="resolved">resolved</option>
        </select>
        <select
          value={reason()}
          onChange={(e) => setReason(e.currentTarget.value)}
          aria-label="reason"
        >
          <For each={REASONS}>{(r) => <option value={r}>{r || 'any reason'}</option>}</For>
        </select>
        <label class="inline">
          older than (min)
          <input
            type="number"
            min="0"
            value={minAgeMin()}
            onInput={(e) => setMinAgeMin(Number(e.currentTarget.value) || 0)}
          />
        </label>
        <button type="button" class="secondary" onClick={() => refetch()}>
          Refresh
        </button>
      </div>
      <Loaded resource={list} retry={refetch}>
        {(l) => (
          <>
            <Show when={l().more}>
              <p class="banner" data-testid="conflicts-more">
                {status() === 'open'
                  ? `Showing the oldest ${l().conflicts.length} open conflicts: settle some to see the rest.`
                  : `Showing the latest ${l().conflicts.length} settled conflicts.`}
              </p>
            </Show>
            <Show
              when={shown(l().conflicts).length > 0}
              fallback={<p class="muted">No conflicts here.</p>}
            >
              <ul class="list">
                <For each={shown(l().conflicts)}>
                  {(c) => (
                    <ConflictRow
                      api={props.api}
                      conflict={c}
                      draft={draft}
                      action={actionFor(c.id)}
                      staffName={staffName}
                      onDone={() => refetch()}
                    />
                  )}
                </For>
              </ul>
            </Show>
          </>
        )}
      </Loaded>
    </section>
  );
}

/** A row's state kept by the list: open or not, and the note typed (null: closed). */
interface Draft {
  isOpen(id: string): boolean;
  note(id: string): string;
  set(id: string, note: string | null): void;
}

function ConflictRow(props: {
  api: AdminApi;
  conflict: ConflictView;
  draft: Draft;
  action: ReturnType<typeof createAction>;
  staffName: (staffId: string) => string;
  onDone: () => void;
}) {
  const open = () => props.draft.isOpen(props.conflict.id);
  const note = () => props.draft.note(props.conflict.id);
  const setOpen = (opened: boolean) => props.draft.set(props.conflict.id, opened ? note() : null);
  const setNote = (text: string) => props.draft.set(props.conflict.id, text);
  const [detail, { refetch }] = createResource(
    () => (open() ? props.conflict.id : null),
    (id) => props.api.conflict(id),
  );
  const action = props.action;
  const resolve = async (resolution: string) => {
    const done = await action.run(
      () => props.api.resolve(props.conflict.id, resolution, note()),
      `Resolved: ${resolution}`,
    );
    if (done) {
      setOpen(false);
      props.onDone();
    }
  };
  return (
    <li data-testid="conflict-row" data-reason={props.conflict.reason}>
      <span>
        <strong>{props.conflict.reason}</strong>
        {/* A cash or card sale moves no NC: its CHF amount is in the detail. */}
        <Show when={props.conflict.amountNc !== 0}> · {nc(props.conflict.amountNc)}</Show>
        <Show when={props.conflict.nitetapId}> · {props.conflict.nitetapId}</Show>
        <Show when={props.conflict.resolution}>
          {(r) => <span data-testid="conflict-resolution"> · settled: {r()}</span>}
        </Show>
      </span>
      <span class="muted">{dateTime(props.conflict.createdAt)}</span>
      <div>
        <button
          type="button"
          class="secondary small"
          onClick={() => setOpen(!open())}
          data-testid="conflict-open"
        >
          {open() ? 'Hide' : 'Look'}
        </button>
        <Show when={open()}>
          <Loaded resource={detail} retry={refetch}>
            {(d) => (
              <div class="detail">
                <p>
                  {d().op?.envelope.op} by till <strong>{d().till?.name}</strong> (
                  {d().till?.status}
                  {d().till?.flagReason ? `, flagged: ${d().till?.flagReason}` : ''}), seq{' '}
                  {d().op?.envelope.seq}, staff {props.staffName(d().op?.envelope.staffId ?? '')},
                  till time {dateTime(d().op?.envelope.at ?? '')}:{' '}
                  {d().op?.envelope.tender === 'nc'
                    ? nc(d().op?.envelope.amountNc ?? 0)
                    : chf(d().op?.envelope.amountChf ?? 0)}
                </p>
                <Show when={d().wallet}>
                  {(w) => (
                    <p data-testid="conflict-wallet">
                      Wristband {w().nitetapId} now: {nc(w().balanceNc)} ({w().status})
                      <Show when={w().replacedBy}>
                        {(r) => (
                          <>
                            , replaced by {r().nitetapId} ({nc(r().balanceNc)}): what this op moves
                            lands on {r().nitetapId}
                          </>
                        )}
                      </Show>
                    </p>
                  )}
                </Show>
                <Show when={d().op?.envelope.voids}>
                  {(saleId) => (
                    <p data-testid="conflict-void-target">
                      <Show
                        when={d().voidTarget}
                        fallback={`Cancels sale ${saleId()}, which has not reached the server yet.`}
                      >
                        {(t) =>
                          `Cancels a sale of ${t().tender === 'nc' ? nc(t().amountNc) : chf(t().amountChf)}, which is ${t().standing}${t().voidedBy ? ', and already voided' : ''}.`
                        }
                      </Show>
                    </p>
                  )}
                </Show>
                <p class="muted">Guest history at this venue:</p>
                <ul>
                  <For each={d().history}>
                    {(h) => (
                      <li>
                        {dateTime(h.tillAt)} {h.kind}{' '}
                        {h.tender === 'nc' ? nc(h.amountNc) : chf(h.amountChf)} {h.status}
                        {h.standing !== h.status ? ` → ${h.standing}` : ''}
                        {h.reason ? ` (${h.reason})` : ''}
                      </li>
                    )}
                  </For>
                </ul>
                <Show when={d().conflict.note}>
                  {(n) => <p data-testid="conflict-settled-note">Note: {n()}</p>}
                </Show>
                <Show when={props.conflict.status === 'open'}>
                  <input
                    placeholder="note (why)"
                    value={note()}
                    onInput={(e) => setNote(e.currentTarget.value)}
                    data-testid="conflict-note"
                  />
                  <div class="row">
                    <button
                      type="button"
                      class="primary"
                      disabled={action.busy()}
                      onClick={() => resolve('accept')}
                      data-testid="resolve-accept"
                    >
                      Accept (debt allowed)
                    </button>
                    <button
                      type="button"
                      class="secondary"
                      disabled={action.busy()}
                      onClick={() => resolve('write_off')}
                      data-testid="resolve-write_off"
                    >
                      Write off
                    </button>
                    <button
                      type="button"
                      class="secondary"
                      disabled={action.busy()}
                      onClick={() => resolve('reject')}
                      data-testid="resolve-reject"
                    >
                      Reject
                    </button>
                  </div>
                </Show>
              </div>
            )}
          </Loaded>
        </Show>
        <ActionMessage message={action.message()} />
      </div>
    </li>
  );
}
