import {
  canonicalEnvelope,
  chainHash,
  DEFAULT_POLICY,
  isNcDebit,
  nextLink,
  signingMessage,
  type TillRefusal,
  tillAcceptsPayment,
  toBase64Url,
} from '@niteos/ledger-core';
import type { Envelope, OpLine, Policy } from '@niteos/schema/wire';
import { signSync } from '../crypto/ed25519.ts';
import { getMeta, type QueuedOp, type TillDb } from '../db/database.ts';

/** What staff asked the till to do. */
export type Charge =
  | { kind: 'sale'; tender: 'nc' | 'cash' | 'card'; nitetapId: string | null; lines: OpLine[] }
  | { kind: 'topup'; tender: 'cash' | 'card'; nitetapId: string; amountNc: number }
  | { kind: 'cashout'; nitetapId: string; amountNc: number }
  | { kind: 'void'; sale: Envelope };

export type ChargeRefusal =
  | TillRefusal
  | 'not_enrolled'
  | 'needs_guest'
  | 'empty'
  | 'bad_tag'
  | 'already_voided';

export type ChargeOutcome =
  | { ok: true; op: QueuedOp }
  | { ok: false; reason: ChargeRefusal; message: string };

/** Why the till refused, in words staff can say to a guest. */
export const REFUSAL_TEXT: Record<ChargeRefusal, string> = {
  blocked_tag: 'This wristband is blocked (reported lost). Ask for ID and call a manager.',
  insufficient_balance:
    'Not enough NC on this wallet (an offline topup counts once it has synced).',
  offline_cap:
    'Offline limit reached for this wallet: take cash or card until the till is back online.',
  unknown_wallet_cap:
    'Wallet not known to this till yet: over the limit for unknown wallets. Take cash or card.',
  not_enrolled: 'This device is not enrolled as a till.',
  needs_guest: 'Identify the guest first (tap, scan or type the tag).',
  empty: 'Nothing to charge.',
  bad_tag: 'A tag id is 8 to 32 hex digits.',
  already_voided: 'This sale is already voided.',
};

const TAG = /^[0-9a-f]{8,32}$/;

export interface ChargeContext {
  staffId: string;
  /** Time on the till's clock (informational on the wire). */
  now: Date;
  newId: () => string;
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
 * NC this till has taken from a wallet and not yet handed to the server
 * (the contract's `pendingNc`). Its own queued topups do not count: the
 * basis must justify every debit on the server's reading of the rule, so
 * offline topup money becomes spendable once the topup has synced.
 */
export async function pendingNcFor(db: TillDb, nitetapId: string): Promise<number> {
  let pending = 0;
  await db.queue
    .where('nitetapId')
    .equals(nitetapId)
    .each((op) => {
      pending += op.debitNc;
    });
  return pending;
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
  const refuse = (reason: ChargeRefusal): ChargeOutcome => ({
    ok: false,
    reason,
    message: REFUSAL_TEXT[reason],
  });
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
        const pendingNc = tag ? await pendingNcFor(db, tag) : 0;
        const debits = isNcDebit(fields);
        if (tag && (debits || request.kind === 'topup')) {
          const blocked = (await db.blocked.get(tag)) !== undefined;
          if (debits) {
            const policy = (await getMeta<Policy>(db, 'policy')) ?? DEFAULT_POLICY;
            const verdict = tillAcceptsPayment({
              blocked,
              snapshotBalanceNc: snapshot?.balanceNc ?? null,
              pendingNc,
              amountNc: fields.amountNc,
              policy,
            });
            if (!verdict.ok) return refuse(verdict.reason);
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
        const debit = debits ? envelope.amountNc : 0;
        const op: QueuedOp = {
          seq: envelope.seq,
          id: envelope.id,
          envelope,
          sig: toBase64Url(signature),
          nitetapId: tag ?? '',
          debitNc: debit,
          createdAt: ctx.now.getTime(),
        };
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
        });
        if (request.kind === 'void')
          await db.history.update(request.sale.id, { voidedBy: envelope.id });
        return { ok: true, op } as const;
      },
    ),
  );
  return stored.finally(() => performance.measure('niteos:charge', { start: started }));
}
