import fs from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { build } from 'esbuild';

const PUBLIC_DIR = path.resolve(import.meta.dirname, '../../public');
const WEB_DIR = path.resolve(import.meta.dirname, '../web');

/** Browser entry points (TypeScript, type-checked with the rest) served as bundled ES modules. */
const SCRIPTS: Record<string, string> = {
  'console.js': path.join(WEB_DIR, 'console.ts'),
};
const bundles = new Map<string, Promise<string>>();

/** Each page script is bundled once per process, on first request (esbuild: tens of ms). */
function bundle(entry: string): Promise<string> {
  let b = bundles.get(entry);
  if (!b) {
    b = build({
      entryPoints: [entry],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2020',
      minify: true,
      write: false,
    }).then((r) => r.outputFiles[0]?.text ?? '');
    bundles.set(entry, b);
  }
  return b;
}

const PAGES: Record<string, string> = { '/console': 'console.html' };
const CSP =
  "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/** The demo page (a visitor) and the minimal agent console, both built on the shared client library. */
export function demoRoutes(app: FastifyInstance): void {
  app.get('/', { schema: { hide: true } }, (_req, reply) => reply.redirect('/console'));
  for (const [route, file] of Object.entries(PAGES)) {
    app.get(route, { schema: { hide: true } }, async (_req, reply) => {
      const html = await fs.readFile(path.join(PUBLIC_DIR, file), 'utf8');
      return reply.type('text/html; charset=utf-8').header('content-security-policy', CSP).send(html);
    });
  }
  app.get('/assets/:file', { schema: { hide: true } }, async (req, reply) => {
    const file = (req.params as { file: string }).file;
    const entry = SCRIPTS[file];
    if (entry !== undefined) return reply.type('text/javascript; charset=utf-8').send(await bundle(entry));
    if (!/^[a-z0-9-]+\.css$/.test(file)) {
      return reply.status(404).send({ error: { code: 'not_found', message: 'no such asset' } });
    }
    try {
      const body = await fs.readFile(path.join(PUBLIC_DIR, file), 'utf8');
      return await reply.type('text/css; charset=utf-8').send(body);
    } catch {
      return reply.status(404).send({ error: { code: 'not_found', message: 'no such asset' } });
    }
  });
}
