/**
 * The app speaks English (index.html's `lang`): numbers and dates in British
 * English, which writes the 24-hour clock and the day before the month.
 */
const LOCALE = 'en-GB';

const MINOR = { minimumFractionDigits: 2, maximumFractionDigits: 2 } as const;

/** NC and CHF are integer minor units (1 NC = 100). */
export function nc(minor: number): string {
  const sign = minor < 0 ? '−' : '';
  return `${sign}${(Math.abs(minor) / 100).toLocaleString(LOCALE, MINOR)} NC`;
}

export function chf(minor: number): string {
  return `CHF ${(minor / 100).toLocaleString(LOCALE, MINOR)}`;
}

export function ago(at: number, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - at) / 1000));
  if (s < 45) return 'just now';
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 36) return `${h} h ago`;
  return new Date(at).toLocaleDateString(LOCALE, { day: 'numeric', month: 'short' });
}

/** "15:28": the time of day of `at` (ms). */
export function clock(at: number): string {
  return new Date(at).toLocaleTimeString(LOCALE, { hour: '2-digit', minute: '2-digit' });
}

/** "Wed 26 Nov, 15:28". */
export function when(iso: string): string {
  return new Date(iso).toLocaleString(LOCALE, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
  });
}
