import { z } from 'zod';
import { Role } from './codes.ts';

/**
 * Request bodies of the back-office API. Not part of the till sync
 * protocol: they may change without a protocol version bump.
 */

/**
 * Amounts in hundredths, as stored; said in whole units when too big, since
 * the admin typed them so (12.50, not 1250).
 */
const minorAmount = (unit: string) =>
  z.int().min(0).max(100_000_000, `at most 1,000,000.00${unit}`);
const priceSchema = minorAmount('');

const marketItemFields = {
  name: z.string().trim().min(1).max(120),
  category: z.string().trim().min(1).max(60),
  priceNc: priceSchema,
  priceChf: priceSchema,
  available: z.boolean(),
  sort: z.int().min(0).max(10_000),
};

export const marketItemInputSchema = z.strictObject({
  ...marketItemFields,
  available: marketItemFields.available.default(true),
  sort: marketItemFields.sort.default(0),
});

/** Whether a PATCH body sets anything; `null` counts, since it clears a field. */
function changesSomething(body: object): boolean {
  return Object.values(body).some(
    (v) => v !== undefined && (typeof v !== 'object' || v === null || changesSomething(v)),
  );
}

/** An empty PATCH is a client's mistake, answered 400, not a silent no-op. */
const nothingToChange = { message: 'nothing to change: give at least one field' };

// Built from the fields without their defaults: a PATCH that names one field
// must leave `available` and `sort` as they are, not reset them.
export const marketItemPatchSchema = z
  .strictObject(marketItemFields)
  .partial()
  .refine(changesSomething, nothingToChange);

export const pinSchema = z.string().regex(/^\d{4,8}$/, '4 to 8 digits');

export const staffInputSchema = z.strictObject({
  email: z.email().max(254),
  displayName: z.string().trim().min(1).max(120),
  password: z.string().min(8).max(1024),
  role: z.enum([Role.staff, Role.venueAdmin]).default(Role.staff),
  pin: pinSchema.optional(),
});

export const staffPatchSchema = z
  .strictObject({
    displayName: z.string().trim().min(1).max(120).optional(),
    password: z.string().min(8).max(1024).optional(),
    pin: pinSchema.nullable().optional(),
    role: z.enum([Role.staff, Role.venueAdmin]).optional(),
    /** A disabled account cannot sign in, and tills drop its PIN on their next pull. */
    disabled: z.boolean().optional(),
  })
  .refine(changesSomething, nothingToChange);
export type StaffPatch = z.infer<typeof staffPatchSchema>;

export const venueSettingsSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(120).optional(),
    city: z.string().trim().min(1).max(120).optional(),
    radioUrl: z
      .url({ protocol: /^https?$/ })
      .max(2000)
      .nullable()
      .optional(),
    policy: z
      .strictObject({
        offlineCapNc: minorAmount(' NC'),
        unknownWalletCapNc: minorAmount(' NC'),
        overdraftLimitNc: minorAmount(' NC'),
      })
      .partial()
      .optional(),
  })
  .refine(changesSomething, nothingToChange);

export const replaceWalletSchema = z.strictObject({
  newNitetapId: z.string().regex(/^[0-9a-fA-F]{8,32}$/, 'must be 8 to 32 hex digits'),
  note: z.string().max(2000).default(''),
  // False when the guest at the bar is not the account that claimed the lost
  // band (a finder may have claimed it): the new band then starts unclaimed.
  keepOwner: z.boolean().default(true),
});

/** Who claimed a wristband in the guest app, as much as an admin needs to ask the guest. */
export const walletOwnerSchema = z.strictObject({
  nitetapId: z.string(),
  claimed: z.boolean(),
  /** The account's email with most of its name hidden (`a…@example.ch`); null when unclaimed. */
  emailHint: z.string().nullable(),
});
export type WalletOwner = z.infer<typeof walletOwnerSchema>;

export const feedPostInputSchema = z.strictObject({
  kind: z.enum(['post', 'announcement', 'teaser']).default('post'),
  title: z.string().trim().min(1).max(200),
  body: z.string().max(10_000).default(''),
  imageUrl: z
    .url({ protocol: /^https?$/ })
    .max(2000)
    .nullable()
    .default(null),
});

