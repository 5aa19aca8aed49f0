import type { FastifyInstance } from 'fastify';
import { SearchQuery, SearchResponse } from '@parley/protocol';
import type { AppContext } from '../shared/context';
import { errors, typed } from '../shared/routing';
import { perSession, requireAgent } from '../auth/http';
import { search } from './actions';

export function searchRoutes(app: FastifyInstance, ctx: AppContext): void {
  typed(app).get(
    '/api/v1/search',
    {
      schema: {
        tags: ['search'],
        summary:
          'Full-text search of the conversations this agent may see: messages (private notes included) and visitors’ names and e-mail addresses; every word must match the start of a word; newest first, with highlighted excerpts (text + ranges)',
        querystring: SearchQuery,
        response: { 200: SearchResponse, ...errors(400, 401, 403, 422, 429) },
      },
      config: { rateLimit: perSession(60, '1 minute') },
    },
    async (req) => search(ctx, await requireAgent(ctx, req), req.query),
  );
}
