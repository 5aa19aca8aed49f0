import type { FastifyInstance } from 'fastify';
import { VisitorSessionRequest, VisitorSessionResponse } from '@parley/protocol';
import type { AppContext } from '../shared/context';
import { errors, typed } from '../shared/routing';
import { startVisitorSession } from './actions';

export function visitorRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  opts: { sessionsPerMinute: number },
): void {
  // Widgets call these from any page of the owner's sites: CORS is answered here, and the site's
  // allowed origins are enforced by the actions. No cookies are involved, so no credentials mode.
  app.addHook('onRequest', async (req, reply) => {
    if (!req.url.startsWith('/api/v1/visitor/')) return;
    const origin = req.headers.origin;
    if (origin !== undefined) {
      reply.header('access-control-allow-origin', origin);
      reply.header('vary', 'Origin');
    }
    if (req.method === 'OPTIONS') {
      reply.header('access-control-allow-methods', 'GET, POST');
      reply.header('access-control-allow-headers', 'content-type, authorization');
      reply.header('access-control-max-age', '600');
      await reply.status(204).send();
    }
  });

  typed(app).post(
    '/api/v1/visitor/session',
    {
      schema: {
        tags: ['visitor'],
        security: [],
        summary: 'Get a visitor token for a site, or resume the visitor of an earlier token',
        body: VisitorSessionRequest,
        response: { 200: VisitorSessionResponse, 201: VisitorSessionResponse, ...errors(400, 403, 404, 429) },
      },
      config: { rateLimit: { max: opts.sessionsPerMinute, timeWindow: '1 minute' } },
    },
    async (req, reply) => {
      const ua = req.headers['user-agent'];
      const r = await startVisitorSession(ctx, req.body, {
        origin: req.headers.origin,
        userAgent: typeof ua === 'string' ? ua : null,
      });
      return reply.status(r.created ? 201 : 200).send(r);
    },
  );
}
