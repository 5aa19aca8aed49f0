import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  InvitationAcceptRequest,
  InvitationCreateRequest,
  InvitationCreatedResponse,
  InvitationList,
  InvitationPreviewResponse,
  InvitationTokenRequest,
  SessionResponse,
} from '@parley/protocol';
import type { AppContext } from '../shared/context';
import { clientMeta } from '../shared/http';
import { IdParams, OkResponse, errors, typed } from '../shared/routing';
import { requireAgent, setSessionCookie } from '../auth/http';
import type { Mailer } from '../mail/mailer';
import {
  acceptInvitation,
  createInvitation,
  listInvitations,
  previewInvitation,
  revokeInvitation,
} from './actions';

export function invitationRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  opts: { mailer: Mailer | null; publicUrl: string | undefined; perMinute: number },
): void {
  const api = typed(app);
  const tags = ['invitations'];
  // Links point at PUBLIC_URL when it is set, else at the address the admin reached us by.
  const baseUrlOf = (req: FastifyRequest) => opts.publicUrl ?? `${req.protocol}://${req.host}`;

  api.post(
    '/api/v1/invitations',
    {
      schema: {
        tags,
        summary:
          'Invite someone by e-mail (admin) with a role and sites: a one-time link, valid for some days, e-mailed when SMTP is configured',
        body: InvitationCreateRequest,
        response: { 201: InvitationCreatedResponse, ...errors(400, 401, 403, 409, 422) },
      },
    },
    async (req, reply) => {
      const actor = await requireAgent(ctx, req);
      const r = await createInvitation(ctx, actor, req.body, {
        mailer: opts.mailer,
        baseUrl: baseUrlOf(req),
      });
      return reply.status(201).send(r);
    },
  );

  api.get(
    '/api/v1/invitations',
    {
      schema: {
        tags,
        summary: 'Invitations (admin): pending ones first, then the last others',
        response: { 200: InvitationList, ...errors(401, 403) },
      },
    },
    async (req) => ({ invitations: await listInvitations(ctx, await requireAgent(ctx, req)) }),
  );

  api.delete(
    '/api/v1/invitations/:id',
    {
      schema: {
        tags,
        summary: 'Revoke a pending invitation (admin): its link stops working at once',
        params: IdParams,
        response: { 200: OkResponse, ...errors(401, 403, 404, 409) },
      },
    },
    async (req) => {
      await revokeInvitation(ctx, await requireAgent(ctx, req), req.params.id);
      return { ok: true as const };
    },
  );

  const limit = { rateLimit: { max: opts.perMinute, timeWindow: '1 minute' } };

  api.post(
    '/api/v1/invitations/preview',
    {
      schema: {
        tags,
        security: [],
        summary: 'What an invitation link is for (address, role, who invited), while it can be used',
        body: InvitationTokenRequest,
        response: { 200: InvitationPreviewResponse, ...errors(400, 404, 429) },
      },
      config: limit,
    },
    async (req) => previewInvitation(ctx, req.body.token),
  );

  api.post(
    '/api/v1/invitations/accept',
    {
      schema: {
        tags,
        security: [],
        summary:
          'Accept an invitation: creates the agent with this name and password and signs it in (sets the session cookie, like login)',
        body: InvitationAcceptRequest,
        response: { 200: SessionResponse, ...errors(400, 404, 409, 429) },
      },
      config: limit,
    },
    async (req, reply) => {
      const r = await acceptInvitation(ctx, req.body, clientMeta(req));
      setSessionCookie(req, reply, r.token);
      return { agent: r.agent, csrfToken: r.csrfToken };
    },
  );
}
