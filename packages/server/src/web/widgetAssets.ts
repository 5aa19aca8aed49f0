import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { widgetBuild, type WidgetAsset } from '@parley/widget';

const notFound = { error: { code: 'not_found', message: 'no such widget asset' } } as const;

/**
 * The website widget's assets (see docs/widget.md): `/widget.js`, the loader every host page
 * includes, and `/widget/ui.<lang>.<hash>.js`, the chat UI it imports on demand. Built by esbuild
 * once per process, on first request. Any origin may load them (they are public code), the UI
 * through CORS since it is an ES module. The loader is cached briefly so that an upgrade reaches
 * visitors within minutes; the UI is named by its content and cached for good.
 */
export function widgetAssetRoutes(app: FastifyInstance): void {
  app.get('/widget.js', { schema: { hide: true } }, async (req, reply) => {
    const { loader } = await widgetBuild();
    return send(req, reply, loader, 'public, max-age=300');
  });
  app.get('/widget/:file', { schema: { hide: true } }, async (req, reply) => {
    const { file } = req.params as { file: string };
    const found = (await widgetBuild()).byPath.get(`/widget/${file}`);
    if (found === undefined) return reply.status(404).send(notFound);
    return send(req, reply, found, 'public, max-age=31536000, immutable');
  });
}

function send(req: FastifyRequest, reply: FastifyReply, asset: WidgetAsset, cacheControl: string) {
  void reply
    .header('content-type', asset.contentType)
    .header('cache-control', cacheControl)
    .header('etag', asset.etag)
    .header('vary', 'accept-encoding')
    .header('access-control-allow-origin', '*')
    .header('cross-origin-resource-policy', 'cross-origin');
  if (req.headers['if-none-match'] === asset.etag) return reply.status(304).send();
  if (/\bgzip\b/.test(req.headers['accept-encoding'] ?? '')) {
    return reply.header('content-encoding', 'gzip').send(asset.gzip);
  }
  return reply.send(asset.body);
}
