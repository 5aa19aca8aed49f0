import type { FastifyInstance, FastifyReply } from 'fastify';
import { buildConsole, type ConsoleBundle } from '@parley/console';
import * as z from 'zod';

/**
 * The console SPA (packages/console): its page at /console and its content-hashed files under
 * /console/assets/, bundled once per process on first request. The page is served under a strict
 * CSP: no inline script or style, nothing from another origin, framed by nobody.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "connect-src 'self' ws: wss:",
  "img-src 'self' data: blob:",
  "style-src 'self'",
  "script-src 'self'",
  // The site editor's widget preview is a page of this server.
  "frame-src 'self'",
  "object-src 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

/** The widget preview: a page of this server with the real widget, framed by the console only. */
const PREVIEW_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "connect-src 'self' ws: wss:",
  "img-src 'self' data:",
  "style-src 'self'",
  "frame-src 'self'",
  "object-src 'none'",
  "frame-ancestors 'self'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

const AssetParams = z.object({ file: z.string().max(100) });
const PreviewQuery = z.object({ site: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) });

export function consoleRoutes(app: FastifyInstance): void {
  let bundle: Promise<ConsoleBundle> | undefined;
  const built = (): Promise<ConsoleBundle> => {
    bundle ??= buildConsole().catch((error: unknown) => {
      bundle = undefined; // a failed build is tried again on the next request
      throw error;
    });
    return bundle;
  };
  const notFound = (reply: FastifyReply) =>
    reply.status(404).send({ error: { code: 'not_found', message: 'no such asset' } });

  app.get('/', { schema: { hide: true } }, (_req, reply) => reply.redirect('/console'));
  app.get('/console', { schema: { hide: true } }, async (_req, reply) => {
    const { html } = await built();
    return reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', CONSOLE_CSP)
      .header('cache-control', 'no-cache')
      .header('referrer-policy', 'same-origin')
      .send(html);
  });
  app.get('/console/', { schema: { hide: true } }, (_req, reply) => reply.redirect('/console'));

  app.get('/console/preview', { schema: { hide: true } }, async (req, reply) => {
    const query = PreviewQuery.safeParse(req.query);
    if (!query.success) {
      return reply
        .status(400)
        .send({ error: { code: 'validation_failed', message: 'site must be a site key' } });
    }
    const { previewHtml } = await built();
    return reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', PREVIEW_CSP)
      .header('cache-control', 'no-cache')
      .send(previewHtml(query.data.site));
  });

  app.get('/console/assets/:file', { schema: { hide: true } }, async (req, reply) => {
    const parsed = AssetParams.safeParse(req.params);
    if (!parsed.success) return notFound(reply);
    const asset = (await built()).assets.get(parsed.data.file);
    if (asset === undefined) return notFound(reply);
    // The names carry a hash of the content: a new build has new names.
    return reply
      .type(asset.contentType)
      .header('cache-control', 'public, max-age=31536000, immutable')
      .send(asset.body);
  });
}
