import type { FastifyInstance } from 'fastify';
import { SiteCreateRequest, SiteList, SiteResponse, SiteUpdateRequest } from '@parley/protocol';
import type { AppContext } from '../shared/context';
import { IdParams, errors, typed } from '../shared/routing';
import { requireAgent } from '../auth/http';
import { createSite, getSite, listSites, updateSite } from './actions';

export function siteRoutes(app: FastifyInstance, ctx: AppContext): void {
  const api = typed(app);
  const tags = ['sites'];

  api.get(
    '/api/v1/sites',
    {
      schema: {
        tags,
        summary: 'Sites this agent belongs to (all for owners and admins)',
        response: { 200: SiteList, ...errors(401) },
      },
    },
    async (req) => ({
      sites: await listSites(ctx, await requireAgent(ctx, req)),
    }),
  );

  api.post(
    '/api/v1/sites',
    {
      schema: {
        tags,
        summary: 'Create a site (admin)',
        body: SiteCreateRequest,
        response: { 201: SiteResponse, ...errors(400, 401, 403, 422) },
      },
    },
    async (req, reply) =>
      reply.status(201).send({ site: await createSite(ctx, await requireAgent(ctx, req), req.body) }),
  );

  api.get(
    '/api/v1/sites/:id',
    {
      schema: {
        tags,
        summary: 'One site',
        params: IdParams,
        response: { 200: SiteResponse, ...errors(401, 403, 404) },
      },
    },
    async (req) => ({ site: await getSite(ctx, await requireAgent(ctx, req), req.params.id) }),
  );

  api.patch(
    '/api/v1/sites/:id',
    {
      schema: {
        tags,
        summary: 'Change a site (admin); settings are merged',
        params: IdParams,
        body: SiteUpdateRequest,
        response: { 200: SiteResponse, ...errors(400, 401, 403, 404, 422) },
      },
    },
    async (req) => ({ site: await updateSite(ctx, await requireAgent(ctx, req), req.params.id, req.body) }),
  );
}
