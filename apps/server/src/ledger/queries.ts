import {
  accountId,
  type Effect,
  levelForXp,
  type Posting,
  redirectEffect,
  type VoidTarget,
} from '@niteos/ledger-core';
import { accounts, ledgerLines, ops, walletMoves, wallets } from '@niteos/schema/tables';
import { asc, eq, sql } from 'drizzle-orm';
import { anyOf } from '../db/any-of.ts';
import { bulkInsert, recordset } from '../db/bulk.ts';
import { type Db, rowsOf, type Tx } from '../db/database.ts';

/**
 * Ledger reads and writes shared by push replay and conflict resolution.
 * Lock order, everywhere: the till (advisory), then wallets sorted by
 * NiteTap id, then the sales voids name sorted by op id, then venue
 * accounts sorted by id. Keeping one order is what makes concurrent pushes
 * deadlock-free.
 */

/** A locked wallet as the rules see it, plus whether it exists yet. */
export interface LockedWallet {
  balanceNc: number;
  xp: number;
  blocked: boolean;
}

/** The state of the existing wallets of `tags`, sorted, unsent and unlocked. */
export function walletReadStatement(tx: Tx, tags: string[]) {
  return tx
    .select({
      nitetapId: wallets.nitetapId,
      status: wallets.status,
      xp: wallets.xp,
      balanceNc: accounts.balanceNc,
    })
    .from(wallets)
    .innerJoin(accounts, eq(accounts.id, wallets.accountId))
    .where(anyOf(wallets.nitetapId, [...new Set(tags)], 'text'))
    .orderBy(asc(wallets.nitetapId));
}

/**
 * The statement that locks the existing wallets of `tags` (sorted, FOR
 * UPDATE), unsent: drizzle sends it when it is awaited, so a caller can
 * pipeline it after other statements. Its rows go through `lockedWalletsOf`.
 */
export function walletLockStatement(tx: Tx, tags: string[]) {
  // Lock the account rows too: after waiting for a lock, PostgreSQL
  // re-reads only the rows it locks, so a balance read through an unlocked
  // join would be the stale one from before the wait.
  return walletReadStatement(tx, tags).for('update', { of: [wallets, accounts] });
}

export function lockedWalletsOf(
  rows: Awaited<ReturnType<typeof walletReadStatement>>,
): Map<string, LockedWallet> {
  return new Map(
    rows.map((row) => [
      row.nitetapId,
      { balanceNc: row.balanceNc, xp: row.xp, blocked: row.status === 'blocked' },
    ]),
  );
}

/** Locks the existing wallets of `tags` (sorted, FOR UPDATE) and returns their state. */
export async function lockWallets(tx: Tx, tags: string[]): Promise<Map<string, LockedWallet>> {
  if (tags.length === 0) return new Map();
  return lockedWalletsOf(await walletLockStatement(tx, tags));
}

/** How many replacements in a row `successorsOf` follows: far more than any guest loses. */
const MAX_REPLACEMENTS = 16;

/**
 * For each of `tags` that was replaced (a lost wristband, admin/wallets.ts),
 * the tag its NC lives on now: the last replacement's, followed through
 * any later replacement of that one. Tags never replaced are absent.
 */
export async function successorsOf(tx: Db | Tx, tags: string[]): Promise<Map<string, string>> {
  if (tags.length === 0) return new Map();
  const result = await tx.execute(sql`
    with recursive chain (tag, next, depth) as (
      (select distinct on (from_tag) from_tag, to_tag, 1
      from wallet_moves
      where ${anyOf(walletMoves.fromTag, [...new Set(tags)], 'text')}
      order by from_tag, created_at desc, id desc)
      union all
      select chain.tag, later.to_tag, chain.depth + 1
      from chain
      cross join lateral (
        select to_tag from wallet_moves
        where from_tag = chain.next
        order by created_at desc, id desc
        limit 1
      ) later
      where chain.depth < ${MAX_REPLACEMENTS}
    )
    select distinct on (tag) tag, next from chain order by tag, depth desc`);
  return new Map(rowsOf<{ tag: string; next: string }>(result).map((r) => [r.tag, r.next]));
}

/**
 * Throws `RetryTransaction` when a wallet of `locked` was replaced since
 * `known` was read, before its lock was taken: what an op does to it then
 * belongs on a replacement this transaction has not locked. Only blocked
 * wallets can have been replaced, so most callers pay nothing.
 */
export async function assertSuccessorsUnchanged(
  tx: Tx,
  locked: Map<string, LockedWallet>,
  known: Map<string, string>,
): Promise<void> {
  const blocked = [...locked].filter(([, w]) => w.blocked).map(([tag]) => tag);
  if (blocked.length === 0) return;
  const now = await successorsOf(tx, blocked);
  if (blocked.some((tag) => now.get(tag) !== known.get(tag)))
    throw new RetryTransaction('a wallet was replaced while this transaction waited for it');
}

