import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

/** Part 4 of the till bench: the JavaScript a first visit loads, gzipped. */

export interface JsFile {
  path: string;
  bytes: number;
  gzipBytes: number;
  why: string;
}

/** A built file by its URL path under /pos/, raw and gzipped at level 9. */
function gzipOf(dist: string, urlPath: string): { bytes: number; gzipBytes: number } {
  const buf = readFileSync(path.join(dist, urlPath.replace(/^\/pos\//, '')));
  return { bytes: buf.length, gzipBytes: gzipSync(buf, { level: 9 }).length };
}

/**
 * What index.html in `dist` loads plus the scripts the page `requested`
 * before it was idle; every other chunk is lazy, the service worker apart.
 */
export function initialJs(dist: string, requested: string[]) {
  const html = readFileSync(path.join(dist, 'index.html'), 'utf8');
  const fromHtml = new Set<string>();
  for (const m of html.matchAll(/<script[^>]*\ssrc="([^"]+\.js)"/g)) if (m[1]) fromHtml.add(m[1]);
  for (const m of html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+\.js)"/g))
    if (m[1]) fromHtml.add(m[1]);
  const files: JsFile[] = [];
  for (const p of fromHtml) files.push({ path: p, ...gzipOf(dist, p), why: 'index.html' });
  for (const p of requested) {
    if (fromHtml.has(p)) continue;
    files.push({ path: p, ...gzipOf(dist, p), why: 'requested before idle' });
  }
  const initial = new Set(files.map((f) => f.path));
  const lazy = readdirSync(path.join(dist, 'assets'))
    .filter((f) => f.endsWith('.js'))
    .map((f) => `/pos/assets/${f}`)
    .filter((p) => !initial.has(p))
    .map((p) => ({ path: p, ...gzipOf(dist, p) }));
  const serviceWorker = readdirSync(dist)
    .filter((f) => f.endsWith('.js'))
    .map((f) => ({ path: `/pos/${f}`, ...gzipOf(dist, `/pos/${f}`) }));
  const gzipBytes = files.reduce((t, f) => t + f.gzipBytes, 0);
  const bytes = files.reduce((t, f) => t + f.bytes, 0);
  return { files, bytes, gzipBytes, lazy, serviceWorker };
}
