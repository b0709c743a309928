/**
 * Properties of the balance rules (sync protocol §6) checked against a tiny
 * in-memory server: a Map of wallets and a Map of account balances, driven
 * only by ledger-core's own functions, with idempotency by op id and the
 * chain checks the server does (§4).
 */
import type { Envelope, OpLine, Policy, Resolution } from '@niteos/schema/wire';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { accountId, type Posting } from './accounts.ts';
import { chainHash } from './canonical.ts';
import { validateEnvelope } from './envelope.ts';
import { resolutionEffect } from './resolution.ts';
import {
  applyEffect,
  basisJustifies,
  decideReplay,
  type Effect,
  isNcDebit,
  type ReplayDecision,
  tillAcceptsPayment,
  type VoidTarget,
  type WalletState,
} from './rules.ts';
import {
  AT,
  cashout,
  cashSale,
  fakeSignature,
  ncSale,
  tillLog,
  topup,
  uuidFor,
  VENUE_ID,
  voidOf,
} from './test-support/envelopes.ts';

// ---------------------------------------------------------------- the model

type Status = 'applied' | 'held' | 'rejected' | 'written_off';

interface StoredOp {
  envelope: Envelope;
  /** The reply the push gave, returned again for a duplicate (§4 step 4). */
  result: { status: Status; reason: string | null };
  /** Where the op stands now: admins and voids move it on from `held`. */
  status: Status;
  xpGranted: number;
  voided: boolean;
}

interface PushResult {
  status: Status;
  reason: string | null;
  duplicate: boolean;
}

interface Server {
  policy: Policy;
  wallets: Map<string, WalletState>;
  /** accountId → NC balance, summed from postings only. */
  accounts: Map<string, number>;
  ops: Map<string, StoredOp>;
  /** `${tillId}/${seq}` → chain hash of that op's signature. */
  chain: Map<string, { id: string; hash: string }>;
}

function createServer(policy: Policy): Server {
  return { policy, wallets: new Map(), accounts: new Map(), ops: new Map(), chain: new Map() };
}

const sumPostings = (postings: readonly Posting[]) => postings.reduce((t, p) => t + p.amountNc, 0);

function voidTargetOf(stored: StoredOp | undefined): VoidTarget | null {
  if (stored === undefined) return null;
  const e = stored.envelope;
  return {
    id: e.id,
    kind: e.op,
    venueId: e.venueId,
    nitetapId: e.nitetapId,
    tender: e.tender,
    amountNc: e.amountNc,
    amountChf: e.amountChf,
    // A rejected sale, like a held one, moved no NC.
    status: stored.status === 'rejected' ? 'held' : stored.status,
    voided: stored.voided,
    xpGranted: stored.xpGranted,
  };
}

/** Writes an effect: postings to accounts, the wallet, the voided sale. */
function commit(server: Server, e: Envelope, effect: Effect): void {
  expect(sumPostings(effect.postings)).toBe(0);
  for (const posting of effect.postings) {
    const id = accountId(posting.account);
    server.accounts.set(id, (server.accounts.get(id) ?? 0) + posting.amountNc);
  }
  if (e.nitetapId !== null) {
    const next = applyEffect(server.wallets.get(e.nitetapId) ?? null, effect);
    if (next !== null) server.wallets.set(e.nitetapId, next);
  }
  if (effect.voidsOp !== null) {
    const voided = server.ops.get(effect.voidsOp);
    if (voided === undefined) throw new Error('voided an op the server does not have');
    voided.voided = true;
    // As the server does: a voided sale that was still held is settled as rejected.
    if (voided.status === 'held') voided.status = 'rejected';
  }
}

function chainStatus(server: Server, e: Envelope): 'ok' | 'fork' | 'break' {
  const same = server.chain.get(`${e.tillId}/${e.seq}`);
  if (same !== undefined && same.id !== e.id) return 'fork';
  const previous = server.chain.get(`${e.tillId}/${e.seq - 1}`);
  if (previous !== undefined && previous.hash !== e.prev) return 'break';
  return 'ok';
}

