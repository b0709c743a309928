import { expect, test } from 'vitest';
import { inCi } from './ci.ts';

test('any CI system spelling counts as CI; unset, empty, 0 and false do not', () => {
  for (const value of ['true', 'True', '1', 'yes', 'github-actions'])
    expect(inCi({ CI: value }), value).toBe(true);
  for (const value of [undefined, '', ' ', '0', 'false', 'FALSE'])
    expect(inCi({ CI: value }), String(value)).toBe(false);
});
