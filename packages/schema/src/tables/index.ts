/**
 * Server-only drizzle tables. Never import this entry point from a PWA:
 * it would drag database code into a browser bundle.
 */

import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';

const money = (name: string) => bigint(name, { mode: 'number' });
const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const tstz = (name: string) => timestamp(name, { withTimezone: true });

/** A venue and its offline policy (sync protocol §6 numbers). */
export const venues = pgTable('venues', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  slug: text('slug').notNull().unique(),
  city: text('city').notNull(),
  status: text('status').notNull().default('active'),
  radioUrl: text('radio_url'),
  offlineCapNc: money('offline_cap_nc').notNull(),
  unknownWalletCapNc: money('unknown_wallet_cap_nc').notNull(),
  overdraftLimitNc: money('overdraft_limit_nc').notNull(),
  /**
   * Policies replaced lately, each with when (ISO): a till still judging by
   * one until it pulls is not flagged for it (POLICY_CHANGE_GRACE_DAYS).
   */
  previousPolicies: jsonb('previous_policies')
    .$type<
      {
        policy: { offlineCapNc: number; unknownWalletCapNc: number; overdraftLimitNc: number };
        replacedAt: string;
      }[]
    >()
    .notNull()
    .default([]),
  createdAt: createdAt(),
});

/**
 * People who sign in: guests, staff and admins. Emails are stored lower-cased,
 * so the plain unique index both finds a sign-in in any case and keeps two
 * accounts from differing only in case.
 */
export const users = pgTable(
  'users',
  {
    id: text('id').primaryKey(),
    email: text('email').notNull().unique(),
    passwordHash: text('password_hash').notNull(),
    role: text('role').notNull(),
    venueId: text('venue_id').references(() => venues.id),
    displayName: text('display_name').notNull().default(''),
    pinHash: text('pin_hash'),
    /** Set when an admin disables the account: it can no longer sign in anywhere. */
    disabledAt: tstz('disabled_at'),
    createdAt: createdAt(),
  },
  (t) => [check('users_email_lower_case', sql`${t.email} = lower(${t.email})`)],
);

/** Refresh tokens, stored as SHA-256 hashes; a family shares one login. */
export const refreshTokens = pgTable('refresh_tokens', {
  tokenHash: text('token_hash').primaryKey(),
  userId: text('user_id')
    .notNull()
    .references(() => users.id),
  familyId: text('family_id').notNull(),
  expiresAt: tstz('expires_at').notNull(),
  usedAt: tstz('used_at'),
  /** The hash of the session-device cookie of the browser that spent it (auth/session-device.ts). */
  spentBy: text('spent_by'),
  revokedAt: tstz('revoked_at'),
  createdAt: createdAt(),
});

/**
 * Every NC account: guest wallets and each venue's revenue, issuance and
 * write-off accounts. `balance_nc` is the running sum of its ledger lines.
 */
export const accounts = pgTable('accounts', {
  id: text('id').primaryKey(),
  kind: text('kind').notNull(),
  venueId: text('venue_id').references(() => venues.id),
  balanceNc: money('balance_nc').notNull().default(0),
});

/** A guest wallet, keyed by its NiteTap UID (lower-case hex). */
export const wallets = pgTable('wallets', {
  nitetapId: text('nitetap_id').primaryKey(),
  accountId: text('account_id')
    .notNull()
    .unique()
    .references(() => accounts.id),
  status: text('status').notNull().default('active'),
  xp: bigint('xp', { mode: 'number' }).notNull().default(0),
  level: integer('level').notNull().default(1),
  guestUserId: text('guest_user_id').references(() => users.id),
  createdAt: createdAt(),
  updatedAt: tstz('updated_at').notNull().defaultNow(),
});