/**
 * Where an op's effect lands: on its own `tag`, or, when that tag was
 * replaced (`successor`) and the effect moves NC or XP, on the replacement
 * (`redirectEffect`), with the wallet-move row that lets the guest's
 * activity show the op on the old tag and the move on both, so each tag's
 * lines still add up to its balance.
 */
export function landing(
  op: { id: string; venueId: string },
  tag: string | null,
  successor: string | undefined,
  effect: Effect,
): { tag: string | null; effect: Effect; move: typeof walletMoves.$inferInsert | null } {
  if (!tag || !successor || (effect.walletDeltaNc === 0 && effect.xpDelta === 0))
    return { tag, effect, move: null };
  const moved = redirectEffect(effect, tag, successor);
  return {
    tag: successor,
    effect: moved,
    move: {
      id: `redirect:${op.id}`,
      fromTag: tag,
      toTag: successor,
      venueId: op.venueId,
      movedNc: moved.walletDeltaNc,
      movedXp: moved.xpDelta,
    },
  };
}

/** Thrown when a wallet we meant to create appeared concurrently: the transaction retries. */
export class RetryTransaction extends Error {}

/**
 * Creates wallets first used by this transaction. If another transaction
 * created one meanwhile, our picture of it is stale: retry from the top.
 */
export async function createWallets(tx: Tx, tags: string[]): Promise<void> {
  if (tags.length === 0) return;
  const sorted = [...tags].sort();
  await tx
    .insert(accounts)
    .values(
      sorted.map((tag) => ({ id: accountId({ kind: 'wallet', nitetapId: tag }), kind: 'wallet' })),
    )
    .onConflictDoNothing();
  const created = await tx
    .insert(wallets)
    .values(
      sorted.map((tag) => ({
        nitetapId: tag,
        accountId: accountId({ kind: 'wallet', nitetapId: tag }),
      })),
    )
    .onConflictDoNothing()
    .returning({ nitetapId: wallets.nitetapId });
  if (created.length !== sorted.length) throw new RetryTransaction('wallet created concurrently');
}

/**
 * Records that `venueId` used the wallet now: what lets that venue's admins
 * and staff look it up (pushes record their wallets in bulk, push-write.ts).
 */
export async function recordWalletUse(tx: Tx, tag: string, venueId: string): Promise<void> {
  await tx.execute(sql`
    insert into wallet_venues (nitetap_id, venue_id, last_seen_at) values (${tag}, ${venueId}, now())
    on conflict (nitetap_id, venue_id) do update set last_seen_at = now()`);
}

/**
 * The statement that writes new wallet balances, XP and levels (the caller
 * holds the wallets' locks). Returned unawaited: a caller may
 * send them together with others (postgres.js pipelines them on the
 * transaction's connection, in the order they were issued).
 */
export function walletUpdateStatements(
  tx: Tx,
  changed: Map<string, LockedWallet>,
): PromiseLike<unknown>[] {
  if (changed.size === 0) return [];
  const rows = [...changed.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([tag, w]) => ({
      account_id: accountId({ kind: 'wallet', nitetapId: tag }),
      nitetap_id: tag,
      balance: w.balanceNc,
      xp: w.xp,
      level: levelForXp(w.xp),
    }));
  const source = recordset(
    rows,
    'account_id text, nitetap_id text, balance bigint, xp bigint, level int',
  );
  // One statement for both tables: the rows are parsed once and the pipeline
  // under the wallet locks is one statement shorter. The change is dated now,
  // under the locks, not at the transaction's start (`now()`): a push held up
  // for longer than the pull cursor's overlap would otherwise date its
  // balances before cursors other tills have already passed.
  return [
    tx.execute(sql`
      with x as (select * from ${source}),
      balances as (
        update accounts set balance_nc = x.balance from x where accounts.id = x.account_id
      )
      update wallets set xp = x.xp, level = x.level, updated_at = clock_timestamp()
      from x where wallets.nitetap_id = x.nitetap_id`),
  ];
}

export async function updateWallets(tx: Tx, changed: Map<string, LockedWallet>): Promise<void> {
  await Promise.all(walletUpdateStatements(tx, changed));
}

type Line = { opId: string; conflictId: string | null; posting: Posting };

/** The ledger lines of `lines` as one insert (unawaited). */
export function ledgerLineStatement(tx: Tx, lines: Line[]): PromiseLike<unknown> {
  return bulkInsert(
    tx,
    ledgerLines,
    lines.map((l) => ({
      opId: l.opId,
      conflictId: l.conflictId,
      accountId: accountId(l.posting.account),
      amountNc: l.posting.amountNc,
    })),
  );
}

/**
 * Moves the venue accounts' balances (wallets are written by
 * `walletUpdateStatements`). The rows are locked first in id order, so two
 * transactions touching the same venue accounts never deadlock; callers
 * issue this last, so the hot venue rows are held only until COMMIT.
 */
