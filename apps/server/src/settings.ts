import { randomBytes } from 'node:crypto';
import { serverSettings } from '@niteos/schema/tables';
import { eq } from 'drizzle-orm';
import type { Db } from './db/database.ts';

/**
 * The JWT signing secret when none is configured: made once and kept in
 * the database, so every server process on it signs and checks alike.
 */
export async function ensureJwtSecret(db: Db): Promise<string> {
  await db
    .insert(serverSettings)
    .values({ key: 'jwt_secret', value: randomBytes(48).toString('base64url') })
    .onConflictDoNothing();
  const [row] = await db.select().from(serverSettings).where(eq(serverSettings.key, 'jwt_secret'));
  if (!row) throw new Error('jwt secret missing right after it was stored');
  return row.value;
}