/** One pushed op, as the server handles it after schema and signature checks. */
function push(server: Server, e: Envelope): PushResult {
  const seen = server.ops.get(e.id);
  if (seen !== undefined) return { ...seen.result, duplicate: true };
  const decision: ReplayDecision = decideReplay({
    envelope: e,
    policy: server.policy,
    tillRevoked: false,
    chain: chainStatus(server, e),
    wallet: e.nitetapId === null ? null : (server.wallets.get(e.nitetapId) ?? null),
    voidTarget: e.voids === null ? null : voidTargetOf(server.ops.get(e.voids)),
  });
  const stored: StoredOp = {
    envelope: e,
    result: {
      status: decision.status,
      reason: decision.status === 'applied' ? null : decision.reason,
    },
    status: decision.status,
    xpGranted: 0,
    voided: false,
  };
  server.ops.set(e.id, stored);
  server.chain.set(`${e.tillId}/${e.seq}`, { id: e.id, hash: chainHash(fakeSignature(e.id)) });
  if (decision.status === 'applied') {
    commit(server, e, decision.effect);
    if (e.op === 'sale') stored.xpGranted = decision.effect.xpDelta;
  }
  return { ...stored.result, duplicate: false };
}

/** An admin settles a held op (§7); a refused resolution leaves it held. */
function resolve(server: Server, id: string, resolution: Resolution): void {
  const stored = server.ops.get(id);
  if (stored === undefined || stored.status !== 'held') return;
  const e = stored.envelope;
  const result = resolutionEffect({
    resolution,
    envelope: e,
    walletExists: e.nitetapId !== null && server.wallets.has(e.nitetapId),
    voidTarget: e.voids === null ? null : voidTargetOf(server.ops.get(e.voids)),
  });
  if (!result.ok) return;
  commit(server, e, result.effect);
  stored.status =
    resolution === 'accept' ? 'applied' : resolution === 'write_off' ? 'written_off' : 'rejected';
  if (resolution === 'accept' && e.op === 'sale') stored.xpGranted = result.effect.xpDelta;
}

/** Everything a replay can change, in a comparable form. */
function stateOf(server: Server) {
  const sorted = <V>(map: Map<string, V>) =>
    Object.fromEntries([...map].sort(([a], [b]) => (a < b ? -1 : 1)));
  return {
    accounts: sorted(server.accounts),
    wallets: sorted(server.wallets),
    ops: sorted(
      new Map([...server.ops].map(([id, op]) => [id, { status: op.status, voided: op.voided }])),
    ),
  };
}

function expectConservedAndConsistent(server: Server): void {
  expect(
    sumPostings([...server.accounts.values()].map((amountNc) => ({ amountNc }) as Posting)),
  ).toBe(0);
  for (const [tag, wallet] of server.wallets) {
    expect(wallet.balanceNc).toBe(server.accounts.get(`w:${tag}`) ?? 0);
    expect(wallet.xp).toBeGreaterThanOrEqual(0);
  }
  for (const id of server.accounts.keys()) {
    if (id.startsWith('w:')) expect(server.wallets.has(id.slice(2))).toBe(true);
  }
  // A guest pays for what stood against their wallet, and for nothing else:
  // written-off, rejected and voided sales cost them nothing; XP follows.
  const owed = new Map<string, { balanceNc: number; xp: number }>();
  for (const { envelope: e, status, voided, xpGranted } of server.ops.values()) {
    if (status !== 'applied' || e.nitetapId === null || voided) continue;
    const sign = e.op === 'topup' ? 1 : isNcDebit(e) ? -1 : 0;
    const entry = owed.get(e.nitetapId) ?? { balanceNc: 0, xp: 0 };
    owed.set(e.nitetapId, {
      balanceNc: entry.balanceNc + sign * e.amountNc,
      xp: entry.xp + xpGranted,
    });
  }
  for (const [tag, wallet] of server.wallets) {
    expect({ balanceNc: wallet.balanceNc, xp: wallet.xp }).toEqual(
      owed.get(tag) ?? { balanceNc: 0, xp: 0 },
    );
  }
}

// ----------------------------------------------------------- the generators

const POLICY: Policy = { offlineCapNc: 10_000, unknownWalletCapNc: 3_000, overdraftLimitNc: 0 };

const policyArb = fc.record({
  offlineCapNc: fc.integer({ min: 0, max: 30_000 }),
  unknownWalletCapNc: fc.integer({ min: 0, max: 5_000 }),
  overdraftLimitNc: fc.integer({ min: 0, max: 5_000 }),
});

