import fs from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';

const PUBLIC_DIR = path.resolve(import.meta.dirname, '../../public');
const SITE_KEY = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The page is an ordinary host page, so it gets a strict CSP of its own: the widget needs nothing
 * beyond the Parley origin (here the same one) in script-src and connect-src (ws included).
 */
const CSP =
  "default-src 'self'; script-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

const FILES: Record<string, { file: string; type: string }> = {
  '/demo/shop.css': { file: 'demo.css', type: 'text/css; charset=utf-8' },
  '/demo/shop.js': { file: 'demo.js', type: 'text/javascript; charset=utf-8' },
};

/**
 * `/demo?site=KEY`: a pretend shop page carrying the real widget through the one-line snippet,
 * and the shop's own stylesheet and script (which uses the widget's JS API through the stub).
 */
export function demoPageRoutes(app: FastifyInstance): void {
  app.get('/demo', { schema: { hide: true } }, async (req, reply) => {
    const site = (req.query as { site?: unknown }).site;
    const key = typeof site === 'string' && SITE_KEY.test(site) ? site : '';
    const html = (await fs.readFile(path.join(PUBLIC_DIR, 'demo.html'), 'utf8'))
      .replaceAll('{{SITE_KEY}}', key)
      .replace('{{NOTE_HIDDEN}}', key === '' ? '' : 'hidden');
    return reply.type('text/html; charset=utf-8').header('content-security-policy', CSP).send(html);
  });
  for (const [route, { file, type }] of Object.entries(FILES)) {
    app.get(route, { schema: { hide: true } }, async (_req, reply) =>
      reply.type(type).send(await fs.readFile(path.join(PUBLIC_DIR, file), 'utf8')),
    );
  }
}
