import type { FastifyInstance } from 'fastify';
import {
  CannedResponseCreateRequest,
  CannedResponseList,
  CannedResponseListQuery,
  CannedResponseResponse,
  CannedResponseUpdateRequest,
} from '@parley/protocol';
import type { AppContext } from '../shared/context';
import { IdParams, OkResponse, errors, typed } from '../shared/routing';
import { requireAgent } from '../auth/http';
import { createCanned, deleteCanned, listCanned, updateCanned } from './actions';

export function cannedRoutes(app: FastifyInstance, ctx: AppContext): void {
  const api = typed(app);
  const tags = ['canned responses'];

  api.get(
    '/api/v1/canned-responses',
    {
      schema: {
        tags,
        summary:
          'Canned responses this agent may use: shared ones (global, or of its sites; of one site with `siteId`) first, then its own; each by shortcut',
        querystring: CannedResponseListQuery,
        response: { 200: CannedResponseList, ...errors(400, 401, 403) },
      },
    },
    async (req) => ({
      cannedResponses: await listCanned(ctx, await requireAgent(ctx, req), req.query.siteId),
    }),
  );

  api.post(
    '/api/v1/canned-responses',
    {
      schema: {
        tags,
        summary:
          'Create a canned response: a personal one, or a shared one (`shared: true`, admin) for one site or all. Unknown {{variables}} are refused',
        body: CannedResponseCreateRequest,
        response: { 201: CannedResponseResponse, ...errors(400, 401, 403, 409, 422) },
      },
    },
    async (req, reply) =>
      reply
        .status(201)
        .send({ cannedResponse: await createCanned(ctx, await requireAgent(ctx, req), req.body) }),
  );

  api.patch(
    '/api/v1/canned-responses/:id',
    {
      schema: {
        tags,
        summary: 'Change a canned response (own personal ones; shared ones: admin)',
        params: IdParams,
        body: CannedResponseUpdateRequest,
        response: { 200: CannedResponseResponse, ...errors(400, 401, 403, 404, 409, 422) },
      },
    },
    async (req) => ({
      cannedResponse: await updateCanned(ctx, await requireAgent(ctx, req), req.params.id, req.body),
    }),
  );

  api.delete(
    '/api/v1/canned-responses/:id',
    {
      schema: {
        tags,
        summary: 'Delete a canned response (own personal ones; shared ones: admin)',
        params: IdParams,
        response: { 200: OkResponse, ...errors(401, 403, 404) },
      },
    },
    async (req) => {
      await deleteCanned(ctx, await requireAgent(ctx, req), req.params.id);
      return { ok: true as const };
    },
  );
}
