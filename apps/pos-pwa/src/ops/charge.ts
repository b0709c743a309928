import {
  canonicalEnvelope,
  chainHash,
  DEFAULT_POLICY,
  isNcDebit,
  nextLink,
  signingMessage,
  tillAcceptsPayment,
  toBase64Url,
} from '@niteos/ledger-core';
import type { Envelope, OpLine, Policy } from '@niteos/schema/wire';
import { signSync } from '../crypto/ed25519.ts';
import { getMeta, type QueuedOp, queuedOp, type TillDb } from '../db/database.ts';
import { pendingNcFor } from './pending.ts';
import {
  type CapRefusal,
  type ChargeRefusal,
  capRefusalText,
  REFUSAL_TEXT,
} from './refusal-text.ts';

/** What staff asked the till to do. */
export type Charge =
  | { kind: 'sale'; tender: 'nc' | 'cash' | 'card'; nitetapId: string | null; lines: OpLine[] }
  | { kind: 'topup'; tender: 'cash' | 'card'; nitetapId: string | null; amountNc: number }
  | { kind: 'cashout'; nitetapId: string | null; amountNc: number }
  | { kind: 'void'; sale: Envelope };

export type ChargeOutcome =
  | { ok: true; op: QueuedOp }
  | { ok: false; reason: ChargeRefusal; message: string };

/** A NiteTap id as the till keeps it: 8 to 32 lower-case hex digits. */
export const TAG = /^[0-9a-f]{8,32}$/;

export interface ChargeContext {
  staffId: string;
  /** Time on the till's clock (informational on the wire). */
  now: Date;
  newId: () => string;
  /**
   * Whether the server has lately answered that this tag has no wallet (a
   * look-up's 404). Absent where the till never asks (tests, the bench).
   */
  serverHasNoWallet?: (nitetapId: string) => boolean;
}

function lineTotals(lines: OpLine[]) {
  let nc = 0;
  let chf = 0;
  for (const l of lines) {
    nc += l.qty * l.unitNc;
    chf += l.qty * l.unitChf;
  }
  return { nc, chf };
}

function fieldsOf(
  charge: Charge,
): Pick<Envelope, 'op' | 'tender' | 'nitetapId' | 'amountNc' | 'amountChf' | 'lines' | 'voids'> {
  switch (charge.kind) {
    case 'sale': {
      const { nc, chf } = lineTotals(charge.lines);
      const paidNc = charge.tender === 'nc';
      return {
        op: 'sale',
        tender: charge.tender,
        nitetapId: charge.nitetapId,
        amountNc: paidNc ? nc : 0,
        amountChf: paidNc ? 0 : chf,
        lines: charge.lines,
        voids: null,
      };
    }
    case 'topup':
      return {
        op: 'topup',
        tender: charge.tender,
        nitetapId: charge.nitetapId,
        amountNc: charge.amountNc,
        amountChf: charge.amountNc,
        lines: [],
        voids: null,
      };
    case 'cashout':
      return {
        op: 'cashout',
        tender: 'cash',
        nitetapId: charge.nitetapId,
        amountNc: charge.amountNc,
        amountChf: charge.amountNc,
        lines: [],
        voids: null,
      };
    case 'void': {
      const s = charge.sale;
      return {
        op: 'void',
        tender: s.tender,
        nitetapId: s.nitetapId,
        amountNc: s.amountNc,
        amountChf: s.amountChf,
        lines: s.lines,
        voids: s.id,
      };
    }
  }
}

/**
 * Whether NC from `tag` is refused because the server said it has no wallet:
 * only with no snapshot here (one brought since by a pull or a push wins),
 * and not while a top-up of it from this till waits in the queue (the server
 * applies that first, in seq order, and it makes the wallet).
 */
async function serverHasNoWallet(
  db: TillDb,
  tag: string,
  hasSnapshot: boolean,
  ctx: ChargeContext,
): Promise<boolean> {
  if (hasSnapshot || !ctx.serverHasNoWallet?.(tag)) return false;
  const queued = await db.queue.where('nitetapId').equals(tag).toArray();
  return !queued.some((op) => op.envelope.op === 'topup');
}

/** Runs `work` holding this till's signing lock: one tab signs at a time, so no two ops share a `seq`. */
async function withSigningLock<T>(work: () => Promise<T>): Promise<T> {
  if (typeof navigator !== 'undefined' && navigator.locks) {
    return navigator.locks.request('niteos-till-signer', { mode: 'exclusive' }, work);
  }
  return work();
}

/**
 * Decides, signs and stores one op. The till rule of ledger-core judges NC
 * payments against the cached snapshot; signing, the queue entry and the
 * chain's next `seq`/`prev` are written in one IndexedDB transaction.
 */
