import { claimCode, parseMinor } from '@niteos/ledger-core';
import { createSignal, For, Show } from 'solid-js';
import { nc } from '../format.ts';
import type { Charge } from '../ops/charge.ts';
import { useTill } from '../state/till-store.tsx';
import { createChargeAction } from './charge-action.ts';
import { ConfirmDialog } from './confirm-dialog.tsx';
import { createFeedback } from './feedback.tsx';
import { GuestField } from './guest-field.tsx';

const QUICK = [2000, 5000, 10_000];

/**
 * A top-up above this asks first. The quick amounts go up to 100 NC and
 * 200 NC is already a large night's top-up: above it a slip (an extra zero,
 * 1000 typed for 100) is likelier than a guest, and it would credit NC the
 * venue was never paid, with nothing at the till to take it back.
 */
const CONFIRM_TOPUP_ABOVE_NC = 20_000;

/** Top-up (cash or card in, NC credited) and cash-out (NC debited, cash out): one form, two uses. */
export function MoneyScreen(props: { kind: 'topup' | 'cashout' }) {
  const till = useTill();
  const [tag, setTag] = createSignal('');
  const [amount, setAmount] = createSignal('');
  const [claim, setClaim] = createSignal<{ tag: string; code: string } | null>(null);
  /** A large top-up waiting for staff to say yes; changing the amount or the guest drops it. */
  const [confirming, setConfirming] = createSignal<Extract<Charge, { kind: 'topup' }> | null>(null);
  const feedback = createFeedback();
  const action = createChargeAction({
    charge: till.charge,
    fail: (text) => feedback.show(false, text),
  });

  async function submit(tender: 'cash' | 'card') {
    const amountNc = parseMinor(amount());
    if (amountNc === null || amountNc <= 0) {
      feedback.show(false, 'Enter an amount in NC, like 20 or 12.50.');
      return;
    }
    // An empty field is no guest: the till says to identify one, not that the tag is malformed.
    const nitetapId = tag().trim() || null;
    if (props.kind === 'cashout') return record({ kind: 'cashout', nitetapId, amountNc });
    const topup = { kind: 'topup', tender, nitetapId, amountNc } as const;
    if (nitetapId && amountNc > CONFIRM_TOPUP_ABOVE_NC) setConfirming(topup);
    else await record(topup);
  }

  async function record(request: Extract<Charge, { kind: 'topup' | 'cashout' }>) {
    setConfirming(null);
    const { nitetapId, amountNc } = request;
    const op = await action.run(request);
    if (!op) return;
    feedback.show(
      true,
      props.kind === 'topup' ? `Topped up ${nc(amountNc)}` : `Paid out ${nc(amountNc)} in cash`,
    );
    // The guest types this in their app to claim the wallet (the tag id alone is not enough).
    setClaim(
      props.kind === 'topup' && nitetapId
        ? { tag: nitetapId.toLowerCase(), code: claimCode(op.sig) }
        : null,
    );
    // The next guest must be identified afresh: a kept tag would credit (or debit) the last one.
    setAmount('');
    setTag('');
  }

  return (
    <main class="screen narrow" data-testid={props.kind}>
      <h1>{props.kind === 'topup' ? 'Top up a wallet' : 'Cash out a wallet'}</h1>
      <GuestField
        value={tag()}
        onChange={(next) => {
          setTag(next);
          setConfirming(null);
          // The next guest, at the counter now, must not read the last one's code and claim first.
          if (next) setClaim(null);
        }}
      />
      <label>
        Amount (NC)
        <input
          inputmode="decimal"
          value={amount()}
          onInput={(e) => {
            setAmount(e.currentTarget.value);
            setConfirming(null);
          }}
          data-testid="amount"
        />
      </label>
      <div class="row">
        <For each={QUICK}>
          {(q) => (
            <button type="button" class="secondary" onClick={() => setAmount(String(q / 100))}>
              {nc(q)}
            </button>
          )}
        </For>
      </div>
      <div class="row">
        <Show
          when={props.kind === 'topup'}
          fallback={
            <button
              type="button"
              class="primary big"
              disabled={action.busy()}
              onClick={() => submit('cash')}
              data-testid="cashout-submit"
            >
              Pay out cash
            </button>
          }
        >
          <button
            type="button"
            class="primary big"
            disabled={action.busy()}
            onClick={() => submit('cash')}
            data-testid="topup-cash"
          >
            Cash received
          </button>
          <button
            type="button"
            class="secondary big"
            disabled={action.busy()}
            onClick={() => submit('card')}
            data-testid="topup-card"
          >
            Card paid
          </button>
        </Show>
      </div>
      <feedback.View />
      <Show when={confirming()}>
        {(c) => (
          <ConfirmDialog
            name="topup"
            title={`Top up ${nc(c().amountNc)}?`}
            keep="Change the amount"
            yes={`Top up ${nc(c().amountNc)}`}
            onKeep={() => setConfirming(null)}
            onYes={() => record(c())}
          >
            Guest {c().nitetapId} · {c().tender === 'cash' ? 'cash received' : 'card paid'}. Check
            the amount with the guest: top-ups above {nc(CONFIRM_TOPUP_ABOVE_NC)} are asked about.
          </ConfirmDialog>
        )}
      </Show>
      <Show when={claim()}>
        {(c) => (
          <p class="claim" data-testid="claim-code">
            Claim code for {c().tag}: <strong>{c().code}</strong>
            <span class="muted"> · the guest enters it in the NiteOS app to see this wallet</span>
          </p>
        )}
      </Show>
    </main>
  );
}
