/** An error and its causes, outermost first: drizzle wraps the driver's error. */
export function causes(err: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e: unknown = err; e; e = (e as { cause?: unknown }).cause) chain.push(e);
  return chain;
}

/** Whether the error, or one it wraps, carries the SQLSTATE `code`. */
export function hasSqlState(err: unknown, code: string): boolean {
  return causes(err).some((e) => (e as { code?: unknown }).code === code);
}

/**
 * What went wrong, in the innermost cause's words ("connect ECONNREFUSED",
 * "No space left on device"): drizzle's wrapper message only names the
 * failed query, with every parameter.
 */
export function rootMessage(err: unknown): string {
  const root = causes(err).at(-1);
  if (!(root instanceof Error)) return String(root);
  // Node reports a refused host name with both an IPv6 and an IPv4 address
  // (localhost) as an AggregateError with an empty message: say each try.
  if (!root.message && root instanceof AggregateError)
    return [...new Set(root.errors.map((e) => rootMessage(e)))].join('; ');
  return root.message || (root as { code?: string }).code || root.name;
}
