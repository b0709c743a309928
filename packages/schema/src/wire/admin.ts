import { z } from 'zod';
import { Role } from './codes.ts';

/**
 * Request bodies of the back-office API. Not part of the till sync
 * protocol: they may change without a protocol version bump.
 */

const priceSchema = z.int().min(0).max(100_000_000);

export const marketItemInputSchema = z.strictObject({
  name: z.string().trim().min(1).max(120),
  category: z.string().trim().min(1).max(60),
  priceNc: priceSchema,
  priceChf: priceSchema,
  available: z.boolean().default(true),
  sort: z.int().min(0).max(10_000).default(0),
});

export const marketItemPatchSchema = marketItemInputSchema.partial().strict();

export const pinSchema = z.string().regex(/^\d{4,8}$/, '4 to 8 digits');

export const staffInputSchema = z.strictObject({
  email: z.email().max(254),
  displayName: z.string().trim().min(1).max(120),
  password: z.string().min(8).max(1024),
  role: z.enum([Role.staff, Role.venueAdmin]).default(Role.staff),
  pin: pinSchema.optional(),
});

export const staffPatchSchema = z.strictObject({
  displayName: z.string().trim().min(1).max(120).optional(),
  password: z.string().min(8).max(1024).optional(),
  pin: pinSchema.nullable().optional(),
});

export const venueSettingsSchema = z.strictObject({
  name: z.string().trim().min(1).max(120).optional(),
  city: z.string().trim().min(1).max(120).optional(),
  radioUrl: z
    .url({ protocol: /^https?$/ })
    .max(2000)
    .nullable()
    .optional(),
  policy: z
    .strictObject({
      offlineCapNc: z.int().min(0).max(100_000_000),
      unknownWalletCapNc: z.int().min(0).max(100_000_000),
      overdraftLimitNc: z.int().min(0).max(100_000_000),
    })
    .partial()
    .optional(),
});

export const replaceWalletSchema = z.strictObject({
  newNitetapId: z.string().regex(/^[0-9a-fA-F]{8,32}$/, 'must be 8 to 32 hex digits'),
  note: z.string().max(2000).default(''),
});

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
  voids: { count: number; nc: number; chf: number };
  /** Held ops, not counted in the lines above. */
  held: { count: number; nc: number };
  /** Cash that should be in the drawer: cash sales and topups in, cashouts and cash voids out. */
  expectedCashChf: number;
}

export interface NightReport {
  venueId: string;
  from: string;
  to: string;
  total: NightFigures;
  tills: (NightFigures & { tillId: string })[];
  staff: (NightFigures & { staffId: string })[];
}
