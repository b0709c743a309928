import { createResource, createSignal, For, Show } from 'solid-js';
import { ago, dateTime } from '../format.ts';
import type { AdminApi, StaffMember, StaffPatch } from './admin-api.ts';
import { keyedStorage } from './keyed-storage.ts';
import { ActionMessage, Loaded } from './loaded.tsx';
import { createAction } from './use-action.ts';

/** Staff (with till PINs) and tills (health, revoke). */
export function PeopleScreen(props: { api: AdminApi; venueId: string; selfId?: string }) {
  // Rows kept across refetches by user id: the button just pressed keeps the focus.
  const [staff, staffRes] = createResource<{ staff: StaffMember[] }, string>(
    () => props.venueId,
    (id) => props.api.staff(id),
    { storage: keyedStorage('userId') },
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
  const patch = async (userId: string, change: StaffPatch, done: string) => {
    // The button pressed is disabled while busy, which takes the focus from it: given back.
    const pressed = document.activeElement;
    const saved = await action.run(() => props.api.patchStaff(userId, change), done);
    if (pressed instanceof HTMLElement && document.activeElement === document.body) pressed.focus();
    if (saved) staffRes.refetch();
  };
  const setPin = (userId: string) => {
    const pin = prompt('New PIN (4 to 8 digits)');
    if (pin) patch(userId, { pin }, 'PIN changed: tills learn it on their next sync');
  };
  const setRole = (s: StaffMember, role: 'staff' | 'venue_admin') => {
    const what = role === 'venue_admin' ? 'a venue admin' : 'staff (no back office)';
    if (confirm(`Make ${s.displayName} ${what}? They are signed out and sign in again.`))
      patch(s.userId, { role }, `${s.displayName} is now ${what}`);
  };
  const setDisabled = (s: StaffMember, disabled: boolean) => {
    if (
      !disabled ||
      confirm(
        `Disable ${s.displayName}? They are signed out everywhere now, and tills drop their PIN on their next sync.`,
      )
    )
      patch(
        s.userId,
        { disabled },
        disabled
          ? `Disabled ${s.displayName}: tills drop the PIN on their next sync`
          : `Enabled ${s.displayName}`,
      );
  };
  const clearFlag = async (tillId: string, name: string, flaggedAt: string) => {
    if (
      !confirm(
        `Clear the flag of till ${name}? Do it once you know why it broke the offline rules: the next breach flags it again.`,
      )
    )
      return;
    // No answer body to wait for (204): the list shows what the server has, either way.
    await action.run(() => props.api.clearFlag(tillId, flaggedAt), `Cleared the flag of ${name}`);
    tillsRes.refetch();
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
      <ActionMessage message={action.message()} />
      <Loaded resource={staff} retry={staffRes.refetch}>
        {(loaded) => (
          <ul class="list">
            <For each={loaded().staff}>
              {(s) => (
                <li data-testid="staff-row">
                  <span>
                    {s.displayName} <span class="muted">{s.email}</span>
                    <Show when={s.disabled}>
                      {' '}
                      <span class="error">disabled</span>
                    </Show>
                  </span>
                  <span>{s.role === 'venue_admin' ? 'venue admin' : 'staff'}</span>
                  <span class="muted">
                    {s.hasPin ? 'PIN set' : 'no PIN'}{' '}
                    <button type="button" class="secondary small" onClick={() => setPin(s.userId)}>
                      Set PIN
                    </button>
                    {/* The server refuses these on one's own account: no button to fail. */}
                    <Show when={s.userId !== props.selfId}>
                      {' '}
                      <button
                        type="button"
                        class="secondary small"
                        disabled={action.busy()}
                        onClick={() =>
                          setRole(s, s.role === 'venue_admin' ? 'staff' : 'venue_admin')
                        }
                      >
                        {s.role === 'venue_admin' ? 'Make staff' : 'Make admin'}
                      </button>{' '}
                      <button
                        type="button"
                        class="secondary small"
                        disabled={action.busy()}
                        onClick={() => setDisabled(s, !s.disabled)}
                      >
                        {s.disabled ? 'Enable' : 'Disable'}
                      </button>
                    </Show>
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
                  <span class={t.openSeqGaps > 0 || t.flaggedAt ? 'error' : 'muted'}>
                    seen {ago(t.lastSeenAt ? Date.parse(t.lastSeenAt) : null)}
                    {t.openSeqGaps > 0 ? ` · ${t.openSeqGaps} seq gap(s)` : ''}
                    <Show when={t.flaggedAt}>
                      {(at) => (
                        <span data-testid="till-flag">
                          {' '}
                          · flagged {dateTime(at())}: {t.flagReason}{' '}
                          <button
                            type="button"
                            class="secondary small"
                            disabled={action.busy()}
                            onClick={() => clearFlag(t.tillId, t.name, at())}
                          >
                            Clear flag
                          </button>
                        </span>
                      )}
                    </Show>{' '}
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
