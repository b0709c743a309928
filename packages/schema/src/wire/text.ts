/** A UTF-16 half without its pair: not Unicode, so RFC 8785 cannot canonicalize it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Whether any string in `value` is text no store or signature can take:
 * NUL (PostgreSQL refuses it) or a lone surrogate (not Unicode). JSON can
 * carry both, so a request body can too.
 */
export function unstorableText(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\0') || LONE_SURROGATE.test(value);
  if (Array.isArray(value)) return value.some(unstorableText);
  if (value !== null && typeof value === 'object') return Object.values(value).some(unstorableText);
  return false;
}

export const UNSTORABLE_TEXT = 'text must be Unicode without NUL characters';
