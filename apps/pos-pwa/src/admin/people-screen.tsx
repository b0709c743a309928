import { createResource, createSignal, For, Show } from 'solid-js';
import { ago } from '../format.ts';
import type { AdminApi } from './admin-api.ts';
import { Loaded } from './loaded.tsx';
import { createAction } from './use-action.ts';

/** Staff (with till PINs) and tills (health, revoke). */
export function PeopleScreen(props: { api: AdminApi; venueId: string }) {
  const [staff, staffRes] = createResource(
    () => props.venueId,
    (id) => props.api.staff(id),
  );
  const [tills, tillsRes] = createResource(
    () => props.venueId,
    (id) => props.api.tills(id),
  );
  const [draft, setDraft] = createSignal({
    email: '',
    displayName: '',
    password: '',
    pin: '',
    role: 'staff',
  });
  const action = createAction();
  async function add(e: Event) {
    e.preventDefault();
    const d = draft();
    if (
      await action.run(
        () => props.api.addStaff(props.venueId, { ...d, pin: d.pin || undefined }),
        `Added ${d.displayName}`,
      )
    ) {
      setDraft({ email: '', displayName: '', password: '', pin: '', role: 'staff' });
      staffRes.refetch();
    }
  }
  const setPin = async (userId: string) => {
    const pin = prompt('New PIN (4 to 8 digits)');
    if (
      pin &&
      (await action.run(
        () => props.api.setPin(userId, pin),
        'PIN changed: tills learn it on their next sync',
      ))
    )
      staffRes.refetch();
  };
  const revoke = async (tillId: string, name: string) => {
    if (
      confirm(`Revoke till ${name}? Its queued ops will be held for you.`) &&
      (await action.run(() => props.api.revoke(tillId), `Revoked ${name}`))
    ) {
      tillsRes.refetch();
    }
  };
  return (
    <section data-testid="admin-people">
      <h2>Staff</h2>
      <form class="row" onSubmit={add}>
        <input
          placeholder="name"
          required
          value={draft().displayName}
          onInput={(e) => setDraft({ ...draft(), displayName: e.currentTarget.value })}
        />
        <input
          placeholder="email"
          type="email"
          required
          value={draft().email}
          onInput={(e) => setDraft({ ...draft(), email: e.currentTarget.value })}
        />
        <input
          placeholder="password (8+)"
          type="password"
          required
          minLength={8}
          value={draft().password}
          onInput={(e) => setDraft({ ...draft(), password: e.currentTarget.value })}
        />
        <input
          placeholder="till PIN"
          inputmode="numeric"
          pattern="\d{4,8}"
          value={draft().pin}
          onInput={(e) => setDraft({ ...draft(), pin: e.currentTarget.value })}
        />
        <select
          value={draft().role}
          onChange={(e) => setDraft({ ...draft(), role: e.currentTarget.value })}
          aria-label="role"
        >
          <option value="staff">staff</option>
          <option value="venue_admin">venue admin</option>
        </select>
        <button type="submit" class="primary" disabled={action.busy()}>
          Add
        </button>
      </form>
      <Show when={action.message()}>
        {(m) => <p class={m().ok ? 'ok-text' : 'error'}>{m().text}</p>}
      </Show>
      <Loaded resource={staff} retry={staffRes.refetch}>
        {(loaded) => (
          <ul class="list">
            <For each={loaded().staff}>
              {(s) => (
                <li>
                  <span>
                    {s.displayName} <span class="muted">{s.email}</span>
                  </span>
                  <span>{s.role}</span>
                  <span class="muted">
                    {s.hasPin ? 'PIN set' : 'no PIN'}{' '}
                    <button type="button" class="secondary small" onClick={() => setPin(s.userId)}>
                      Set PIN
                    </button>
                  </span>
                </li>
              )}
            </For>
          </ul>
        )}
      </Loaded>
      <h2>Tills</h2>
      <Loaded resource={tills} retry={tillsRes.refetch}>
        {(loaded) => (
          <ul class="list">
            <For each={loaded().tills}>
              {(t) => (
                <li data-testid="till-row">
                  <span>
                    {t.name} <span class="muted">({t.status})</span>
                  </span>
                  <span>seq {t.lastSeq}</span>
                  <span class={t.openSeqGaps > 0 || t.flagReason ? 'error' : 'muted'}>
                    seen {ago(t.lastSeenAt ? Date.parse(t.lastSeenAt) : null)}
                    {t.openSeqGaps > 0 ? ` · ${t.openSeqGaps} seq gap(s)` : ''}
                    {t.flagReason ? ` · flagged: ${t.flagReason}` : ''}{' '}
                    <Show when={t.status === 'active'}>
                      <button
                        type="button"
                        class="secondary small"
                        onClick={() => revoke(t.tillId, t.name)}
                      >
                        Revoke
                      </button>
                    </Show>
                  </span>
                </li>
              )}
            </For>
          </ul>
        )}
      </Loaded>
    </section>
  );
}
