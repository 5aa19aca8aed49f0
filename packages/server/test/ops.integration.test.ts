import { describe, expect, it } from 'vitest';
import { registeredRoutes } from '../src/app';
import { createVisitor, http, uuid, useTestServer, visitorSocket } from './helpers';

const t = useTestServer();

describe('operations endpoints', () => {
  it('/healthz reports the database check', async () => {
    const r = await http<{ status: string; checks: { database: { ok: boolean } } }>(
      t.server,
      'GET',
      '/healthz',
    );
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'ok', checks: { database: { ok: true } } });
    expect(r.headers.get('x-request-id')).toMatch(/[0-9a-f-]{36}/);
  });

  it('/metrics exposes connections, messages and latencies in Prometheus text format', async () => {
    const v = await createVisitor(t.server, t.server.siteKey);
    const ws = await visitorSocket(t.server, v.token);
    await ws.next('welcome');
    ws.send({ t: 'send', clientMsgId: uuid(), body: 'count me' });
    await ws.next('ack');
    const r = await fetch(t.server.url + '/metrics');
    expect(r.headers.get('content-type')).toContain('text/plain');
    const text = await r.text();
    expect(text).toMatch(/parley_ws_connections\{role="visitor"\} 1/);
    expect(text).toMatch(/parley_messages_total\{author="visitor"\} 1/);
    expect(text).toMatch(/parley_send_ack_seconds_count 1/);
    expect(text).toMatch(
      /parley_http_request_seconds_count\{method="POST",route="\/api\/v1\/visitor\/session",status="201"\} 1/,
    );
    expect(text).toContain('parley_process_resident_memory_bytes');
    ws.close();
  });

  it('echoes a caller-supplied request id', async () => {
    const r = await http(t.server, 'GET', '/healthz', { headers: { 'x-request-id': 'trace-abc-123' } });
    expect(r.headers.get('x-request-id')).toBe('trace-abc-123');
  });
});

describe('OpenAPI', () => {
  it('describes every REST endpoint as OpenAPI 3.1', async () => {
    const r = await http<{
      openapi: string;
      paths: Record<string, Record<string, { summary?: string; responses: Record<string, unknown> }>>;
    }>(t.server, 'GET', '/api/openapi.json');
    expect(r.body.openapi).toBe('3.1.0');
    const documented = new Set(
      Object.entries(r.body.paths).flatMap(([p, ops]) =>
        Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`),
      ),
    );
    // Every route the server registered under /api/v1 (and /healthz) is in the document.
    const registered = registeredRoutes(t.server.app).filter(
      (r) => r.path.startsWith('/api/v1/') || r.path === '/healthz',
    );
    expect(registered.length).toBeGreaterThan(20);
    for (const r of registered) {
      for (const m of r.methods.filter((x) => x !== 'HEAD' && x !== 'OPTIONS')) {
        expect(documented, `${m} ${r.path}`).toContain(`${m} ${r.path.replace(/:(\w+)/g, '{$1}')}`);
      }
    }
    for (const p of [
      'POST /api/v1/auth/login',
      'GET /api/v1/auth/session',
      'POST /api/v1/visitor/session',
      'POST /api/v1/visitor/conversations',
      'GET /api/v1/visitor/conversations/{id}/messages',
      'GET /api/v1/conversations',
      'POST /api/v1/conversations/{id}/messages',
      'POST /api/v1/conversations/{id}/assign',
      'POST /api/v1/conversations/{id}/close',
      'GET /api/v1/sites',
      'PATCH /api/v1/agents/{id}',
      'GET /healthz',
    ]) {
      expect(documented).toContain(p);
    }
    for (const [path, ops] of Object.entries(r.body.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        expect(op.summary, `${method} ${path} has a summary`).toBeTruthy();
        expect(Object.keys(op.responses).length, `${method} ${path} documents responses`).toBeGreaterThan(0);
      }
    }
  });

  it('serves the API browser locally, with no external URL', async () => {
    const page = await fetch(t.server.url + '/api/docs/');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('swagger');
    // Every asset is loaded from the server itself.
    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? '');
    expect(refs.length).toBeGreaterThan(3);
    for (const ref of refs) expect(ref).toMatch(/^\.\//);
    const init = await (await fetch(t.server.url + '/api/docs/static/swagger-initializer.js')).text();
    // Swagger UI's default would fetch a badge from a public validator.
    expect(init).toContain('"validatorUrl":null');
  });
});
