import { randomUUID } from 'node:crypto';
import { advanceChain, GENESIS, nextLink, signEnvelope, toBase64Url } from '@niteos/ledger-core';
import { marketItems, tills, users, venues } from '@niteos/schema/tables';
import { type Envelope, Role } from '@niteos/schema/wire';
import { eq, sql } from 'drizzle-orm';
import { hashSecret } from '../auth/passwords.ts';
import { hashToken, newOpaqueToken } from '../auth/tokens.ts';
import { nodeEd25519KeyPair, nodeEd25519Sign } from '../crypto/node-ed25519.ts';
import type { Db, Tx } from '../db/database.ts';
import { prepareInThread } from '../sync/prepare-pool.ts';
import { pushOps } from '../sync/push-service.ts';
import { createVenue } from '../venues/service.ts';

export interface DemoLogins {
  venueId: string;
  logins: { role: string; email: string; password: string }[];
  staffPin: string;
  wallets: { nitetapId: string; balanceNc: number }[];
}

const DEMO_ITEMS = [
  { name: 'Lager 0.33', category: 'Beer', priceChf: 700 },
  { name: 'IPA 0.33', category: 'Beer', priceChf: 850 },
  { name: 'Gin Tonic', category: 'Cocktails', priceChf: 1600 },
  { name: 'Negroni', category: 'Cocktails', priceChf: 1700 },
  { name: 'Tequila shot', category: 'Shots', priceChf: 600 },
  { name: 'Still water', category: 'Soft', priceChf: 400 },
  { name: 'Cola', category: 'Soft', priceChf: 500 },
  { name: 'Club Mate', category: 'Soft', priceChf: 600 },
];

const DEMO_WALLETS = [
  { nitetapId: '04a1b2c3d4e5f6', balanceNc: 10_000 },
  { nitetapId: '04b2c3d4e5f6a7', balanceNc: 5_000 },
  { nitetapId: '04c3d4e5f6a7b8', balanceNc: 2_500 },
];

/**
 * Seeds a demo venue when the database has none: market items, a venue
 * admin, a staff member with a PIN, and wallets funded by real signed
 * topups pushed through the normal replay path (so the ledger balances).
 * Returns null when there was something already.
 *
 * One transaction: a first start stopped mid-seed (Ctrl-C, a crash) used
 * to leave a venue without logins, and every later start, finding a venue,
 * seeded nothing and printed none. Servers starting together on an empty
 * database take turns on a lock, so one seeds and the others find it.
 */
export function seedDemo(db: Db): Promise<DemoLogins | null> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${SEED_LOCK})`);
    const existing = await tx.select({ id: venues.id }).from(venues).limit(1);
    return existing.length > 0 ? null : seedVenue(tx);
  });
}

/** Beside the migrations lock (7314205, db/database.ts). */
const SEED_LOCK = 7314206;

async function seedVenue(db: Tx): Promise<DemoLogins> {
  const venue = await createVenue(
    db,
    { name: 'Demo Club', slug: 'demo-club', city: 'Zürich' },
    null,
    null,
  );
  await db.insert(marketItems).values(
    DEMO_ITEMS.map((item, sort) => ({
      id: randomUUID(),
      venueId: venue.id,
      name: item.name,
      category: item.category,
      priceChf: item.priceChf,
      priceNc: item.priceChf,
      sort,
    })),
  );
  const logins = [
    { role: Role.venueAdmin, email: 'manager@demo.niteos.app', password: 'demo-manager' },
    { role: Role.staff, email: 'bar@demo.niteos.app', password: 'demo-bar' },
  ];
  const staffPin = '1234';
  for (const login of logins) {
    await db.insert(users).values({
      id: randomUUID(),
      email: login.email,
      passwordHash: await hashSecret(login.password),
      role: login.role,
      venueId: venue.id,
      displayName: login.role === Role.staff ? 'Demo bartender' : 'Demo manager',
      pinHash: login.role === Role.staff ? await hashSecret(staffPin) : null,
    });
  }

  // Fund the demo wallets the way a till would: signed topups, replayed.
  const keys = nodeEd25519KeyPair();
  const tillId = randomUUID();
  await db.insert(tills).values({
    id: tillId,
    venueId: venue.id,
    name: 'Demo seeding till',
    publicKey: toBase64Url(keys.publicKey),
    deviceTokenHash: hashToken(newOpaqueToken()),
  });
  let chain = GENESIS;
  const signed = [];
  for (const wallet of DEMO_WALLETS) {
    const link = nextLink(chain);
    const envelope: Envelope = {
      v: 1,
      op: 'topup',
      id: randomUUID(),
      tillId,
      venueId: venue.id,
      staffId: 'demo-seed',
      seq: link.seq,
      prev: link.prev,
      at: new Date().toISOString(),
      nitetapId: wallet.nitetapId,
      tender: 'cash',
      amountNc: wallet.balanceNc,
      amountChf: wallet.balanceNc,
      lines: [],
      voids: null,
      basis: { balanceNc: null, asOf: null, pendingNc: 0 },
    };
    const op = await signEnvelope(envelope, keys.secretKey, nodeEd25519Sign);
    chain = advanceChain(link.seq, op.chainHash);
    signed.push({ envelope: op.envelope, sig: op.sig });
  }
  const till = { id: tillId, venueId: venue.id, publicKey: keys.publicKey };
  const pushed = await pushOps(db, prepareInThread, till, { tillId, ops: signed }, null);
  const failed = pushed.response.results.filter((r) => r.status !== 'applied');
  if (failed.length > 0)
    throw new Error(`demo seeding: topups not applied: ${JSON.stringify(failed)}`);
  // The seeding till's key is gone with this process: retire it.
  await db
    .update(tills)
    .set({ status: 'revoked', revokedAt: new Date() })
    .where(eq(tills.id, tillId));

  return { venueId: venue.id, logins, staffPin, wallets: DEMO_WALLETS };
}
