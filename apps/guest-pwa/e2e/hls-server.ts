import { createReadStream, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

const TYPES: Record<string, string> = {
  '.m3u8': 'application/vnd.apple.mpegurl',
  '.m2ts': 'video/mp2t',
};

/**
 * A plain static server for the radio fixture, on its own port: the venue's
 * stream lives elsewhere, never on a NiteOS host, and is read cross-origin.
 */
export async function serveStream(
  dir: string,
): Promise<{ url: (file: string) => string; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const file = path.join(dir, path.basename(new URL(req.url ?? '/', 'http://x').pathname));
    res.setHeader('access-control-allow-origin', '*');
    if (!existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (file) => `http://127.0.0.1:${port}/${file}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
