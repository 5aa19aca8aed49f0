import type { FastifyInstance } from 'fastify';
import { VisitorEraseResponse, VisitorExport } from '@parley/protocol';
import type { AppContext } from '../shared/context';
import { IdParams, errors, typed } from '../shared/routing';
import { requireAgent } from '../auth/http';
import type { FileStorage } from '../files/storage';
import { eraseVisitor, exportVisitor } from './visitorData';

export function privacyRoutes(app: FastifyInstance, ctx: AppContext, opts: { storage: FileStorage }): void {
  const api = typed(app);
  const tags = ['privacy'];

  api.get(
    '/api/v1/visitors/:id/export',
    {
      schema: {
        tags,
        summary:
          'Everything stored about a visitor, as a JSON download (admin): the visitor, page views, events, conversations with the messages it could see',
        params: IdParams,
        response: { 200: VisitorExport, ...errors(401, 403, 404) },
      },
    },
    async (req, reply) => {
      const data = await exportVisitor(ctx, await requireAgent(ctx, req), req.params.id);
      return reply
        .header(
          'content-disposition',
          `attachment; filename="visitor-${req.params.id.replace(/[^\w-]/g, '_')}.json"`,
        )
        .header('cache-control', 'no-store')
        .send(data);
    },
  );

  api.delete(
    '/api/v1/visitors/:id',
    {
      schema: {
        tags,
        summary:
          'Erase a visitor and everything it left (admin): conversations, messages, files, page views, events; audit-logged; its widget connections close',
        params: IdParams,
        response: { 200: VisitorEraseResponse, ...errors(401, 403, 404) },
      },
    },
    async (req) => ({
      ok: true as const,
      erased: await eraseVisitor(ctx, opts.storage, await requireAgent(ctx, req), req.params.id),
    }),
  );
}
