import type { FastifyInstance } from 'fastify';
import { TagCreateRequest, TagList, TagListQuery, TagResponse, TagUpdateRequest } from '@parley/protocol';
import type { AppContext } from '../shared/context';
import { IdParams, OkResponse, errors, typed } from '../shared/routing';
import { requireAgent } from '../auth/http';
import { createTag, deleteTag, listTags, updateTag } from './actions';

export function tagRoutes(app: FastifyInstance, ctx: AppContext): void {
  const api = typed(app);
  const tags = ['tags'];

  api.get(
    '/api/v1/tags',
    {
      schema: {
        tags,
        summary: 'Tags this agent may use: the global ones and those of its sites (`siteId`: of one site)',
        querystring: TagListQuery,
        response: { 200: TagList, ...errors(400, 401, 403) },
      },
    },
    async (req) => ({ tags: await listTags(ctx, await requireAgent(ctx, req), req.query.siteId) }),
  );

  api.post(
    '/api/v1/tags',
    {
      schema: {
        tags,
        summary: 'Create a tag (admin), for one site or all (`siteId: null`); names are unique per scope',
        body: TagCreateRequest,
        response: { 201: TagResponse, ...errors(400, 401, 403, 409, 422) },
      },
    },
    async (req, reply) =>
      reply.status(201).send({ tag: await createTag(ctx, await requireAgent(ctx, req), req.body) }),
  );

  api.patch(
    '/api/v1/tags/:id',
    {
      schema: {
        tags,
        summary: 'Rename or recolour a tag (admin)',
        params: IdParams,
        body: TagUpdateRequest,
        response: { 200: TagResponse, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req) => ({ tag: await updateTag(ctx, await requireAgent(ctx, req), req.params.id, req.body) }),
  );

  api.delete(
    '/api/v1/tags/:id',
    {
      schema: {
        tags,
        summary: 'Delete a tag (admin); it leaves every conversation that carried it',
        params: IdParams,
        response: { 200: OkResponse, ...errors(401, 403, 404) },
      },
    },
    async (req) => {
      await deleteTag(ctx, await requireAgent(ctx, req), req.params.id);
      return { ok: true as const };
    },
  );
}
