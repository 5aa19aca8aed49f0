import type { FastifyInstance } from 'fastify';
import { AgentSessionList, ChangePasswordRequest, LoginRequest, SessionResponse } from '@parley/protocol';
import type { AppContext } from '../shared/context';
import { clientMeta } from '../shared/http';
import { IdParams, OkResponse, errors, typed } from '../shared/routing';
import { getAgent } from '../agents/actions';
import { changePassword, listSessions, login, logout, logoutEverywhere, revokeSession } from './actions';
import { clearSessionCookie, requireAgent, setSessionCookie, SESSION_COOKIE } from './http';
import { resolveSession } from './actions';
import { AppError } from '../shared/errors';

export function authRoutes(app: FastifyInstance, ctx: AppContext, opts: { loginPerMinute: number }): void {
  const api = typed(app);
  const tags = ['auth'];

  api.post(
    '/api/v1/auth/login',
    {
      schema: {
        tags,
        security: [],
        summary: 'Sign in with e-mail and password; sets the session cookie',
        body: LoginRequest,
        response: { 200: SessionResponse, ...errors(400, 401, 429) },
      },
      config: { rateLimit: { max: opts.loginPerMinute, timeWindow: '1 minute' } },
    },
    async (req, reply) => {
      const r = await login(ctx, req.body.email, req.body.password, clientMeta(req));
      setSessionCookie(req, reply, r.token);
      return { agent: r.agent, csrfToken: r.csrfToken };
    },
  );

  api.get(
    '/api/v1/auth/session',
    {
      schema: {
        tags,
        summary: 'The signed-in agent and the CSRF token for this session',
        response: { 200: SessionResponse, ...errors(401) },
      },
    },
    async (req, reply) => {
      const token = req.cookies[SESSION_COOKIE];
      const s = token ? await resolveSession(ctx, token) : null;
      if (!s || !token) throw new AppError('unauthorized', 'sign in first', 401);
      // The console asks this on every load: renewing the cookie here makes the session slide.
      setSessionCookie(req, reply, token);
      return { agent: await getAgent(ctx, s.agent.id), csrfToken: s.session.csrf_token };
    },
  );

  api.post(
    '/api/v1/auth/logout',
    { schema: { tags, summary: 'End this session', response: { 200: OkResponse, ...errors(401, 403) } } },
    async (req, reply) => {
      await logout(ctx, await requireAgent(ctx, req, { allowPasswordChangePending: true }));
      clearSessionCookie(reply);
      return { ok: true as const };
    },
  );

  api.post(
    '/api/v1/auth/logout-all',
    {
      schema: {
        tags,
        summary: 'End every session of this agent (all devices); their sockets close at once',
        response: { 200: OkResponse, ...errors(401, 403) },
      },
    },
    async (req, reply) => {
      await logoutEverywhere(ctx, await requireAgent(ctx, req, { allowPasswordChangePending: true }));
      clearSessionCookie(reply);
      return { ok: true as const };
    },
  );

  api.get(
    '/api/v1/auth/sessions',
    {
      schema: {
        tags,
        summary: 'Own sessions (devices): user agent, address, last activity; the current one is marked',
        response: { 200: AgentSessionList, ...errors(401) },
      },
    },
    async (req) => ({
      sessions: await listSessions(ctx, await requireAgent(ctx, req, { allowPasswordChangePending: true })),
    }),
  );

  api.delete(
    '/api/v1/auth/sessions/:id',
    {
      schema: {
        tags,
        summary: 'End one of own sessions; its sockets close at once. Ending the current one signs out here',
        params: IdParams,
        response: { 200: OkResponse, ...errors(401, 403, 404) },
      },
    },
    async (req, reply) => {
      const actor = await requireAgent(ctx, req, { allowPasswordChangePending: true });
      await revokeSession(ctx, actor, req.params.id);
      if (req.params.id === actor.sessionId) clearSessionCookie(reply);
      return { ok: true as const };
    },
  );

  api.post(
    '/api/v1/auth/password',
    {
      schema: {
        tags,
        summary: 'Change own password',
        body: ChangePasswordRequest,
        response: { 200: OkResponse, ...errors(400, 401, 403) },
      },
    },
    async (req) => {
      await changePassword(
        ctx,
        await requireAgent(ctx, req, { allowPasswordChangePending: true }),
        req.body.currentPassword,
        req.body.newPassword,
      );
      return { ok: true as const };
    },
  );
}
