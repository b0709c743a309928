import { sql } from 'drizzle-orm';
import type { Db } from '../db/database.ts';

/**
 * Records the wristband moves of replacements that wrote no `wallet_moves`
 * row, from their audit rows: those made before migration 0006, and those
 * a process of the previous release made while a rolling deploy replaced
 * it. Runs at every start, so the last process of a deploy to restart
 * picks up what the old ones did. A move and its audit row are written in
 * one transaction and so share their time, which tells a recorded move
 * apart; two processes starting at once insert the same ids, and one
 * leaves them.
 */
export async function recoverWalletMoves(db: Db): Promise<void> {
  await db.execute(sql`
    insert into wallet_moves (id, from_tag, to_tag, venue_id, moved_nc, moved_xp, created_at)
    select 'audit:' || a.id, a.after->>'from', a.after->>'to', a.venue_id,
           (a.after->>'movedNc')::bigint, (a.after->>'movedXp')::bigint, a.created_at
    from audit_log a
    join wallets f on f.nitetap_id = a.after->>'from'
    join wallets t on t.nitetap_id = a.after->>'to'
    join venues v on v.id = a.venue_id
    where a.action = 'wallet.replace'
      and jsonb_typeof(a.after->'movedNc') = 'number'
      and jsonb_typeof(a.after->'movedXp') = 'number'
      and not exists (
        select 1 from wallet_moves m
        where m.from_tag = a.after->>'from' and m.to_tag = a.after->>'to'
          and m.created_at = a.created_at
      )
    on conflict (id) do nothing`);
}
