import { generateKeyPairSync, randomBytes, sign, verify } from 'node:crypto';

/**
 * Floor (b): how many Ed25519 verifications of 200-byte messages one core
 * does with node:crypto and a cached KeyObject, the way the server verifies.
 */
export function ed25519VerifyRate(durationMs = 1_500): { perSecond: number; verified: number } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const messages = Array.from({ length: 64 }, () => randomBytes(200));
  const sigs = messages.map((m) => sign(null, m, privateKey));
  const run = (ms: number) => {
    let n = 0;
    const t0 = performance.now();
    let t = t0;
    while (t - t0 < ms) {
      for (let i = 0; i < messages.length; i++) {
        const m = messages[i];
        const s = sigs[i];
        if (!m || !s || !verify(null, m, publicKey, s))
          throw new Error('Ed25519 floor: bad verify');
      }
      n += messages.length;
      t = performance.now();
    }
    return { n, ms: t - t0 };
  };
  run(200); // warm up
  const { n, ms } = run(durationMs);
  return { perSecond: (n / ms) * 1000, verified: n };
}