/** A guest signs up with email and password (the app then claims wristbands). */
export const registerGuestSchema = z.strictObject({
  email: z.email().max(254),
  password: z.string().min(8).max(1024),
  displayName: z.string().trim().max(120).default(''),
});

export const claimWalletSchema = z.strictObject({
  nitetapId: z.string().regex(/^[0-9a-fA-F]{8,32}$/, 'must be 8 to 32 hex digits'),
  code: z.string().trim().min(8).max(16),
});

/** End-of-night figures for a venue, a till or a staff member (minor units). */
export interface NightFigures {
  salesNc: { count: number; nc: number };
  salesCash: { count: number; chf: number };
  salesCard: { count: number; chf: number };
  topupsCash: { count: number; chf: number; nc: number };
  topupsCard: { count: number; chf: number; nc: number };
  cashouts: { count: number; chf: number; nc: number };
  /** Voids per tender of the sale they undo: NC back to wallets, CHF back in cash or to cards. */
  voids: { count: number; nc: number; cashChf: number; cardChf: number };
  /**
   * NC sales and cash-outs an admin wrote off (counted in the lines above:
   * the venue bears them, no wallet paid).
   */
  writtenOff: { count: number; nc: number };
  /**
   * Held ops, not counted in the lines above. `debitNc`: NC their sales and
   * cash-outs would take from wallets; `creditNc`: NC their top-ups would
   * add. `cashChf` and `cardChf`: what they took in cash (less cash paid
   * out) and by card (less card refunds), in the drawer and on the terminal
   * but not in `expectedCashChf` and `expectedCardChf`.
   */
  held: { count: number; debitNc: number; creditNc: number; cashChf: number; cardChf: number };
  /** Cash that should be in the drawer: cash sales and topups in, cashouts and cash voids out. */
  expectedCashChf: number;
  /** What the card terminal should show: card sales and top-ups, less card voids. */
  expectedCardChf: number;
}

export interface NightReport {
  venueId: string;
  from: string;
  to: string;
  total: NightFigures;
  tills: (NightFigures & { tillId: string })[];
  staff: (NightFigures & { staffId: string })[];
}

/** Sales of one tender (net of voids), in minor units. */
export interface TenderFigures {
  count: number;
  amountNc: number;
  amountChf: number;
}

/**
 * Live counters of one venue for one business day ("tonight": the day
 * starts at 06:00 UTC, so a night running past midnight stays one day).
 * Best-effort figures kept in Redis (or in process); the ledger is the truth.
 */
export interface LiveCounters {
  venueId: string;
  /** The business day, `YYYY-MM-DD`. */
  day: string;
  /** Distinct NiteTaps seen in pushes (HyperLogLog on Redis: within about 1%). */
  guests: number;
  sales: Record<'nc' | 'cash' | 'card', TenderFigures>;
}

const tenderFiguresSchema = z.object({
  count: z.int(),
  amountNc: z.int(),
  amountChf: z.int(),
});

/**
 * Analytics snapshots of one venue over a range, the same shape whether
 * MongoDB or PostgreSQL computed them (`source`).
 */
export const analyticsSnapshotSchema = z.object({
  venueId: z.string(),
  from: z.string(),
  to: z.string(),
  source: z.enum(['mongo', 'postgres']),
  /** Applied sales per hour of till time, oldest first; hours without sales are left out. */
  salesPerHour: z.array(tenderFiguresSchema.extend({ hour: z.string() })),
  /** The ten items sold most (by quantity) in applied sales. */
  topItems: z.array(
    z.object({ itemId: z.string(), name: z.string().nullable(), qty: z.int(), amountNc: z.int() }),
  ),
  tenderMix: z.array(tenderFiguresSchema.extend({ tender: z.enum(['nc', 'cash', 'card']) })),
  /** Conflicts opened per business day, oldest first. */
  conflictsPerNight: z.array(z.object({ night: z.string(), count: z.int() })),
});
export type AnalyticsSnapshot = z.infer<typeof analyticsSnapshotSchema>;

/** Clearing a till's flag names the flag the admin saw, as the till list gave it. */
export const clearTillFlagSchema = z.strictObject({ flaggedAt: z.iso.datetime() });
