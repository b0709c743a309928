import { formatMinor } from '@niteos/ledger-core';

export const nc = (minor: number) => `${formatMinor(minor)} NC`;
export const chf = (minor: number) => `CHF ${formatMinor(minor)}`;

/** "just now", "5 min ago", "2 h ago". */
export function ago(ms: number | null, now = Date.now()): string {
  if (ms === null) return 'never';
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 10) return 'just now';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  return `${Math.floor(s / 3600)} h ago`;
}

/** What is left of a wait, rounded up so it never says 0 too soon: "45 s", then "3 min" from two minutes. */
export function timeLeft(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  return s >= 120 ? `${Math.ceil(s / 60)} min` : `${s} s`;
}

/** "23:41": when an op was made, on the till's own clock. */
export const clock = (iso: string) =>
  new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

/** A moment in full, in the viewer's zone: admins compare it with what staff remember. */
export const dateTime = (iso: string) => new Date(iso).toLocaleString();

/** When a balance was true: "23:41" today, "1 Nov 23:41" before, so an old one shows its age. */
export function asOf(iso: string, now = new Date()): string {
  const at = new Date(iso);
  if (at.toDateString() === now.toDateString()) return clock(iso);
  return `${at.toLocaleDateString([], { day: 'numeric', month: 'short' })} ${clock(iso)}`;
}