const lineArb: fc.Arbitrary<OpLine> = fc.record({
  itemId: fc.constantFrom('beer-05', 'wine-01', 'water'),
  qty: fc.integer({ min: 1, max: 3 }),
  unitNc: fc.integer({ min: 0, max: 3_000 }),
  unitChf: fc.integer({ min: 0, max: 3_000 }),
});
const linesArb = fc.array(lineArb, { minLength: 1, maxLength: 3 });
const amountArb = fc.integer({ min: 1, max: 20_000 });

/** An op a till makes, before it is stamped with id, seq and prev. */
type OpCommand =
  | { kind: 'topup'; wallet: number; amountNc: number; tender: 'cash' | 'card' }
  | { kind: 'ncSale'; wallet: number; lines: OpLine[] }
  | { kind: 'cashSale'; wallet: number | null; lines: OpLine[]; tender: 'cash' | 'card' }
  | { kind: 'cashout'; wallet: number; amountNc: number }
  | { kind: 'void'; pick: number; mismatch: boolean; missing: boolean; foreign: boolean };

/** What an admin does between pushes. */
type AdminCommand =
  | { kind: 'resolve'; pick: number; resolution: Resolution }
  | { kind: 'block'; wallet: number };

function opCommandArb(wallets: number): fc.Arbitrary<OpCommand> {
  const wallet = fc.nat({ max: wallets - 1 });
  return fc.oneof(
    {
      arbitrary: fc.record({
        kind: fc.constant('topup'),
        wallet,
        amountNc: amountArb,
        tender: fc.constantFrom('cash', 'card'),
      }),
      weight: 3,
    },
    { arbitrary: fc.record({ kind: fc.constant('ncSale'), wallet, lines: linesArb }), weight: 4 },
    {
      arbitrary: fc.record({
        kind: fc.constant('cashSale'),
        wallet: fc.option(wallet, { nil: null }),
        lines: linesArb,
        tender: fc.constantFrom('cash', 'card'),
      }),
      weight: 1,
    },
    {
      arbitrary: fc.record({ kind: fc.constant('cashout'), wallet, amountNc: amountArb }),
      weight: 1,
    },
    {
      arbitrary: fc.record({
        kind: fc.constant('void'),
        pick: fc.nat(),
        mismatch: fc.nat({ max: 3 }).map((n) => n === 0),
        missing: fc.nat({ max: 4 }).map((n) => n === 0),
        foreign: fc.boolean(),
      }),
      weight: 2,
    },
  ) as fc.Arbitrary<OpCommand>;
}

const adminCommandArb: fc.Arbitrary<AdminCommand> = fc.oneof(
  {
    arbitrary: fc.record({
      kind: fc.constant('resolve' as const),
      pick: fc.nat(),
      resolution: fc.constantFrom<Resolution>('accept', 'write_off', 'reject'),
    }),
    weight: 4,
  },
  {
    arbitrary: fc.record({ kind: fc.constant('block' as const), wallet: fc.nat({ max: 2 }) }),
    weight: 1,
  },
);

/** 8 hex digits, distinct per (till, wallet). */
const tagOf = (till: number, wallet: number) => `a${till}00000${wallet}`;
/** 8 hex digits per wallet, the same at every till: guests walk from bar to bar. */
const sharedTag = (_till: number, wallet: number) => `a000000${wallet}`;

/**
 * Turns one till's commands into its signed-order log of valid envelopes.
 * Voids name one of this till's earlier sales, or when `foreign` one of
 * `otherSales` (another till's, which may reach the server after the void),
 * or when `missing` a sale the server never sees.
 */
