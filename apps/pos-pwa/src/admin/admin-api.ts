import type {
  AnalyticsSnapshot,
  ConflictView,
  FeedPost,
  LiveCounters,
  LoginResponse,
  NightFigures,
  NightReport,
  WalletOwner,
} from '@niteos/schema/wire';
import { ApiError } from '../sync/api.ts';
import type { Request } from './admin-http.ts';
import { type AdminSession, SESSION_EXPIRED } from './admin-session.ts';

/** The back office's calls, as the signed-in admin. Errors are ApiError, as for the till. */
export function createAdminApi(session: AdminSession, request: Request) {
  /**
   * An access token that expired is renewed and the call sent once more:
   * a 401 comes from the guard, before the handler ran, so even a POST is
   * safe to repeat.
   */
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const token = session.current()?.accessToken ?? null;
    try {
      return await request<T>(method, path, { token, body });
    } catch (err) {
      if (!(token && err instanceof ApiError && err.status === 401)) throw err;
      if (!(await session.renew(token)))
        throw new ApiError(401, 'session_expired', SESSION_EXPIRED);
      return request<T>(method, path, { token: session.current()?.accessToken, body });
    }
  }
  return {
    login: (email: string, password: string) =>
      request<LoginResponse>('POST', '/auth/login', { body: { email, password } }),
    venues: () =>
      call<{
        venues: {
          id: string;
          name: string;
          city: string;
          radioUrl: string | null;
          policy: Record<string, number>;
        }[];
      }>('GET', '/admin/venues'),
    createVenue: (body: { name: string; slug: string; city: string }) =>
      call<{ id: string }>('POST', '/admin/venues', body),
    conflicts: (status: 'open' | 'resolved', venueId: string) =>
      call<{ conflicts: ConflictView[]; more: boolean }>(
        'GET',
        `/admin/conflicts?status=${status}&venueId=${encodeURIComponent(venueId)}`,
      ),
    conflict: (id: string) => call<ConflictDetail>('GET', `/admin/conflicts/${id}`),
    resolve: (id: string, resolution: string, note: string) =>
      call<ConflictView>('POST', `/admin/conflicts/${id}/resolve`, { resolution, note }),
    items: (venueId: string) =>
      call<{ items: MarketItem[] }>('GET', `/admin/venues/${venueId}/market-items`),
    addItem: (venueId: string, item: Omit<MarketItem, 'itemId'>) =>
      call<MarketItem>('POST', `/admin/venues/${venueId}/market-items`, item),
    patchItem: (itemId: string, patch: Partial<MarketItem>) =>
      call<MarketItem>('PATCH', `/admin/market-items/${itemId}`, patch),
    removeItem: (itemId: string) => call<void>('DELETE', `/admin/market-items/${itemId}`),
    staff: (venueId: string) =>
      call<{ staff: StaffMember[] }>('GET', `/admin/venues/${venueId}/staff`),
    addStaff: (
      venueId: string,
      body: { email: string; displayName: string; password: string; pin?: string; role: string },
    ) => call<StaffMember>('POST', `/admin/venues/${venueId}/staff`, body),
    patchStaff: (userId: string, patch: StaffPatch) =>
      call<StaffMember>('PATCH', `/admin/staff/${userId}`, patch),
    tills: (venueId: string) =>
      call<{ tills: TillHealth[] }>('GET', `/admin/venues/${venueId}/tills`),
    revoke: (tillId: string) => call<unknown>('POST', `/admin/tills/${tillId}/revoke`),
    clearFlag: (tillId: string, flaggedAt: string) =>
      call<void>('POST', `/admin/tills/${tillId}/clear-flag`, { flaggedAt }),
    settings: (venueId: string, body: object) =>
      call<unknown>('PATCH', `/admin/venues/${venueId}`, body),
    block: (tag: string) => call<unknown>('POST', `/admin/wallets/${tag}/block`),
    unblock: (tag: string) => call<unknown>('POST', `/admin/wallets/${tag}/unblock`),
    replace: (tag: string, newNitetapId: string, note: string, keepOwner: boolean) =>
      call<{ movedNc: number; balanceNc: number }>('POST', `/admin/wallets/${tag}/replace`, {
        newNitetapId,
        note,
        keepOwner,
      }),
    walletOwner: (tag: string) => call<WalletOwner>('GET', `/admin/wallets/${tag}/owner`),
    wallet: (tag: string) =>
      call<{ nitetapId: string; balanceNc: number; xp: number; level: number; status: string }>(
        'GET',
        `/wallets/${tag}`,
      ),
    live: (venueId: string) => call<LiveCounters>('GET', `/admin/venues/${venueId}/live`),
    analytics: (venueId: string) =>
      call<AnalyticsSnapshot>('GET', `/admin/venues/${venueId}/analytics`),
    report: (venueId: string, from: string, to: string) =>
      call<NightReport>(
        'GET',
        `/admin/venues/${venueId}/reports/night?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
      ),
    /** The newest 200 entries, or the 200 before entry `before`; `more`: there are older ones. */
    audit: (venueId: string, before?: number) =>
      call<{ entries: AuditEntry[]; more: boolean }>(
        'GET',
        `/admin/audit?venueId=${encodeURIComponent(venueId)}&limit=200${before ? `&before=${before}` : ''}`,
      ),
    /** The venue's newest 200 posts, newest first. */
    feed: (venueId: string) => call<{ posts: FeedPost[] }>('GET', `/admin/venues/${venueId}/feed`),
    addPost: (venueId: string, post: Omit<FeedPost, 'id' | 'publishedAt'>) =>
      call<FeedPost>('POST', `/admin/venues/${venueId}/feed`, post),
    removePost: (postId: string) => call<void>('DELETE', `/admin/feed/${postId}`),
  };
}

export type AdminApi = ReturnType<typeof createAdminApi>;

export interface MarketItem {
  itemId: string;
  name: string;
  category: string;
  priceNc: number;
  priceChf: number;
  available: boolean;
  sort: number;
}
export interface StaffMember {
  userId: string;
  email: string;
  displayName: string;
  role: string;
  hasPin: boolean;
  disabled: boolean;
}
export interface StaffPatch {
  pin?: string;
  role?: 'staff' | 'venue_admin';
  disabled?: boolean;
}
export interface TillHealth {
  tillId: string;
  name: string;
  status: string;
  lastSeenAt: string | null;
  lastSeq: number;
  openSeqGaps: number;
  flagReason: string | null;
  flaggedAt: string | null;
}
export interface ConflictDetail {
  conflict: ConflictView & { note: string | null };
  op: {
    envelope: {
      op: string;
      tender: string;
      amountNc: number;
      amountChf: number;
      at: string;
      staffId: string;
      seq: number;
      voids: string | null;
    };
  } | null;
  till: { id: string; name: string; status: string; flagReason: string | null } | null;
  /** The wristband as it stands now, and the one a replacement moved its NC to. */
  wallet: {
    nitetapId: string;
    balanceNc: number;
    status: string;
    replacedBy: { nitetapId: string; balanceNc: number } | null;
  } | null;
  /** For a void: the sale it cancels, null while that sale is not on the server. */
  voidTarget: {
    id: string;
    tender: string;
    amountNc: number;
    amountChf: number;
    standing: string;
    voidedBy: string | null;
  } | null;
  history: {
    id: string;
    kind: string;
    tender: string;
    amountNc: number;
    amountChf: number;
    status: string;
    standing: string;
    reason: string | null;
    tillAt: string;
  }[];
}
export interface AuditEntry {
  id: number;
  actorUserId: string | null;
  actorEmail: string | null;
  actorRole: string | null;
  before: unknown;
  after: unknown;
  action: string;
  target: string | null;
  ip: string | null;
  createdAt: string;
}
export type { NightFigures as Figures, NightReport };
