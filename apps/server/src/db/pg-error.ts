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
  return root instanceof Error ? root.message : String(root);
}
