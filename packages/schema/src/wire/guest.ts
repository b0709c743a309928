/**
 * What the guest app reads: public venue info, feed and market, and the
 * guest's own wallets with their activity. Types only, so the guest bundle
 * carries no validator code.
 */

export interface PublicVenue {
  id: string;
  name: string;
  slug: string;
  city: string;
  /** External HLS or Icecast URL; nothing streams from a NiteOS host. */
  radioUrl: string | null;
}

export interface VenueList {
  venues: PublicVenue[];
}

export interface FeedPost {
  id: string;
  kind: string;
  title: string;
  body: string;
  imageUrl: string | null;
  publishedAt: string;
}

export interface VenueFeed {
  venue: PublicVenue;
  posts: FeedPost[];
}

export interface PublicMarketItem {
  id: string;
  name: string;
  category: string;
  priceNc: number;
  priceChf: number;
  available: boolean;
}

export interface VenueMarket {
  venue: PublicVenue;
  items: PublicMarketItem[];
}

export interface GuestWallet {
  nitetapId: string;
  balanceNc: number;
  xp: number;
  level: number;
  status: 'active' | 'blocked';
}

export interface GuestWallets {
  wallets: GuestWallet[];
}

/**
 * One op on the guest's wallet, as the guest sees it, or a move of its
 * balance and XP between a lost wristband and its replacement.
 */
export interface ActivityEntry {
  /** The op's id, or the move's. */
  opId: string;
  kind: 'sale' | 'topup' | 'cashout' | 'void' | 'moved_in' | 'moved_out';
  tender: string;
  /** A move's other wristband: where the balance came from, or went to. */
  otherNitetapId?: string;
  /** Signed change of the balance: negative for a sale or cash-out. 0 when not applied. */
  deltaNc: number;
  /**
   * A held op's signed change of the balance if the venue lets it stand
   * (negative for a sale or cash-out). Absent once settled, and when it
   * would move no NC or cannot yet tell (a held void).
   */
  pendingNc?: number;
  /** `applied`, `held`, `written_off` or `rejected`. */
  standing: string;
  venueName: string;
  at: string;
}

export interface WalletActivity {
  nitetapId: string;
  entries: ActivityEntry[];
}