/** Where a wallet was used, and when last: drives pull snapshots and access. */
export const walletVenues = pgTable(
  'wallet_venues',
  {
    nitetapId: text('nitetap_id')
      .notNull()
      .references(() => wallets.nitetapId),
    venueId: text('venue_id')
      .notNull()
      .references(() => venues.id),
    lastSeenAt: tstz('last_seen_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.nitetapId, t.venueId] }),
    index('wallet_venues_venue_seen').on(t.venueId, t.lastSeenAt),
  ],
);

/** An enrolled till: its Ed25519 public key and device-token hash. */
export const tills = pgTable('tills', {
  id: text('id').primaryKey(),
  venueId: text('venue_id')
    .notNull()
    .references(() => venues.id),
  name: text('name').notNull(),
  // Unique: a key names one till, or a signed op could be credited to either.
  publicKey: text('public_key').notNull().unique(),
  deviceTokenHash: text('device_token_hash').notNull().unique(),
  status: text('status').notNull().default('active'),
  lastSeenAt: tstz('last_seen_at'),
  lastSeq: bigint('last_seq', { mode: 'number' }).notNull().default(0),
  flaggedAt: tstz('flagged_at'),
  flagReason: text('flag_reason'),
  revokedAt: tstz('revoked_at'),
  createdAt: createdAt(),
});

/**
 * The op log: every op the server accepted responsibility for (applied,
 * held, or rejected after its id was known), with the SHA-256 of its
 * canonical envelope and the result a duplicate gets back.
 */
export const ops = pgTable(
  'ops',
  {
    id: text('id').primaryKey(),
    // No foreign keys on the hot append-only tables (ops, till_chain,
    // ledger_lines): their per-row checks cost more than the inserts
    // themselves in a push. The push path only writes ids it has just read
    // (the authenticated till, its venue, accounts it locked or created),
    // and ledger:verify catches a line whose account does not balance.
    tillId: text('till_id').notNull(),
    venueId: text('venue_id').notNull(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    kind: text('kind').notNull(),
    tender: text('tender').notNull(),
    nitetapId: text('nitetap_id'),
    staffId: text('staff_id').notNull(),
    amountNc: money('amount_nc').notNull(),
    amountChf: money('amount_chf').notNull(),
    voids: text('voids'),
    canonHash: text('canon_hash').notNull(),
    /**
     * The envelope exactly as the till signed it: its RFC 8785 canonical
     * JSON without the signing prefix, so the row alone proves the op
     * (`canon_hash` is its SHA-256, `sig` verifies it). Text, not jsonb:
     * PostgreSQL parsing each envelope into jsonb was the largest single
     * cost of a push's writes. Null only on rows from before migration 0005.
     */
    signed: text('signed'),
    /** Rows from before migration 0005: the envelope as jsonb, `nitetapId` lower-cased. */
    envelope: jsonb('envelope'),
    sig: text('sig').notNull(),
    /** The result the till got (a duplicate gets it again); never changes. */
    status: text('status').notNull(),
    reason: text('reason'),
    /**
     * Where the op stands now: as pushed, or as an admin settled it
     * (`applied`, `held`, `written_off`, `rejected`).
     */
    standing: text('standing').notNull(),
    /** NC actually moved from/to the wallet when applied (0 when not). */
    appliedNc: money('applied_nc').notNull().default(0),
    xpGranted: bigint('xp_granted', { mode: 'number' }).notNull().default(0),
    resultBalanceNc: money('result_balance_nc'),
    resultXp: bigint('result_xp', { mode: 'number' }),
    resultLevel: integer('result_level'),
    voidedBy: text('voided_by'),
    tillAt: text('till_at').notNull(),
    receivedAt: createdAt(),
  },
  // No (till_id, seq) index: till_chain's key answers every lookup by
  // till and seq, and each index here is written once per op in a push.
  (t) => [
    index('ops_venue_received').on(t.venueId, t.receivedAt),
    index('ops_nitetap').on(t.nitetapId),
  ],
);

/** Each till's hash chain: which op holds each `seq`, and its signature hash. */
export const tillChain = pgTable(
  'till_chain',
  {
    tillId: text('till_id').notNull(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    opId: text('op_id').notNull(),
    sigHash: text('sig_hash').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tillId, t.seq] })],
);

/** Ops that arrived while their predecessor's `seq` was still unknown. */
export const seqGaps = pgTable(
  'seq_gaps',
  {
    tillId: text('till_id')
      .notNull()
      .references(() => tills.id),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    createdAt: createdAt(),
    closedAt: tstz('closed_at'),
  },
  (t) => [primaryKey({ columns: [t.tillId, t.seq] })],
);

/** A held op waiting for an admin, and how it was settled. */
export const conflicts = pgTable(
  'conflicts',
  {
    id: text('id').primaryKey(),
    opId: text('op_id')
      .notNull()
      .unique()
      .references(() => ops.id),
    venueId: text('venue_id')
      .notNull()
      .references(() => venues.id),
    tillId: text('till_id').notNull(),
    reason: text('reason').notNull(),
    amountNc: money('amount_nc').notNull(),
    nitetapId: text('nitetap_id'),
    status: text('status').notNull().default('open'),
    resolution: text('resolution'),
    note: text('note'),
    resolvedBy: text('resolved_by'),
    resolvedAt: tstz('resolved_at'),
    createdAt: createdAt(),
  },
  (t) => [index('conflicts_venue_status').on(t.venueId, t.status)],
);

/**
 * Double-entry lines: every applied op and resolution writes lines whose
 * `amount_nc` sum to 0. Positive credits the account, negative debits it.
 */
export const ledgerLines = pgTable(
  'ledger_lines',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    opId: text('op_id').notNull(),
    conflictId: text('conflict_id'),
    accountId: text('account_id').notNull(),
    amountNc: money('amount_nc').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('ledger_lines_account').on(t.accountId), index('ledger_lines_op').on(t.opId)],
);

