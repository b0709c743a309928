import type { Hono } from 'hono';
import { html } from 'hono/html';
import type { AppDeps, AppEnv } from '../context.ts';
import { buildOpenApi } from './spec.ts';

/** `/api/openapi.json` and a readable `/api/docs`, built once from the finished app. */
export function mountOpenApi(app: Hono<AppEnv>, deps: AppDeps) {
  let spec: ReturnType<typeof buildOpenApi> | null = null;
  const get = () => {
    spec ??= buildOpenApi(app.routes, deps.version);
    return spec;
  };
  app.get('/api/openapi.json', (c) => c.json(get()));
  app.get('/api/docs', (c) => {
    const rows = Object.entries(get().paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => {
        const o = op as {
          summary: string;
          'x-access': string;
          requestBody?: { content: { 'application/json': { schema: unknown } } };
        };
        const body = o.requestBody
          ? JSON.stringify(o.requestBody.content['application/json'].schema, null, 2)
          : '';
        return html`<tr><td><code>${method.toUpperCase()}</code></td><td><code>${path}</code></td><td>${o.summary}</td><td>${o['x-access']}</td><td>${body ? html`<details><summary>body</summary><pre>${body}</pre></details>` : ''}</td></tr>`;
      }),
    );
    return c.html(html`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>NiteOS API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:system-ui,sans-serif;margin:2rem;background:#0b0b12;color:#eee}table{border-collapse:collapse;width:100%}td{border-bottom:1px solid #333;padding:.4rem;vertical-align:top}code{color:#ff8cc6}pre{background:#161623;padding:.5rem;overflow:auto}a{color:#ff8cc6}</style>
</head><body><h1>NiteOS API ${get().info.version}</h1><p>Machine-readable: <a href="/api/openapi.json">/api/openapi.json</a>. Errors are <code>{"error": {"code", "message"}}</code>.</p>
<table><thead><tr><th>method</th><th>path</th><th>what</th><th>who</th><th></th></tr></thead><tbody>${rows}</tbody></table></body></html>`);
  });
}
