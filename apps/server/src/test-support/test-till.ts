import { randomUUID } from 'node:crypto';
import {
  advanceChain,
  type ChainState,
  GENESIS,
  nextLink,
  signEnvelope,
  toBase64Url,
} from '@niteos/ledger-core';
import type { Envelope, PushResponse } from '@niteos/schema/wire';
import { nodeEd25519KeyPair, nodeEd25519Sign } from '../crypto/node-ed25519.ts';

export interface SignedOp {
  envelope: Envelope;
  sig: string;
}

type OpFields = Partial<Omit<Envelope, 'seq' | 'prev'>> & Pick<Envelope, 'op'>;

/** Sends requests to the server under test: in-process (`app.request`) or over HTTP. */
export type Send = (path: string, init?: RequestInit) => Promise<Response>;

/**
 * A till as the server sees one: its own key pair, its chain (`seq`,
 * `prev`) and its device token. Tests drive it like a real till would.
 */
export class TestTill {
  readonly keys = nodeEd25519KeyPair();
  chain: ChainState = GENESIS;
  tillId = '';
  venueId = '';
  deviceToken = '';

  get publicKey(): string {
    return toBase64Url(this.keys.publicKey);
  }

  /** Builds and signs the next op of this till's chain. */
  async sign(fields: OpFields): Promise<SignedOp> {
    const link = nextLink(this.chain);
    const envelope: Envelope = {
      v: 1,
      id: randomUUID(),
      tillId: this.tillId,
      venueId: this.venueId,
      staffId: 'staff-1',
      at: new Date().toISOString(),
      nitetapId: null,
      tender: 'nc',
      amountNc: 0,
      amountChf: 0,
      lines: [],
      voids: null,
      basis: { balanceNc: null, asOf: null, pendingNc: 0 },
      ...fields,
      seq: link.seq,
      prev: link.prev,
    };
    return this.signEnvelope(envelope);
  }

  /** Signs an envelope exactly as given and moves the chain to it. */
  async signEnvelope(envelope: Envelope): Promise<SignedOp> {
    const signed = await signEnvelope(envelope, this.keys.secretKey, nodeEd25519Sign);
    this.chain = advanceChain(envelope.seq, signed.chainHash);
    return { envelope: signed.envelope, sig: signed.sig };
  }

  /** Makes the next op's `prev` name no op of this till: the server holds it, `chain_break`. */
  breakChain() {
    this.chain = {
      ...this.chain,
      prev: this.chain.prev.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')),
    };
  }

  topup(nitetapId: string, amountNc: number, tender: 'cash' | 'card' = 'cash') {
    return this.sign({ op: 'topup', nitetapId, tender, amountNc, amountChf: amountNc });
  }

  /** An NC sale of one line; `basis` claims a fresh snapshot that justifies it. */
  sale(nitetapId: string | null, amountNc: number, tender: 'nc' | 'cash' | 'card' = 'nc') {
    const nc = tender === 'nc';
    return this.sign({
      op: 'sale',
      nitetapId,
      tender,
      amountNc: nc ? amountNc : 0,
      amountChf: nc ? 0 : amountNc,
      lines: [{ itemId: 'item-1', qty: 1, unitNc: amountNc, unitChf: amountNc }],
      basis: {
        balanceNc: nc ? amountNc : null,
        asOf: nc ? new Date().toISOString() : null,
        pendingNc: 0,
      },
    });
  }

  /** An NC sale whose basis knows no balance: the server applies it and flags the till. */
  unjustifiedSale(nitetapId: string, amountNc: number) {
    return this.sign({
      op: 'sale',
      nitetapId,
      amountNc,
      lines: [{ itemId: 'magnum', qty: 1, unitNc: amountNc, unitChf: amountNc }],
      basis: { balanceNc: null, asOf: null, pendingNc: 0 },
    });
  }

  voidOf(sale: SignedOp) {
    const s = sale.envelope;
    return this.sign({
      op: 'void',
      nitetapId: s.nitetapId,
      tender: s.tender,
      amountNc: s.amountNc,
      amountChf: s.amountChf,
      lines: s.lines,
      voids: s.id,
    });
  }

  async push(send: Send, ops: unknown[]): Promise<{ status: number; body: PushResponse }> {
    const res = await send('/api/sync/push', {
      method: 'POST',
      headers: { authorization: `Bearer ${this.deviceToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ tillId: this.tillId, ops }),
    });
    return { status: res.status, body: (await res.json()) as PushResponse };
  }
}