/**
 * A lost wristband's balance and XP moved to its replacement, as its guest
 * sees it in both tags' activity: from which tag to which, and where. The
 * money moves in ledger lines; this row only tells the guest.
 */
export const walletMoves = pgTable(
  'wallet_moves',
  {
    /**
     * `replace:<uuid>`, the op id of the move's ledger lines (none when only
     * XP moved), `audit:<id>` for a move recovered from its audit row, or
     * `redirect:<op id>` for an op on the old tag whose NC went to the new one.
     */
    id: text('id').primaryKey(),
    fromTag: text('from_tag')
      .notNull()
      .references(() => wallets.nitetapId),
    toTag: text('to_tag')
      .notNull()
      .references(() => wallets.nitetapId),
    venueId: text('venue_id')
      .notNull()
      .references(() => venues.id),
    movedNc: money('moved_nc').notNull(),
    movedXp: bigint('moved_xp', { mode: 'number' }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('wallet_moves_from').on(t.fromTag), index('wallet_moves_to').on(t.toTag)],
);

/** Append-only record of every admin action. */
export const auditLog = pgTable('audit_log', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  actorUserId: text('actor_user_id'),
  actorRole: text('actor_role'),
  venueId: text('venue_id'),
  action: text('action').notNull(),
  target: text('target'),
  before: jsonb('before'),
  after: jsonb('after'),
  ip: text('ip'),
  createdAt: createdAt(),
});

/** Signature failures and rule-breaking tills, for ops and admins. */
export const securityLog = pgTable('security_log', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  kind: text('kind').notNull(),
  tillId: text('till_id'),
  venueId: text('venue_id'),
  opId: text('op_id'),
  detail: jsonb('detail'),
  ip: text('ip'),
  createdAt: createdAt(),
});

/** What a venue sells, with both prices in minor units. */
export const marketItems = pgTable(
  'market_items',
  {
    id: text('id').primaryKey(),
    venueId: text('venue_id')
      .notNull()
      .references(() => venues.id),
    name: text('name').notNull(),
    category: text('category').notNull(),
    priceNc: money('price_nc').notNull(),
    priceChf: money('price_chf').notNull(),
    available: boolean('available').notNull().default(true),
    sort: integer('sort').notNull().default(0),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
    /**
     * Taken off the menu for good: gone for guests and admins, sent to tills
     * once more as unavailable (they hide it). Kept for the ops that sold it.
     */
    archivedAt: tstz('archived_at'),
  },
  (t) => [index('market_items_venue_updated').on(t.venueId, t.updatedAt)],
);

/** Posts, announcements and event teasers of a venue's feed. */
export const feedPosts = pgTable(
  'feed_posts',
  {
    id: text('id').primaryKey(),
    venueId: text('venue_id')
      .notNull()
      .references(() => venues.id),
    kind: text('kind').notNull().default('post'),
    title: text('title').notNull(),
    body: text('body').notNull().default(''),
    imageUrl: text('image_url'),
    publishedAt: tstz('published_at').notNull().defaultNow(),
    createdAt: createdAt(),
  },
  (t) => [index('feed_posts_venue_published').on(t.venueId, t.publishedAt)],
);

/** Server-wide settings kept in the database, shared by every server process. */
export const serverSettings = pgTable('server_settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  createdAt: createdAt(),
});

/**
 * Transactional outbox of analytics events: written in the same
 * transaction as the change it records (an applied op, a conflict, a
 * resolution, a sign-in), so an analytics outage never loses one. The
 * shipper leases unshipped rows (`claimed_until`), sends them to MongoDB
 * with `_id` = `id`, sets `shipped_at` only after Mongo acknowledged, and
 * deletes shipped rows once they are older than the retention. Without
 * MongoDB the rows stay here and snapshots are computed from them.
 */
export const analyticsOutbox = pgTable(
  'analytics_outbox',
  {
    /** `<kind>:<source id>`: the same change can never yield two events. */
    id: text('id').primaryKey(),
    kind: text('kind').notNull(),
    venueId: text('venue_id'),
    /** When the event happened (a sale's till time), for snapshots. */
    at: tstz('at').notNull(),
    payload: jsonb('payload').notNull(),
    createdAt: createdAt(),
    claimedUntil: tstz('claimed_until'),
    attempts: integer('attempts').notNull().default(0),
    shippedAt: tstz('shipped_at'),
  },
  (t) => [
    index('analytics_outbox_pending').on(t.createdAt).where(sql`${t.shippedAt} is null`),
    index('analytics_outbox_venue_at').on(t.venueId, t.at),
    // The shipper prunes shipped rows by age (analytics/outbox.ts).
    index('analytics_outbox_shipped').on(t.shippedAt).where(sql`${t.shippedAt} is not null`),
  ],
);
