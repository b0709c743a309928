import { Show } from 'solid-js';
import { api } from '../data/api.ts';
import { session } from '../data/session.ts';
import { Link, navigate } from '../router.tsx';
import { SubmitRow, useSubmit } from './use-submit.tsx';
import { pickWallet } from './wallet-chips.tsx';

/**
 * Adds a wristband to the guest's account: its tag id plus the claim code
 * the till showed after a top-up, so knowing a tag id alone is not enough.
 */
export default function ClaimScreen() {
  const submit = useSubmit(async (form) => {
    const nitetapId = String(form.get('nitetapId') ?? '')
      .replace(/[\s:]/g, '')
      .toLowerCase();
    await api('/wallets/claim', {
      method: 'POST',
      auth: true,
      body: { nitetapId, code: String(form.get('code') ?? '') },
    });
    // The wallet opens on the band just added, not on the first one.
    pickWallet(nitetapId);
    navigate('/');
  });
  return (
    <Show
      when={session()}
      fallback={
        <section class="card">
          <p>Sign in first, then add your wristband.</p>
          <Link class="button primary" href="/account">
            Sign in
          </Link>
        </section>
      }
    >
      <section class="card">
        <h1>Add a wristband</h1>
        <p class="muted">
          The tag id is printed on the wristband. The claim code is shown on the till after a
          top-up; the bar can show it again from the till's recent list.
        </p>
        <form class="stack" onSubmit={submit.onSubmit}>
          <label>
            Tag id
            <input
              name="nitetapId"
              required
              autocomplete="off"
              autocapitalize="characters"
              pattern="[0-9A-Fa-f: ]{8,47}"
              title="8 to 32 hex digits"
            />
          </label>
          <label>
            Claim code
            <input
              name="code"
              required
              autocomplete="one-time-code"
              autocapitalize="characters"
              placeholder="XXXX-XXXX"
            />
          </label>
          <SubmitRow submit={submit}>Add wristband</SubmitRow>
        </form>
      </section>
    </Show>
  );
}
