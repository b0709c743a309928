#!/usr/bin/env node
// Draws the NiteOS app icons (a neon ring on the night background) as PNG
// without an image toolchain: node:zlib and the PNG chunk format are enough.
// Usage: node scripts/make-icons.mjs <out-dir> [hex colour]
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { deflateSync } from 'node:zlib';

const [outDir = '.', accent = 'ff2d95'] = process.argv.slice(2);
const BG = [0x0b, 0x0b, 0x12];
const FG = [0, 2, 4].map((i) => Number.parseInt(accent.slice(i, i + 2), 16));

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
};

/** A ring of outer radius `outer` and inner `inner` (fractions of the size), anti-aliased. */
function png(size, outer, inner) {
  const rows = [];
  const c = (size - 1) / 2;
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 4);
    for (let x = 0; x < size; x++) {
      const d = Math.hypot(x - c, y - c) / size;
      const cover =
        Math.max(0, Math.min(1, (outer - d) * size + 0.5)) *
        Math.max(0, Math.min(1, (d - inner) * size + 0.5));
      const px = BG.map((b, i) => Math.round(b + (FG[i] - b) * cover));
      row.set([...px, 255], 1 + x * 4);
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

mkdirSync(outDir, { recursive: true });
for (const size of [192, 512]) {
  writeFileSync(path.join(outDir, `icon-${size}.png`), png(size, 0.34, 0.22));
  // Maskable icons keep their mark inside the 80% safe zone.
  writeFileSync(path.join(outDir, `maskable-${size}.png`), png(size, 0.26, 0.17));
}