export function charge(db: TillDb, request: Charge, ctx: ChargeContext): Promise<ChargeOutcome> {
  const fields = fieldsOf(request);
  const refusal = (reason: ChargeRefusal, message: string): ChargeOutcome => ({
    ok: false,
    reason,
    message,
  });
  const refuse = (reason: Exclude<ChargeRefusal, CapRefusal>) =>
    refusal(reason, REFUSAL_TEXT[reason]);
  if (fields.nitetapId !== null) fields.nitetapId = fields.nitetapId.trim().toLowerCase();
  if (fields.nitetapId !== null && !TAG.test(fields.nitetapId))
    return Promise.resolve(refuse('bad_tag'));
  if (request.kind === 'sale' && request.lines.length === 0)
    return Promise.resolve(refuse('empty'));
  if ((request.kind === 'topup' || request.kind === 'cashout') && request.amountNc <= 0) {
    return Promise.resolve(refuse('empty'));
  }
  const needsTag = request.kind !== 'void' && (request.kind !== 'sale' || request.tender === 'nc');
  if (needsTag && fields.nitetapId === null) return Promise.resolve(refuse('needs_guest'));

  // User Timing for apps/pos-pwa/bench: lock, decide, sign, store, commit.
  const started = performance.now();
  const stored = withSigningLock(() =>
    db.transaction(
      'rw',
      [db.device, db.queue, db.wallets, db.blocked, db.meta, db.history],
      async () => {
        const device = await db.device.get('device');
        if (!device) return refuse('not_enrolled');
        // Checked in the transaction that signs, so a double tap (or a second
        // tab) cannot sign two voids of one sale: the server would refuse the
        // second as `already_voided`.
        if (request.kind === 'void' && (await db.history.get(request.sale.id))?.voidedBy) {
          return refuse('already_voided');
        }
        const tag = fields.nitetapId;
        const snapshot = tag ? await db.wallets.get(tag) : undefined;
        const pendingNc = tag ? await pendingNcFor(db, tag, snapshot !== undefined) : 0;
        const debits = isNcDebit(fields);
        if (tag && (debits || request.kind === 'topup')) {
          const blocked = (await db.blocked.get(tag)) !== undefined;
          if (debits) {
            if (!blocked && (await serverHasNoWallet(db, tag, snapshot !== undefined, ctx)))
              return refuse(request.kind === 'cashout' ? 'no_wallet_to_cash_out' : 'no_wallet');
            const policy = (await getMeta<Policy>(db, 'policy')) ?? DEFAULT_POLICY;
            const verdict = tillAcceptsPayment({
              blocked,
              snapshotBalanceNc: snapshot?.balanceNc ?? null,
              pendingNc,
              amountNc: fields.amountNc,
              policy,
            });
            if (!verdict.ok) {
              const { reason } = verdict;
              if (reason === 'blocked_tag' || reason === 'insufficient_balance')
                return refuse(reason);
              const kind = request.kind === 'cashout' ? 'cashout' : 'sale';
              const figures = { kind, policy, pendingNc, amountNc: fields.amountNc } as const;
              return refusal(reason, capRefusalText(reason, figures));
            }
          } else if (blocked) {
            return refuse('blocked_tag');
          }
        }
        const link = nextLink(device);
        const envelope: Envelope = {
          v: 1,
          ...fields,
          id: ctx.newId(),
          tillId: device.tillId,
          venueId: device.venueId,
          staffId: ctx.staffId,
          seq: link.seq,
          prev: link.prev,
          at: ctx.now.toISOString(),
          basis: {
            balanceNc: snapshot?.balanceNc ?? null,
            asOf: snapshot?.asOf ?? null,
            pendingNc,
          },
        };
        const signature = signSync(signingMessage(canonicalEnvelope(envelope)), device.secretKey);
        const op = queuedOp(envelope, toBase64Url(signature), ctx.now.getTime());
        await db.queue.add(op);
        await db.device.update('device', { seq: envelope.seq, prev: chainHash(signature) });
        await db.history.put({
          id: envelope.id,
          seq: envelope.seq,
          envelope,
          status: 'queued',
          reason: null,
          voidedBy: null,
          at: op.createdAt,
          sig: op.sig,
        });
        if (request.kind === 'void')
          await db.history.update(request.sale.id, { voidedBy: envelope.id });
        return { ok: true, op } as const;
      },
    ),
  );
  return stored.finally(() => {
    // Timing is for the bench only: a browser without measure options must not turn a stored sale into a failed one.
    try {
      performance.measure('niteos:charge', { start: started });
    } catch {}
  });
}
