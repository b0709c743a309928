import { z } from 'zod';
import { Resolution, Role } from './codes.ts';

/** Request bodies of the endpoints of sync protocol §8. */
export const loginRequestSchema = z.strictObject({
  email: z.email().max(254),
  password: z.string().min(1).max(1024),
});

export const refreshRequestSchema = z.strictObject({
  refreshToken: z.string().min(1).max(512),
});

export const createVenueSchema = z.strictObject({
  name: z.string().trim().min(1).max(120),
  slug: z
    .string()
    .regex(/^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/, 'lower-case letters, digits and dashes'),
  city: z.string().trim().min(1).max(120),
});

export const enrollTillSchema = z.strictObject({
  name: z.string().trim().min(1).max(120),
  /** base64url, no padding, 32 bytes. */
  publicKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'base64url Ed25519 public key (32 bytes)'),
});

export const resolveConflictSchema = z.strictObject({
  resolution: z.enum([Resolution.accept, Resolution.writeOff, Resolution.reject]),
  note: z.string().max(2000).default(''),
});

export const roleSchema = z.enum([Role.guest, Role.staff, Role.venueAdmin, Role.nitecoreAdmin]);

export interface ApiError {
  error: { code: string; message: string };
}

export interface LoginResponse {
  accessToken: string;
  refreshToken: string;
  user: { id: string; role: Role; venueId: string | null };
}

export interface ConflictView {
  id: string;
  opId: string;
  reason: string;
  venueId: string;
  amountNc: number;
  nitetapId: string | null;
  createdAt: string;
  status: 'open' | 'resolved';
  resolution: Resolution | null;
}