function tillEnvelopes(
  till: number,
  commands: readonly OpCommand[],
  tag: (till: number, wallet: number) => string = tagOf,
  otherSales: readonly Envelope[] = [],
): Envelope[] {
  const stamp = tillLog(till);
  const log: Envelope[] = [];
  const sales: Envelope[] = [];
  for (const [n, command] of commands.entries()) {
    const basis = { balanceNc: null, asOf: null, pendingNc: 0 };
    let draft: Envelope;
    switch (command.kind) {
      case 'topup':
        draft = topup({
          nitetapId: tag(till, command.wallet),
          amountNc: command.amountNc,
          tender: command.tender,
        });
        break;
      case 'ncSale':
        draft = ncSale({ nitetapId: tag(till, command.wallet), lines: command.lines, basis });
        break;
      case 'cashSale':
        draft = cashSale({
          nitetapId: command.wallet === null ? null : tag(till, command.wallet),
          lines: command.lines,
          tender: command.tender,
        });
        break;
      case 'cashout':
        draft = cashout({ nitetapId: tag(till, command.wallet), amountNc: command.amountNc });
        break;
      case 'void': {
        const pool = command.foreign && otherSales.length > 0 ? otherSales : sales;
        const target =
          command.missing || pool.length === 0 ? null : pool[command.pick % pool.length];
        const sale = target ?? ncSale({ id: uuidFor(90 + till, n), nitetapId: tag(till, 0) });
        const bump = command.mismatch ? 1 : 0;
        draft = voidOf(sale, {
          amountNc: sale.amountNc + (sale.tender === 'nc' ? bump : 0),
          amountChf: sale.amountChf + (sale.tender === 'nc' ? 0 : bump),
        });
        break;
      }
    }
    const envelope = stamp(draft);
    expect(validateEnvelope(envelope)).toEqual({ ok: true, envelope });
    if (envelope.op === 'sale') sales.push(envelope);
    log.push(envelope);
  }
  return log;
}

function runAdmin(server: Server, command: AdminCommand): void {
  if (command.kind === 'block') {
    const tag = tagOf(1, command.wallet);
    const wallet = server.wallets.get(tag);
    if (wallet !== undefined) server.wallets.set(tag, { ...wallet, blocked: true });
    return;
  }
  const held = [...server.ops.values()].filter((op) => op.status === 'held');
  const chosen = held[command.pick % Math.max(1, held.length)];
  if (chosen !== undefined) resolve(server, chosen.envelope.id, command.resolution);
}

// -------------------------------------------------------------- properties

