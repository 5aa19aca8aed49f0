import fs from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { build } from 'esbuild';

const PUBLIC_DIR = path.resolve(import.meta.dirname, '../../public');
const CLIENT_ENTRY = path.resolve(import.meta.dirname, '../../../client/src/index.ts');

let clientBundle: Promise<string> | undefined;

/** The client library as one browser ES module, built once per process on first request (~50 ms). */
function bundleClient(): Promise<string> {
  clientBundle ??= build({
    entryPoints: [CLIENT_ENTRY],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    write: false,
  }).then((r) => r.outputFiles[0]?.text ?? '');
  return clientBundle;
}

const PAGES: Record<string, string> = { '/demo': 'demo.html', '/console': 'console.html' };

/** The demo page (a visitor) and the minimal agent page, both built on the shared client library. */
export function demoRoutes(app: FastifyInstance): void {
  app.get('/', { schema: { hide: true } }, (_req, reply) => reply.redirect('/console'));
  for (const [route, file] of Object.entries(PAGES)) {
    app.get(route, { schema: { hide: true } }, async (_req, reply) => {
      const html = await fs.readFile(path.join(PUBLIC_DIR, file), 'utf8');
      return reply
        .type('text/html; charset=utf-8')
        .header(
          'content-security-policy',
          "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
        )
        .send(html);
    });
  }
  app.get('/assets/:file', { schema: { hide: true } }, async (req, reply) => {
    const file = (req.params as { file: string }).file;
    if (!/^[a-z0-9-]+\.(js|css)$/.test(file))
      return reply.status(404).send({ error: { code: 'not_found', message: 'no such asset' } });
    if (file === 'parley-client.js')
      return reply.type('text/javascript; charset=utf-8').send(await bundleClient());
    try {
      const body = await fs.readFile(path.join(PUBLIC_DIR, file), 'utf8');
      return await reply
        .type(file.endsWith('.js') ? 'text/javascript; charset=utf-8' : 'text/css; charset=utf-8')
        .send(body);
    } catch {
      return reply.status(404).send({ error: { code: 'not_found', message: 'no such asset' } });
    }
  });
}
