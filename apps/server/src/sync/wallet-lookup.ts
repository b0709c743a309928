import { tills } from '@niteos/schema/tables';
import type { WalletSnapshot } from '@niteos/schema/wire';
import { eq, sql } from 'drizzle-orm';
import type { AuthedTill } from '../context.ts';
import type { Db } from '../db/database.ts';
import { conflict, forbidden, notFound } from '../errors.ts';
import { readWallet, tagParam } from '../wallets/service.ts';

/**
 * One wallet's snapshot, for an online till that has none (a guest not
 * seen at its venue lately): without it the till applies the unknown-wallet
 * cap, which the contract means to bite offline only (§6). A blocked
 * wallet is 409, so the till refuses it before its next pull says so; a
 * revoked till learns no balance, as from its pulls.
 */
export async function lookupWallet(
  db: Db,
  till: AuthedTill,
  rawTag: string,
): Promise<WalletSnapshot> {
  const tag = tagParam(rawTag);
  const [self] = await db
    .select({ status: tills.status, now: sql<string>`now()::text` })
    .from(tills)
    .where(eq(tills.id, till.id));
  if (self?.status !== 'active') throw forbidden('this till has been revoked: ask an admin');
  const row = await readWallet(db, tag);
  if (!row) throw notFound('wallet');
  if (row.status === 'blocked') throw conflict('this wristband is blocked');
  return {
    nitetapId: tag,
    balanceNc: row.balanceNc,
    xp: row.xp,
    level: row.level,
    // The database's clock, as a pull's snapshots.
    asOf: new Date(self.now).toISOString(),
  };
}
