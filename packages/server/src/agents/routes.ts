import type { FastifyInstance } from 'fastify';
import {
  AgentCreateRequest,
  AgentList,
  AgentResponse,
  AgentUpdateRequest,
  MeUpdateRequest,
} from '@parley/protocol';
import type { AppContext } from '../shared/context';
import { IdParams, errors, typed } from '../shared/routing';
import { requireAgent } from '../auth/http';
import { createAgent, getAgent, listAgents, updateAgent, updateMe } from './actions';

export function agentRoutes(app: FastifyInstance, ctx: AppContext): void {
  const api = typed(app);
  const tags = ['agents'];

  api.get(
    '/api/v1/agents',
    { schema: { tags, summary: 'List agents', response: { 200: AgentList, ...errors(401) } } },
    async (req) => ({
      agents: await listAgents(ctx, await requireAgent(ctx, req)),
    }),
  );

  api.post(
    '/api/v1/agents',
    {
      schema: {
        tags,
        summary: 'Create an agent (admin)',
        body: AgentCreateRequest,
        response: { 201: AgentResponse, ...errors(400, 401, 403, 409, 422) },
      },
    },
    async (req, reply) => {
      const agent = await createAgent(ctx, await requireAgent(ctx, req), req.body);
      return reply.status(201).send({ agent });
    },
  );

  api.patch(
    '/api/v1/me',
    {
      schema: {
        tags,
        summary: 'Update own name, status (online/away/offline) or maximum concurrent chats',
        body: MeUpdateRequest,
        response: { 200: AgentResponse, ...errors(400, 401, 403) },
      },
    },
    async (req) => ({ agent: await updateMe(ctx, await requireAgent(ctx, req), req.body) }),
  );

  api.get(
    '/api/v1/agents/:id',
    {
      schema: {
        tags,
        summary: 'One agent',
        params: IdParams,
        response: { 200: AgentResponse, ...errors(401, 404) },
      },
    },
    async (req) => {
      await requireAgent(ctx, req);
      return { agent: await getAgent(ctx, req.params.id) };
    },
  );

  api.patch(
    '/api/v1/agents/:id',
    {
      schema: {
        tags,
        summary:
          'Change an agent (admin): role, sites, limits; `active: false` deactivates and ends their sessions and sockets at once',
        params: IdParams,
        body: AgentUpdateRequest,
        response: { 200: AgentResponse, ...errors(400, 401, 403, 404, 422) },
      },
    },
    async (req) => ({ agent: await updateAgent(ctx, await requireAgent(ctx, req), req.params.id, req.body) }),
  );
}
