/**
 * The widget's assets as the server serves them: the loader, the hashed UI bundles, caching,
 * compression and CORS; and the demo page carrying the snippet.
 */
import { describe, expect, it } from 'vitest';
import { useTestServer } from './helpers';

const t = useTestServer();

async function get(path: string, headers: Record<string, string> = {}) {
  const res = await fetch(t.server.url + path, { headers });
  return { res, body: Buffer.from(await res.arrayBuffer()) };
}

describe('widget assets', () => {
  it('serves the loader to any origin, briefly cached, gzipped on request, 304 on a matching ETag', async () => {
    const plain = await get('/widget.js', { 'accept-encoding': 'identity', origin: 'https://shop.example' });
    expect(plain.res.status).toBe(200);
    expect(plain.res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(plain.res.headers.get('cache-control')).toBe('public, max-age=300');
    expect(plain.res.headers.get('access-control-allow-origin')).toBe('*');
    expect(plain.res.headers.get('content-encoding')).toBeNull();
    expect(plain.body.toString()).toContain('parley-widget');

    const zipped = await fetch(t.server.url + '/widget.js', { headers: { 'accept-encoding': 'gzip' } });
    expect(zipped.headers.get('content-encoding')).toBe('gzip');
    expect(zipped.headers.get('vary')).toContain('accept-encoding');

    const etag = plain.res.headers.get('etag') ?? '';
    expect(etag).toMatch(/^"[\w-]{16}"$/);
    const again = await get('/widget.js', { 'if-none-match': etag });
    expect(again.res.status).toBe(304);
    expect(again.body.length).toBe(0);
  });

  it('serves the UI bundles the loader names, immutable; unknown names are a 404 JSON error', async () => {
    const loader = (await get('/widget.js', { 'accept-encoding': 'identity' })).body.toString();
    const paths = [...loader.matchAll(/\/widget\/ui\.(en|hu|ru)\.[0-9a-f]{10}\.js/g)].map((m) => m[0]);
    expect(new Set(paths).size).toBe(3);
    for (const path of paths) {
      const { res, body } = await get(path, { 'accept-encoding': 'gzip' });
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      // fetch already decoded it; the module exports mount().
      expect(body.toString()).toMatch(/export\s*\{[^}]*as mount/);
    }
    const missing = await get('/widget/ui.en.0000000000.js');
    expect(missing.res.status).toBe(404);
    expect(JSON.parse(missing.body.toString())).toEqual({
      error: { code: 'not_found', message: 'no such widget asset' },
    });
  });
});

describe('demo page', () => {
  it('carries the snippet with the site key under a strict CSP, and escapes nothing it was not given', async () => {
    const { res, body } = await get(`/demo?site=${t.server.siteKey}`);
    expect(res.status).toBe(200);
    const html = body.toString();
    expect(html).toContain(`<script async src="/widget.js" data-site="${t.server.siteKey}"></script>`);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('content-security-policy')).not.toContain('unsafe-inline');

    const hostile = (await get('/demo?site=%22%3E%3Cscript%3Ealert(1)%3C/script%3E')).body.toString();
    expect(hostile).not.toContain('<script>alert(1)');
    expect(hostile).toContain('data-site=""');
    const shopJs = await get('/demo/shop.js');
    expect(shopJs.res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });
});
