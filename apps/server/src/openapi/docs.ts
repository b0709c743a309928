import {
  claimWalletSchema,
  clearTillFlagSchema,
  conflictListSchema,
  conflictViewSchema,
  createVenueSchema,
  enrolledTillSchema,
  enrollTillSchema,
  feedPostInputSchema,
  healthSchema,
  loginRequestSchema,
  loginResponseSchema,
  marketItemInputSchema,
  marketItemPatchSchema,
  pullResponseSchema,
  pushRequestSchema,
  pushResponseSchema,
  refreshRequestSchema,
  registerGuestSchema,
  replaceWalletSchema,
  resolveConflictSchema,
  revokedTillSchema,
  staffInputSchema,
  staffPatchSchema,
  venueSettingsSchema,
  venueViewSchema,
  walletOwnerSchema,
  walletSnapshotSchema,
  walletViewSchema,
} from '@niteos/schema/wire';
import { z } from 'zod';
import { auditQuery } from '../admin/venue-settings.ts';
import { conflictListQuery } from '../conflicts/routes.ts';
import { rangeQuery } from '../http/time-range.ts';

/** Who may call a route. */
export type Access = 'public' | 'device' | 'user' | 'guest' | 'admin' | 'nitecore';

export interface RouteDoc {
  summary: string;
  tag: string;
  access: Access;
  /** The schema the route validates its JSON body with (the very same object). */
  body?: z.ZodType;
  /**
   * The reply, for the routes outside clients rely on (sync protocol §4,
   * §5, §8): its statuses and schema, which openapi.db.test.ts checks
   * against what the route really answers.
   */
  reply?: { statuses: number[]; schema: z.ZodType };
  /** The success status of a route without a `reply` schema (200 unless said). */
  status?: 201 | 204;
  /** The query parameters the route reads, as the schema it checks them with where it has one. */
  query?: z.ZodObject;
}

/** Query parameters read one by one (no schema in the route): documented here. */
const cityQuery = z.object({ city: z.string().optional() });
const pullQuery = z.object({
  cursor: z.string().optional().describe('The `cursor` of the last pull; none for a full pull'),
});

/**
 * One line per route: what it is for and the schema it validates. The
 * OpenAPI document is built from this and the app's route table, and a
 * test fails when a route has no line or a line has no route.
 */
