import type { ActivityEntry } from '@niteos/schema/wire';

const KIND_LABEL: Record<ActivityEntry['kind'], string> = {
  sale: 'Purchase',
  topup: 'Top-up',
  cashout: 'Cash-out',
  void: 'Refund (void)',
  moved_in: 'Moved from lost wristband',
  moved_out: 'Moved to new wristband',
};

/** "Purchase", or a move's label with its other wristband. */
export function activityLabel(e: ActivityEntry): string {
  const kind = KIND_LABEL[e.kind] ?? e.kind;
  return e.otherNitetapId ? `${kind} ${e.otherNitetapId.toUpperCase()}` : kind;
}

/**
 * What became of an op the venue did not simply apply, in the guest's
 * words rather than the ledger's; null for an applied one.
 */
export function standingNote(e: ActivityEntry): string | null {
  switch (e.standing) {
    case 'applied':
      return null;
    case 'held':
      return 'waiting for the venue to confirm';
    case 'rejected':
      if (e.kind === 'topup') return 'not added';
      return e.kind === 'void' ? 'not refunded' : 'not charged';
    case 'written_off':
      return 'paid by the venue';
    default:
      return e.standing.replace('_', ' ');
  }
}

/**
 * The NC an entry moves: what it moved, or for a held op what it will move
 * if the venue lets it stand. 0 when it moves none.
 */
export function activityNc(e: ActivityEntry): number {
  return e.standing === 'held' ? (e.pendingNc ?? 0) : e.deltaNc;
}
