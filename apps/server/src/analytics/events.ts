import type { analyticsOutbox, conflicts } from '@niteos/schema/tables';
import type { Envelope } from '@niteos/schema/wire';

export type OutboxRow = typeof analyticsOutbox.$inferInsert;

/** Kinds of analytics events; each id is `<kind>:<id of what changed>`. */
export const EventKind = {
  op: 'op',
  conflict: 'conflict',
  resolution: 'resolution',
  signIn: 'sign_in',
} as const;

type ConflictRow = typeof conflicts.$inferInsert;

/** A till's clock is trusted for charts only when it parses; else the server's. */
function tillTime(at: string, fallback: Date): Date {
  const parsed = new Date(at);
  return Number.isNaN(parsed.getTime()) ? fallback : parsed;
}

/**
 * Whether an op that now stands gets an `op` event, which the sales figures
 * add up: every one but a void that settled a held sale, since that sale
 * never counted (it got no event while held).
 */
export function countsInFigures(
  envelope: Pick<Envelope, 'op'>,
  voidTarget: { status: string } | null,
): boolean {
  return !(envelope.op === 'void' && voidTarget?.status === 'held');
}

/** The events of one push: one per op it applied and one per conflict it opened. */
export function pushEvents(
  applied: Envelope[],
  conflictRows: ConflictRow[],
  now: Date,
): OutboxRow[] {
  const events: OutboxRow[] = applied.map((e) => ({
    id: `${EventKind.op}:${e.id}`,
    kind: EventKind.op,
    venueId: e.venueId,
    at: tillTime(e.at, now),
    payload: {
      opId: e.id,
      tillId: e.tillId,
      op: e.op,
      tender: e.tender,
      nitetapId: e.nitetapId,
      staffId: e.staffId,
      amountNc: e.amountNc,
      amountChf: e.amountChf,
      lines: e.lines,
      voids: e.voids,
    },
  }));
  for (const c of conflictRows) {
    events.push({
      // By op, not by conflict: after a restore a till sends the op again and
      // it opens a new conflict, which must not count twice where it shipped.
      id: `${EventKind.conflict}:${c.opId}`,
      kind: EventKind.conflict,
      venueId: c.venueId,
      at: now,
      payload: {
        conflictId: c.id,
        opId: c.opId,
        tillId: c.tillId,
        reason: c.reason,
        amountNc: c.amountNc,
      },
    });
  }
  return events;
}

/** An admin settled a held op. */
export function resolutionEvent(input: {
  conflictId: string;
  opId: string;
  venueId: string;
  resolution: string;
  walletDeltaNc: number;
  resolvedBy: string;
  at: Date;
}): OutboxRow {
  const { at, venueId, ...payload } = input;
  return {
    id: `${EventKind.resolution}:${input.conflictId}`,
    kind: EventKind.resolution,
    venueId,
    at,
    payload,
  };
}

/** Someone signed in (no email, no token: the user id and role only). */
export function signInEvent(input: {
  id: string;
  userId: string;
  role: string;
  venueId: string | null;
  at: Date;
}): OutboxRow {
  return {
    id: `${EventKind.signIn}:${input.id}`,
    kind: EventKind.signIn,
    venueId: input.venueId,
    at: input.at,
    payload: { userId: input.userId, role: input.role },
  };
}
