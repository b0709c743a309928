import { errorReplySchema } from '@niteos/schema/wire';
import { z } from 'zod';
import { ROUTE_DOCS, type RouteDoc } from './docs.ts';

const SECURITY: Record<string, object[]> = {
  public: [],
  device: [{ deviceToken: [] }],
  user: [{ accessToken: [] }],
  guest: [{ accessToken: [] }],
  admin: [{ accessToken: [] }],
  nitecore: [{ accessToken: [] }],
};

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  204: 'No content',
  503: 'Not ready',
};

function replies({ reply, status }: RouteDoc): Record<string, object> {
  if (!reply) {
    const success = status ?? 200;
    const described = { description: STATUS_TEXT[success] };
    return {
      [success]:
        success === 204 ? described : { ...described, content: { 'application/json': {} } },
    };
  }
  // As input: a reply may carry fields added later, which clients should ignore.
  const schema = z.toJSONSchema(reply.schema, { io: 'input' });
  return Object.fromEntries(
    reply.statuses.map((status) => [
      String(status),
      {
        description: STATUS_TEXT[status] ?? String(status),
        content: { 'application/json': { schema } },
      },
    ]),
  );
}

/** A route's query schema as OpenAPI query parameters, one per field. */
function queryParameters(query: RouteDoc['query']): object[] {
  if (!query) return [];
  const json = z.toJSONSchema(query, { io: 'input' }) as {
    properties?: Record<string, object>;
    required?: string[];
  };
  return Object.entries(json.properties ?? {}).map(([name, schema]) => ({
    name,
    in: 'query',
    required: json.required?.includes(name) ?? false,
    schema,
  }));
}

/** The API routes the app has, as `METHOD /path` (Hono's `:param` syntax). */
export function apiRouteKeys(routes: { method: string; path: string }[]): string[] {
  return [
    ...new Set(
      routes
        .filter((r) => r.path.startsWith('/api/') && r.method !== 'ALL')
        .map((r) => `${r.method} ${r.path}`),
    ),
  ];
}

/** OpenAPI 3.1 built from the app's route table and the schemas its routes validate with. */
export function buildOpenApi(routes: { method: string; path: string }[], version: string) {
  const paths: Record<string, Record<string, object>> = {};
  for (const key of apiRouteKeys(routes)) {
    const doc = ROUTE_DOCS[key];
    if (!doc) continue;
    const [method = '', path = ''] = key.split(' ');
    const openPath = path.replace(/:(\w+)/g, '{$1}');
    const parameters = [
      ...[...path.matchAll(/:(\w+)/g)].map((m) => ({
        name: m[1],
        in: 'path',
        required: true,
        schema: { type: 'string' },
      })),
      ...queryParameters(doc.query),
    ];
    paths[openPath] ??= {};
    (paths[openPath] as Record<string, object>)[method.toLowerCase()] = {
      summary: doc.summary,
      tags: [doc.tag],
      security: SECURITY[doc.access],
      'x-access': doc.access,
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(doc.body
        ? {
            requestBody: {
              required: true,
              content: {
                'application/json': { schema: z.toJSONSchema(doc.body, { io: 'input' }) },
              },
            },
          }
        : {}),
      responses: {
        ...replies(doc),
        default: {
          description: 'An error: {"error": {"code", "message"}}',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'NiteOS API',
      version,
      description: 'Till sync protocol (shared/docs/sync-protocol.md), guest and back-office API.',
    },
    paths,
    components: {
      securitySchemes: {
        accessToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        deviceToken: {
          type: 'http',
          scheme: 'bearer',
          description: "A till's device token from enrollment",
        },
      },
      schemas: {
        Error: z.toJSONSchema(errorReplySchema, { io: 'input' }),
      },
    },
  };
}