export const ROUTE_DOCS: Record<string, RouteDoc> = {
  'POST /api/auth/login': {
    summary:
      'Sign in with email and password; sets a device cookie that keeps strangers’ wrong guesses from locking this browser out',
    tag: 'auth',
    access: 'public',
    body: loginRequestSchema,
    reply: { statuses: [200], schema: loginResponseSchema },
  },
  'POST /api/auth/refresh': {
    summary: 'Trade a refresh token for a new pair (rotation; reuse signs the family out)',
    tag: 'auth',
    access: 'public',
    body: refreshRequestSchema,
    reply: { statuses: [200], schema: loginResponseSchema },
  },
  'POST /api/auth/logout': {
    summary: 'End one login',
    tag: 'auth',
    access: 'public',
    body: refreshRequestSchema,
    status: 204,
  },
  'POST /api/auth/logout-everywhere': {
    summary: 'Sign out every session of the caller',
    tag: 'auth',
    access: 'user',
    status: 204,
  },
  'POST /api/auth/register': {
    summary: 'Guest sign-up',
    tag: 'guests',
    access: 'public',
    body: registerGuestSchema,
    reply: { statuses: [201], schema: loginResponseSchema },
  },
  'POST /api/wallets/claim': {
    summary: "Bind a wristband to the caller with its topup's claim code",
    tag: 'guests',
    access: 'guest',
    body: claimWalletSchema,
  },
  'GET /api/me/wallets': { summary: "The caller's wallets", tag: 'guests', access: 'guest' },
  'GET /api/me/wallets/:nitetapId/activity': {
    summary: "Latest ops and wristband replacements on one of the caller's own wallets",
    tag: 'guests',
    access: 'guest',
  },
  'GET /api/public/venues': {
    summary: 'Active venues, optionally of one city (?city=)',
    tag: 'public',
    access: 'public',
    query: cityQuery,
  },
  'GET /api/public/venues/:slug': { summary: 'One venue', tag: 'public', access: 'public' },
  'GET /api/public/venues/:slug/feed': {
    summary: "A venue's published feed posts, newest first",
    tag: 'public',
    access: 'public',
  },
  'GET /api/public/venues/:slug/market': {
    summary: "A venue's market items with CHF and NC prices",
    tag: 'public',
    access: 'public',
  },
  'POST /api/sync/push': {
    summary: 'Push signed till ops (sync protocol §4)',
    tag: 'sync',
    access: 'device',
    body: pushRequestSchema,
    reply: { statuses: [200], schema: pushResponseSchema },
  },
  'GET /api/sync/pull': {
    summary:
      'What a till needs offline (sync protocol §5), and which of its seqs the server holds (`chain`); 403 once the till is revoked',
    tag: 'sync',
    access: 'device',
    reply: { statuses: [200], schema: pullResponseSchema },
    query: pullQuery,
  },
  'GET /api/sync/wallets/:nitetapId': {
    summary:
      'One wallet snapshot for a till that has none (a guest new to its venue): 404 unknown, 409 blocked, 403 revoked till; 120 a minute per till',
    tag: 'sync',
    access: 'device',
    reply: { statuses: [200], schema: walletSnapshotSchema },
  },
  'GET /api/wallets/:nitetapId': {
    summary: 'A wallet: balance, XP, level, status',
    tag: 'wallets',
    access: 'user',
    reply: { statuses: [200], schema: walletViewSchema },
  },
  'GET /api/admin/venues': { summary: 'Venues the caller runs', tag: 'venues', access: 'admin' },
  'POST /api/admin/venues': {
    summary: 'Create a venue',
    tag: 'venues',
    access: 'nitecore',
    body: createVenueSchema,
    reply: { statuses: [201], schema: venueViewSchema },
  },
  'PATCH /api/admin/venues/:venueId': {
    summary: 'Venue settings: name, city, radio URL, offline policy',
    tag: 'venues',
    access: 'admin',
    body: venueSettingsSchema,
  },
  'POST /api/admin/venues/:venueId/tills': {
    summary: 'Enroll a till',
    tag: 'tills',
    access: 'admin',
    body: enrollTillSchema,
    reply: { statuses: [201], schema: enrolledTillSchema },
  },
  'POST /api/admin/venues/:venueId/tills/:tillId/reenroll': {
    summary:
      'A new device token for a till the server no longer knows by its own (a database restored from an older backup), keeping its id and key',
    tag: 'tills',
    access: 'admin',
    body: enrollTillSchema,
    reply: { statuses: [200], schema: enrolledTillSchema },
  },
  'GET /api/admin/venues/:venueId/tills': {
    summary: "The venue's tills: last contact, last seq, seq gaps, flags",
    tag: 'tills',
    access: 'admin',
  },
  'POST /api/admin/tills/:tillId/revoke': {
    summary: 'Revoke a till (its ops are then held)',
    tag: 'tills',
    access: 'admin',
    reply: { statuses: [200], schema: revokedTillSchema },
  },
  'POST /api/admin/tills/:tillId/clear-flag': {
    summary:
      "Clear a till's flag (a broken offline rule) once looked into; 409 when flagged again since; the security log keeps it",
    tag: 'tills',
    access: 'admin',
    body: clearTillFlagSchema,
    status: 204,
  },
  'GET /api/admin/conflicts': {
    summary: 'Held ops waiting for an admin',
    tag: 'conflicts',
    access: 'admin',
    reply: { statuses: [200], schema: conflictListSchema },
    query: conflictListQuery,
  },
  'GET /api/admin/conflicts/:conflictId': {
    summary: 'A held op with its till and the guest history',
    tag: 'conflicts',
    access: 'admin',
  },
  'POST /api/admin/conflicts/:conflictId/resolve': {
    summary: 'Accept, write off or reject a held op',
    tag: 'conflicts',
    access: 'admin',
    body: resolveConflictSchema,
    reply: { statuses: [200], schema: conflictViewSchema },
  },
  'GET /api/admin/venues/:venueId/market-items': {
    summary: "The venue's market items",
    tag: 'market',
    access: 'admin',
  },
  'POST /api/admin/venues/:venueId/market-items': {
    summary: 'Add a market item',
    tag: 'market',
    access: 'admin',
    body: marketItemInputSchema,
    status: 201,
  },
  'PATCH /api/admin/market-items/:itemId': {
    summary: 'Change a market item',
    tag: 'market',
    access: 'admin',
    body: marketItemPatchSchema,
  },
  'DELETE /api/admin/market-items/:itemId': {
    summary:
      'Take a market item off the menu for good: gone for guests and admins, hidden by tills after their next pull',
    tag: 'market',
    access: 'admin',
    status: 204,
  },
  'GET /api/admin/venues/:venueId/staff': {
    summary: "The venue's staff",
    tag: 'staff',
    access: 'admin',
  },
  'POST /api/admin/venues/:venueId/staff': {
    summary: 'Add a staff member (with a till PIN)',
    tag: 'staff',
    access: 'admin',
    body: staffInputSchema,
    status: 201,
  },
  'PATCH /api/admin/staff/:userId': {
    summary:
      "Change name, password, PIN or role, or disable / enable; another person's password only a Nitecore admin sets",
    tag: 'staff',
    access: 'admin',
    body: staffPatchSchema,
  },
  'GET /api/admin/venues/:venueId/feed': {
    summary: "The venue's feed posts",
    tag: 'feed',
    access: 'admin',
  },
  'POST /api/admin/venues/:venueId/feed': {
    summary: 'Publish a feed post',
    tag: 'feed',
    access: 'admin',
    body: feedPostInputSchema,
    status: 201,
  },
  'DELETE /api/admin/feed/:postId': {
    summary: 'Remove a feed post',
    tag: 'feed',
    access: 'admin',
    status: 204,
  },
  'POST /api/admin/wallets/:nitetapId/block': {
    summary: 'Block a lost wristband',
    tag: 'wallets',
    access: 'admin',
  },
  'POST /api/admin/wallets/:nitetapId/unblock': {
    summary:
      'Unblock a wristband found again (not one replaced; one used at other venues only by a Nitecore admin)',
    tag: 'wallets',
    access: 'admin',
  },
  'GET /api/admin/wallets/:nitetapId/owner': {
    summary:
      'Whether a wristband was claimed in the guest app, with a hint of the account email, to ask the guest before replacing it',
    tag: 'wallets',
    access: 'admin',
    reply: { statuses: [200], schema: walletOwnerSchema },
  },
  'POST /api/admin/wallets/:nitetapId/replace': {
    summary:
      'Block a wristband and move its balance, XP and (unless keepOwner is false) its app owner to a new one',
    tag: 'wallets',
    access: 'admin',
    body: replaceWalletSchema,
  },
  'GET /api/admin/venues/:venueId/reports/night': {
    summary: 'End-of-night report per till and staff member',
    tag: 'reports',
    access: 'admin',
    query: rangeQuery,
  },
  'GET /api/admin/venues/:venueId/live': {
    summary: "Tonight's live counters: guests seen and sales by tender",
    tag: 'reports',
    access: 'admin',
  },
  'GET /api/admin/venues/:venueId/analytics': {
    summary: 'Analytics snapshots: sales per hour, top items, tender mix, conflicts per night',
    tag: 'reports',
    access: 'admin',
    query: rangeQuery,
  },
  'GET /api/admin/audit': {
    summary: 'The audit log',
    tag: 'audit',
    access: 'nitecore',
    query: auditQuery,
  },
  'GET /api/health': {
    summary:
      'Readiness: 200 when pushes can be taken ("ok", or "degraded" when Redis or the analytics store is down), 503 otherwise',
    tag: 'ops',
    access: 'public',
    reply: { statuses: [200, 503], schema: healthSchema },
  },
  'GET /api/health/live': { summary: 'Liveness', tag: 'ops', access: 'public' },
  'GET /api/openapi.json': { summary: 'This document', tag: 'ops', access: 'public' },
  'GET /api/docs': { summary: 'A readable page of this document', tag: 'ops', access: 'public' },
};
