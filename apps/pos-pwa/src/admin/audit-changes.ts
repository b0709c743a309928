/** Longest value shown on one line. */
const MAX_LINE = 80;
/** What a longer one keeps of its end, where a posting's amount is. */
const KEEP_END = 24;

function line(label: string, value: unknown): string {
  const shown = JSON.stringify(value) ?? 'null';
  if (shown.length <= MAX_LINE) return `${label}: ${shown}`;
  const head = shown.slice(0, MAX_LINE - KEEP_END - 1);
  return `${label}: ${head}…${shown.slice(-KEEP_END)}`;
}

/**
 * What an audit entry set, as `field: value` lines: the fields of `after`
 * that differ from `before`. A list gets a line per item, and a long value
 * is cut in the middle, so each of a resolution's postings still shows its
 * amount (it used to be cut off the end of the whole list).
 */
export function auditChanges(before: unknown, after: unknown): string[] {
  if (after === null || typeof after !== 'object') return [];
  const was =
    before !== null && typeof before === 'object' ? (before as Record<string, unknown>) : {};
  return Object.entries(after as Record<string, unknown>)
    .filter(([field, value]) => JSON.stringify(was[field]) !== JSON.stringify(value))
    .flatMap(([field, value]) =>
      Array.isArray(value) && value.length > 0
        ? value.map((item, i) => line(`${field}[${i}]`, item))
        : [line(field, value)],
    );
}