export function venueAccountStatement(tx: Tx, lines: Line[]): PromiseLike<unknown> | null {
  const deltas = new Map<string, number>();
  for (const { posting } of lines) {
    if (posting.account.kind === 'wallet') continue;
    const id = accountId(posting.account);
    deltas.set(id, (deltas.get(id) ?? 0) + posting.amountNc);
  }
  const rows = [...deltas.entries()]
    .filter(([, d]) => d !== 0)
    .map(([id, delta]) => ({ id, delta }));
  if (rows.length === 0) return null;
  const source = () => recordset(rows, 'id text, delta bigint');
  return tx.execute(sql`
    with locked as (
      select id from accounts where id in (select x.id from ${source()}) order by id for update
    )
    update accounts set balance_nc = accounts.balance_nc + x.delta
    from ${source()} where accounts.id = x.id and accounts.id in (select id from locked)`);
}

/** Writes postings: their ledger lines, then the venue accounts. */
export async function writePostings(tx: Tx, lines: Line[]): Promise<void> {
  if (lines.length === 0) return;
  await ledgerLineStatement(tx, lines);
  await venueAccountStatement(tx, lines);
}

function voidTargetQuery(tx: Tx, ids: string[]) {
  return tx
    .select({
      id: ops.id,
      kind: ops.kind,
      venueId: ops.venueId,
      nitetapId: ops.nitetapId,
      tender: ops.tender,
      amountNc: ops.amountNc,
      amountChf: ops.amountChf,
      standing: ops.standing,
      voidedBy: ops.voidedBy,
      xpGranted: ops.xpGranted,
    })
    .from(ops)
    .where(anyOf(ops.id, [...new Set(ids)], 'text'));
}

/** Reads a map of void targets from their rows. */
export const voidTargetsOf = (rows: Parameters<typeof voidTargetOf>[0][]) =>
  new Map(rows.map((row) => [row.id, voidTargetOf(row)]));

/** The sales that voids name, as the rules need them. */
export async function loadVoidTargets(tx: Tx, ids: string[]): Promise<Map<string, VoidTarget>> {
  return ids.length === 0 ? new Map() : voidTargetsOf(await voidTargetQuery(tx, ids));
}

/**
 * The same, locked (FOR UPDATE) and so read as last committed; unsent
 * until awaited, like `walletLockStatement`. A void decided on a sale read
 * before another transaction voided or settled it would refund the guest
 * twice, or refund a sale an admin had just accepted without a refund.
 */
export function voidTargetLockStatement(tx: Tx, ids: string[]) {
  return voidTargetQuery(tx, ids).orderBy(asc(ops.id)).for('update');
}

export function voidTargetOf(row: {
  id: string;
  kind: string;
  venueId: string;
  nitetapId: string | null;
  tender: string;
  amountNc: number;
  amountChf: number;
  standing: string;
  voidedBy: string | null;
  xpGranted: number;
}): VoidTarget {
  return {
    id: row.id,
    kind: row.kind as VoidTarget['kind'],
    venueId: row.venueId,
    nitetapId: row.nitetapId,
    tender: row.tender as VoidTarget['tender'],
    amountNc: row.amountNc,
    amountChf: row.amountChf,
    status: row.standing === 'applied' || row.standing === 'written_off' ? row.standing : 'held',
    voided: row.voidedBy !== null,
    xpGranted: row.xpGranted,
  };
}

/**
 * Statements that mark sales voided; a voided sale that was still held
 * closes its conflict, settled by `resolvedBy` when an admin's decision on
 * the void did it (the second statement returns the conflicts it closed).
 */
export function markVoidedStatements(
  tx: Tx,
  voids: { targetId: string; voidId: string }[],
  resolvedBy: string | null = null,
): PromiseLike<unknown>[] {
  if (voids.length === 0) return [];
  const source = () =>
    recordset(
      voids.map((v) => ({ target_id: v.targetId, void_id: v.voidId })),
      'target_id text, void_id text',
    );
  return [
    tx.execute(
      sql`update ops set voided_by = x.void_id from ${source()} where ops.id = x.target_id`,
    ),
    tx.execute(sql`
      update conflicts set status = 'resolved', resolution = 'reject',
        note = 'voided at the till by op ' || x.void_id, resolved_at = now(),
        resolved_by = ${resolvedBy}
      from ${source()} where conflicts.op_id = x.target_id and conflicts.status = 'open'
      returning conflicts.id`),
    tx.execute(sql`
      update ops set standing = 'rejected' from ${source()}
      where ops.id = x.target_id and ops.standing = 'held'`),
  ];
}

/** Marks one sale voided by an admin's decision on its void; returns the sale's conflict if that closed it. */
export async function markVoidedByAdmin(
  tx: Tx,
  target: { targetId: string; voidId: string },
  adminId: string,
): Promise<string | null> {
  const [, closed] = await Promise.all(markVoidedStatements(tx, [target], adminId));
  return rowsOf<{ id: string }>(closed)[0]?.id ?? null;
}
