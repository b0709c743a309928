import { levelForXp, xpForLevel } from '@niteos/ledger-core';
import type { GuestWallet, WalletActivity } from '@niteos/schema/wire';
import { For, Show } from 'solid-js';
import { activityLabel, activityNc, standingNote } from '../activity.ts';
import { api } from '../data/api.ts';
import { createLive } from '../data/live.ts';
import { createMyWallets } from '../data/my-wallets.ts';
import { session, signedInGuestId } from '../data/session.ts';
import { nc, when } from '../format.ts';
import { Link } from '../router.tsx';
import { Freshness } from './freshness.tsx';
import { createWalletChoice, WalletChips } from './wallet-chips.tsx';

function XpProgress(props: { xp: number }) {
  const level = () => levelForXp(props.xp);
  const floor = () => xpForLevel(level());
  const next = () => xpForLevel(level() + 1);
  const percent = () => Math.round(((props.xp - floor()) / (next() - floor())) * 100);
  return (
    <div class="xp">
      <div class="xp-line">
        <span data-testid="level">Level {level()}</span>
        <span>
          {props.xp} XP · {next() - props.xp} XP to level {level() + 1}
        </span>
      </div>
      <progress
        max={next() - floor()}
        value={props.xp - floor()}
        aria-label={`Progress to level ${level() + 1}: ${percent()}%`}
      />
    </div>
  );
}

function WalletCard(props: { wallet: GuestWallet }) {
  return (
    <section class="card wallet" data-testid="wallet">
      <p class="muted">NiteTap {props.wallet.nitetapId.toUpperCase()}</p>
      <p class="balance" data-testid="balance">
        {nc(props.wallet.balanceNc)}
      </p>
      <Show when={props.wallet.balanceNc < 0}>
        <p class="debt" role="alert" data-testid="debt">
          You owe {nc(-props.wallet.balanceNc)}. Top up at the bar to settle it.
        </p>
      </Show>
      <Show when={props.wallet.status === 'blocked'}>
        <p class="debt" role="alert">
          This wristband is blocked. Ask the bar if you lost it: the balance moves to a new one.
        </p>
      </Show>
      <XpProgress xp={props.wallet.xp} />
    </section>
  );
}

function Activity(props: { nitetapId: string }) {
  const live = createLive<WalletActivity>(
    () => `me.activity.${props.nitetapId}`,
    () => api(`/me/wallets/${encodeURIComponent(props.nitetapId)}/activity`, { auth: true }),
    { everyMs: 30_000, owner: signedInGuestId },
  );
  const entries = () => live.data()?.entries ?? [];
  return (
    <section class="card">
      <h2>Recent activity</h2>
      <Freshness live={live} what="activity" />
      <Show when={live.data() && entries().length === 0}>
        <p class="muted">Nothing yet tonight.</p>
      </Show>
      <ul class="activity" data-testid="activity">
        <For each={entries()}>
          {(e) => (
            <li classList={{ muted: e.standing !== 'applied' }} data-standing={e.standing}>
              <div>
                <strong>{activityLabel(e)}</strong>
                <span class="muted">
                  {' '}
                  · {e.venueName} · {when(e.at)}
                  {e.tender !== 'nc' ? ` · paid ${e.tender}` : ''}
                  {standingNote(e) ? ` · ${standingNote(e)}` : ''}
                </span>
              </div>
              <span classList={{ amount: true, plus: e.deltaNc > 0 }}>
                {activityNc(e) === 0 ? '—' : nc(activityNc(e))}
              </span>
            </li>
          )}
        </For>
      </ul>
    </section>
  );
}

/** Balance, XP and level, and recent activity of the guest's wristbands. */
export function WalletScreen() {
  const live = createMyWallets();
  const wallets = () => live.data()?.wallets ?? [];
  const { chosen: wallet, pick } = createWalletChoice(wallets);
  return (
    <Show
      when={session()}
      fallback={
        <section class="card">
          <h1>Your Nitecoin wallet</h1>
          <p>Sign in to see your balance, XP and level, and to show your NiteTap at the bar.</p>
          <Link class="button primary" href="/account">
            Sign in or create an account
          </Link>
        </section>
      }
    >
      <h1 class="sr-only">Wallet</h1>
      <Freshness live={live} what="your wallet" />
      <Show when={live.data() && wallets().length === 0}>
        <section class="card">
          <p>
            No wristband yet. Add the one you got at the bar with the claim code the till showed
            after your top-up.
          </p>
          <Link class="button primary" href="/claim">
            Add a wristband
          </Link>
        </section>
      </Show>
      <WalletChips wallets={wallets()} selected={wallet()?.nitetapId} onSelect={pick} />
      <Show when={wallet()}>
        {(w) => (
          <>
            <WalletCard wallet={w()} />
            <Activity nitetapId={w().nitetapId} />
          </>
        )}
      </Show>
    </Show>
  );
}
