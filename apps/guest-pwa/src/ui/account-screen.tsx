import type { LoginResponse } from '@niteos/schema/wire';
import { createSignal, Show } from 'solid-js';
import { api } from '../data/api.ts';
import { session, setSession } from '../data/session.ts';
import { Link, navigate } from '../router.tsx';
import { SubmitRow, useSubmit } from './use-submit.tsx';

const field = (form: FormData, name: string) => String(form.get(name) ?? '').trim();

/** Sign in, create an account, or sign out. */
export default function AccountScreen() {
  const [mode, setMode] = createSignal<'signin' | 'register'>('signin');
  const submit = useSubmit(async (form) => {
    const body = { email: field(form, 'email'), password: String(form.get('password') ?? '') };
    const reply =
      mode() === 'signin'
        ? await api<LoginResponse>('/auth/login', { method: 'POST', body })
        : await api<LoginResponse>('/auth/register', {
            method: 'POST',
            body: { ...body, displayName: field(form, 'displayName') },
          });
    if (reply.user.role !== 'guest') {
      throw new Error('This is a staff account: use the till app at /pos/ instead.');
    }
    setSession(reply, body.email.toLowerCase());
    navigate('/');
  });
  const signOut = async () => {
    const current = session();
    setSession(null);
    if (current) {
      await api('/auth/logout', {
        method: 'POST',
        body: { refreshToken: current.refreshToken },
      }).catch(() => undefined);
    }
  };
  return (
    <Show
      when={!session()}
      fallback={
        <section class="card">
          <h1>Account</h1>
          <p data-testid="signed-in">
            {/* A login kept from before the app remembered emails has none to show. */}
            {session()?.email ? `Signed in as ${session()?.email}.` : 'You are signed in.'}
          </p>
          <p>
            <Link class="button" href="/claim">
              Add a wristband
            </Link>
          </p>
          <button type="button" onClick={signOut}>
            Sign out
          </button>
        </section>
      }
    >
      <section class="card">
        <h1>{mode() === 'signin' ? 'Sign in' : 'Create your account'}</h1>
        <form class="stack" onSubmit={submit.onSubmit}>
          <Show when={mode() === 'register'}>
            <label>
              Name (optional)
              <input name="displayName" autocomplete="nickname" maxLength={120} />
            </label>
          </Show>
          <label>
            Email
            <input name="email" type="email" required autocomplete="email" />
          </label>
          <label>
            Password
            <input
              name="password"
              type="password"
              required
              minLength={8}
              autocomplete={mode() === 'signin' ? 'current-password' : 'new-password'}
            />
          </label>
          <SubmitRow submit={submit}>
            {mode() === 'signin' ? 'Sign in' : 'Create account'}
          </SubmitRow>
        </form>
        <button
          type="button"
          class="link"
          onClick={() => setMode(mode() === 'signin' ? 'register' : 'signin')}
        >
          {mode() === 'signin' ? 'New here? Create an account' : 'I have an account: sign in'}
        </button>
      </section>
    </Show>
  );
}
