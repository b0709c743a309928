import http from 'node:http';

export interface HttpReply {
  status: number;
  body: Buffer;
}

/**
 * A small keep-alive HTTP/1.1 client on node:http: less client CPU than
 * fetch, which matters when the load generator shares two cores with the
 * server and the database.
 */
export function httpClient(origin: string) {
  const url = new URL(origin);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

  function request(
    method: string,
    path: string,
    body: Buffer | null,
    headers: Record<string, string> = {},
  ): Promise<HttpReply> {
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: url.hostname,
          port: url.port,
          method,
          path,
          agent,
          headers: {
            ...headers,
            ...(body ? { 'content-type': 'application/json', 'content-length': body.length } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body ?? undefined);
    });
  }

  /** JSON request that must answer `expect`; returns the parsed body. */
  async function json<T>(
    method: string,
    path: string,
    body: unknown,
    token: string | null,
    expect: number,
  ): Promise<T> {
    const reply = await request(
      method,
      path,
      body === undefined ? null : Buffer.from(JSON.stringify(body)),
      token ? { authorization: `Bearer ${token}` } : {},
    );
    if (reply.status !== expect) {
      throw new Error(
        `${method} ${path}: HTTP ${reply.status} ${reply.body.toString().slice(0, 500)}`,
      );
    }
    return JSON.parse(reply.body.toString()) as T;
  }

  return { request, json, close: () => agent.destroy() };
}

export type HttpClient = ReturnType<typeof httpClient>;
