/**
 * The wire guard (STYLE.md, after Rocicorp mono): every schema and code in
 * this folder, rendered as JSON Schema, is pinned to SYNC_PROTOCOL_VERSION.
 * Change the wire and this fails until you bump the version, which starts
 * a new snapshot file (`wire-v<N>.json.snap`) and a new line in WIRE_HASHES.
 * `vitest -u` can rewrite a snapshot but not WIRE_HASHES: a bump stays a
 * deliberate edit. If only zod's rendering changed (an upgrade, same wire),
 * regenerate the snapshot and its hash without a bump, and say so in the
 * commit. The `.snap` suffix keeps Biome from reformatting the snapshot.
 * Types without a runtime schema are not covered: give them a schema to
 * bring them under the guard.
 */
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import * as api from './api.ts';
import * as codes from './codes.ts';
import * as envelope from './envelope.ts';
import * as sync from './sync.ts';

/** The contract's wire: the sync protocol and the endpoints of its section 8 (not the back office's). */
const wire = { ...api, ...codes, ...envelope, ...sync };

import { envelopeSchema, pushRequestSchema, SYNC_PROTOCOL_VERSION } from './index.ts';

/** SHA-256 (hex) of each version's wire snapshot. Add a line when you bump the version. */
const WIRE_HASHES: Record<number, string> = {
  1: '384e74280620bb4ae0879175181aa9f03015c85800fa01cb5707f2dfaeb58d3a',
  2: '1e62c4edd0e37671d693a406d8d2b25f9e08aa5af22349528d94af12f8a38bbd',
  // Re-recorded, not bumped, when the replies of §4, §5 and §8 got schemas,
  // and again when the error body did: the same wire, more of it pinned (no
  // schema of the earlier hash changed).
  3: '33827a364b496b3b17c8e788d04673063b73ab9d835ea96b7a2caf43bb8245c5',
};

/** Every exported schema as JSON Schema, and every exported constant, by name. */
function renderWire(exports: Record<string, unknown> = wire): string {
  const schemas: Record<string, unknown> = {};
  const constants: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(exports).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (name === 'SYNC_PROTOCOL_VERSION') continue;
    if (value instanceof z.ZodType) schemas[name] = z.toJSONSchema(value);
    else constants[name] = value;
  }
  return `${JSON.stringify({ version: SYNC_PROTOCOL_VERSION, constants, schemas }, null, 2)}\n`;
}

describe('wire version', () => {
  const rendered = renderWire();

  test('the snapshot of this protocol version matches the wire schemas', async () => {
    await expect(rendered).toMatchFileSnapshot(
      `./__snapshots__/wire-v${SYNC_PROTOCOL_VERSION}.json.snap`,
    );
  });

  test('the wire schemas hash to the value recorded for this protocol version', async () => {
    // Web Crypto, not node:crypto: this folder stays browser-safe, tests included.
    const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(rendered));
    const hash = Buffer.from(digest).toString('hex');
    expect(
      hash,
      `the wire changed: bump SYNC_PROTOCOL_VERSION (with a history line) and record ${hash}`,
    ).toBe(WIRE_HASHES[SYNC_PROTOCOL_VERSION]);
  });

  test('the rendering covers the envelope and the push body', () => {
    const parsed = JSON.parse(rendered);
    expect(parsed.schemas.envelopeSchema).toEqual(z.toJSONSchema(envelopeSchema));
    expect(parsed.schemas.pushRequestSchema).toEqual(z.toJSONSchema(pushRequestSchema));
    expect(parsed.constants.RejectReason.schema).toBe('schema');
    expect(Object.keys(parsed.schemas).length).toBeGreaterThanOrEqual(15);
  });

  test('a change to a wire schema or constant changes the rendering the hash is taken of', () => {
    const widened = envelopeSchema.extend({ tipNc: z.int().min(0) });
    expect(renderWire({ ...wire, envelopeSchema: widened })).not.toBe(rendered);
    expect(renderWire({ ...wire, RejectReason: { ...codes.RejectReason, tip: 'tip' } })).not.toBe(
      rendered,
    );
    expect(renderWire({ ...wire })).toBe(rendered);
  });
});