describe('money is conserved', () => {
  test('accounts sum to 0 and each wallet holds exactly what stood against it, after any ops and resolutions', () => {
    const stepArb = fc.oneof(
      { arbitrary: opCommandArb(3).map((op) => ({ op })), weight: 3 },
      { arbitrary: adminCommandArb.map((admin) => ({ admin })), weight: 1 },
    );
    fc.assert(
      fc.property(
        policyArb,
        fc.array(stepArb, { minLength: 5, maxLength: 50 }),
        (policy, steps) => {
          const server = createServer(policy);
          const ops = tillEnvelopes(
            1,
            steps.flatMap((step) => ('op' in step ? [step.op] : [])),
          );
          let next = 0;
          for (const step of steps) {
            if ('op' in step) {
              const envelope = ops[next++];
              if (envelope === undefined) throw new Error('ran out of envelopes');
              push(server, envelope);
            } else {
              runAdmin(server, step.admin);
            }
            expectConservedAndConsistent(server);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  test('every effect of decideReplay and resolutionEffect balances, and moves the wallet by its wallet postings', () => {
    const walletArb = fc.option(
      fc.record({
        balanceNc: fc.integer({ min: -5_000, max: 50_000 }),
        xp: fc.nat({ max: 1_000 }),
        blocked: fc.boolean(),
      }),
      { nil: null },
    );
    fc.assert(
      fc.property(
        policyArb,
        opCommandArb(1),
        walletArb,
        fc.constantFrom<VoidTarget['status']>('applied', 'written_off', 'held'),
        fc.boolean(),
        fc.constantFrom<Resolution>('accept', 'write_off', 'reject'),
        (policy, command, wallet, targetStatus, targetVoided, resolution) => {
          const [e] = tillEnvelopes(1, [command]);
          if (e === undefined) throw new Error('no envelope');
          const voidTarget: VoidTarget | null =
            e.voids === null
              ? null
              : {
                  id: e.voids,
                  kind: 'sale',
                  venueId: e.venueId,
                  nitetapId: e.nitetapId,
                  tender: e.tender,
                  amountNc: e.amountNc,
                  amountChf: e.amountChf,
                  status: targetStatus,
                  voided: targetVoided,
                  xpGranted: targetStatus === 'applied' ? Math.floor(e.amountNc / 100) : 0,
                };
          const effects: Effect[] = [];
          const decision = decideReplay({
            envelope: e,
            policy,
            tillRevoked: false,
            chain: 'ok',
            wallet,
            voidTarget,
          });
          if (decision.status === 'applied') effects.push(decision.effect);
          const settled = resolutionEffect({
            resolution,
            envelope: e,
            walletExists: wallet !== null,
            voidTarget,
          });
          if (settled.ok) effects.push(settled.effect);
          for (const effect of effects) {
            expect(sumPostings(effect.postings)).toBe(0);
            const toWallet = effect.postings.filter((p) => p.account.kind === 'wallet');
            // Subtract rather than compare: a 0 NC op may carry a signed zero.
            expect(sumPostings(toWallet) - effect.walletDeltaNc).toBe(0);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

/**
 * A model of the server: `push` answers an id it has seen from its store,
 * as the server's op log does, so exactly-once itself is the server's to
 * prove (its database and crash tests). What this checks is ledger-core's
 * part: its decisions depend only on the order ops were first seen, so
 * retried prefixes, interleaved tills and voids arriving before their sale
 * never change a balance, an answer, or raise a chain hold.
 */
describe('replay with retries, on a model server that stores each id once', () => {
  const tillsArb = fc.array(fc.array(opCommandArb(3), { minLength: 1, maxLength: 12 }), {
    minLength: 1,
    maxLength: 3,
  });

  /** Each till's log; wallets are shared by all tills, and voids may name another till's sale. */
  function tillLogs(tills: readonly OpCommand[][]): Envelope[][] {
    const logs: Envelope[][] = [];
    for (const [i, commands] of tills.entries()) {
      const otherSales = logs.flat().filter((e) => e.op === 'sale');
      logs.push(tillEnvelopes(i + 1, commands, sharedTag, otherSales));
    }
    return logs;
  }

  // Runs where a void reached the server before the sale it names, over all runs:
  // the property says little of that path if no run ever takes it.
  let voidsBeforeTheirSale = 0;

  test('retries in any interleaving of tills give the answers and balances of one replay in the order first seen', () => {
    fc.assert(
      fc.property(
        policyArb,
        tillsArb,
        fc.array(fc.array(fc.nat(), { maxLength: 3 }), { minLength: 3, maxLength: 3 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 50 }),
        (policy, tills, retries, interleaving) => {
          const logs = tillLogs(tills);

          // Each till pushes prefixes of its log (requests that failed after
          // committing, then retried from the start), then the whole log,
          // then a prefix again; the server sees the tills' requests interleaved.
          const queues = logs.map((log, i) => {
            const prefixes = (retries[i] ?? []).map((k) => log.slice(0, k % (log.length + 1)));
            const [again = [], ...before] = prefixes;
            return [...before, log, again].flat();
          });
          const replayed = createServer(policy);
          const firstSeen = new Map<string, { envelope: Envelope; result: PushResult }>();
          for (let step = 0; queues.some((queue) => queue.length > 0); step++) {
            const open = queues.filter((queue) => queue.length > 0);
            const queue = open[(interleaving[step % interleaving.length] ?? 0) % open.length];
            const envelope = queue?.shift();
            if (envelope === undefined) throw new Error('empty queue');
            const result = push(replayed, envelope);
            const first = firstSeen.get(envelope.id);
            if (first === undefined) {
              expect(result.duplicate).toBe(false);
              firstSeen.set(envelope.id, { envelope, result });
            } else {
              expect(result).toEqual({ ...first.result, duplicate: true });
            }
          }

          // Every op once, in the order the server first saw it: the same state and answers.
          const once = createServer(policy);
          for (const { envelope, result } of firstSeen.values())
            expect(push(once, envelope)).toEqual(result);
          expect(stateOf(replayed)).toEqual(stateOf(once));
          expectConservedAndConsistent(replayed);

          // And the whole batch once more changes nothing.
          const before = stateOf(replayed);
          for (const log of [...logs].reverse())
            for (const envelope of log) push(replayed, envelope);
          expect(stateOf(replayed)).toEqual(before);

          const chainHolds = [...replayed.ops.values()].filter((op) =>
            op.result.reason?.startsWith('chain_'),
          );
          expect(chainHolds).toEqual([]);
          const order = [...firstSeen.keys()];
          voidsBeforeTheirSale += [...firstSeen.values()].filter(
            ({ envelope: e }) => e.voids !== null && order.indexOf(e.voids) > order.indexOf(e.id),
          ).length;
        },
      ),
      { numRuns: 200 },
    );
    expect(voidsBeforeTheirSale).toBeGreaterThan(0);
  });
});

describe('the till rule keeps the server rule', () => {
  type Attempt =
    | { kind: 'sale' | 'cashout'; amountNc: number; refresh: boolean }
    | { kind: 'topup'; amountNc: number; refresh: boolean };
  const attemptArb: fc.Arbitrary<Attempt> = fc.record({
    kind: fc.constantFrom('sale', 'sale', 'sale', 'cashout', 'topup'),
    amountNc: fc.integer({ min: 1, max: 6_000 }),
    refresh: fc.boolean(),
  });

  test('a till following tillAcceptsPayment on one wallet is never held by decideReplay', () => {
    // Payments the till accepted, over all runs: the property says nothing if none ever was.
    let acceptedInAll = 0;
    fc.assert(
      fc.property(
        policyArb,
        fc.integer({ min: 1, max: 50_000 }),
        fc.array(attemptArb, { maxLength: 30 }),
        (policy, initialNc, attempts) => {
          const server = createServer(policy);
          const stamp = tillLog(1);
          const tag = tagOf(1, 0);
          expect(push(server, stamp(topup({ nitetapId: tag, amountNc: initialNc }))).status).toBe(
            'applied',
          );

          // The till's snapshot arrives with the topup's push result.
          let snapshotNc = server.wallets.get(tag)?.balanceNc ?? null;
          let pendingNc = 0;
          let accepted = 0;
          for (const attempt of attempts) {
            if (attempt.refresh) {
              snapshotNc = server.wallets.get(tag)?.balanceNc ?? null;
              pendingNc = 0;
            }
            if (attempt.kind === 'topup') {
              expect(
                push(server, stamp(topup({ nitetapId: tag, amountNc: attempt.amountNc }))).status,
              ).toBe('applied');
              continue;
            }
            const verdict = tillAcceptsPayment({
              blocked: false,
              snapshotBalanceNc: snapshotNc,
              pendingNc,
              amountNc: attempt.amountNc,
              policy,
            });
            if (!verdict.ok) continue;
            const basis = { balanceNc: snapshotNc, asOf: AT, pendingNc };
            const draft =
              attempt.kind === 'sale'
                ? ncSale({
                    nitetapId: tag,
                    lines: [{ itemId: 'beer-05', qty: 1, unitNc: attempt.amountNc, unitChf: 0 }],
                    basis,
                  })
                : cashout({ nitetapId: tag, amountNc: attempt.amountNc, basis });
            const envelope = stamp(draft);
            expect(validateEnvelope(envelope).ok).toBe(true);
            expect(basisJustifies(envelope, policy)).toBe(true);
            expect(push(server, envelope)).toEqual({
              status: 'applied',
              reason: null,
              duplicate: false,
            });
            pendingNc += attempt.amountNc;
            accepted += 1;
            expect(server.wallets.get(tag)?.balanceNc).toBeGreaterThanOrEqual(0);
          }
          acceptedInAll += accepted;
          expectConservedAndConsistent(server);
        },
      ),
      { numRuns: 300 },
    );
    expect(acceptedInAll).toBeGreaterThan(300);
  });

  test('two offline tills that each follow the rule can overspend together: the server holds it', () => {
    const server = createServer(POLICY);
    const tag = tagOf(1, 0);
    const [tillA, tillB] = [tillLog(1), tillLog(2)];
    push(server, tillA(topup({ nitetapId: tag, amountNc: 1_000 })));
    const basis = { balanceNc: 1_000, asOf: AT, pendingNc: 0 };
    const line = [{ itemId: 'beer-05', qty: 1, unitNc: 800, unitChf: 0 }];
    const a = tillA(ncSale({ nitetapId: tag, lines: line, basis }));
    const b = tillB(ncSale({ nitetapId: tag, lines: line, basis }));
    expect([basisJustifies(a, POLICY), basisJustifies(b, POLICY)]).toEqual([true, true]);
    expect(push(server, a).status).toBe('applied');
    expect(push(server, b)).toEqual({
      status: 'held',
      reason: 'insufficient_funds',
      duplicate: false,
    });
    expect(server.wallets.get(tag)?.balanceNc).toBe(200);
    expect(server.accounts.get(accountId({ kind: 'venue_revenue', venueId: VENUE_ID }))).toBe(800);
  });
});
