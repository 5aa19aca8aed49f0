import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  AttributesRequest,
  IdentifyRequest,
  IdentifyResponse,
  LiveVisitorList,
  LiveVisitorsQuery,
  ProactiveMessageRequest,
  ProactiveMessageResponse,
  PageViewRequest,
  PrechatRequest,
  PrechatResponse,
  TrackEventRequest,
  VisitorDetailsResponse,
  VisitorPollResponse,
  VisitorResponse,
  VisitorSessionRequest,
  VisitorSessionResponse,
} from '@parley/protocol';
import type { AppContext } from '../shared/context';
import { IdParams, OkResponse, errors, typed } from '../shared/routing';
import { perSession, requireAgent, requireVisitor } from '../auth/http';
import { sendProactiveMessage } from '../conversations/proactive';
import { getConversationForAgent } from '../conversations/queries';
import { listLiveVisitors } from './live';
import { pollVisitor } from './poll';
import {
  getVisitorForAgent,
  identifyVisitor,
  recordPageView,
  setVisitorAttributes,
  startVisitorSession,
  submitPrechat,
  trackVisitorEvent,
} from './actions';

/** Paths a widget calls from the owner's pages (any origin): CORS is answered for them. */
const WIDGET_PATHS = ['/api/v1/visitor/', '/api/v1/widget/'];

/**
 * Limits per visitor (its bearer token), else per address: one office behind one address must not
 * share a single budget, and a visitor cannot spend another's.
 */
export function perVisitor(max: number, timeWindow: string) {
  return {
    max,
    timeWindow,
    keyGenerator: (req: FastifyRequest) => {
      const h = req.headers.authorization;
      return typeof h === 'string' && h.startsWith('Bearer ')
        ? 'v:' + createHash('sha256').update(h).digest('base64url')
        : 'ip:' + req.ip;
    },
  };
}

export function visitorRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  opts: { sessionsPerMinute: number },
): void {
  // Widgets call these from any page of the owner's sites: CORS is answered here, and the site's
  // allowed origins are enforced by the actions. No cookies are involved, so no credentials mode.
  app.addHook('onRequest', async (req, reply) => {
    if (!WIDGET_PATHS.some((p) => req.url.startsWith(p))) return;
    const origin = req.headers.origin;
    if (origin !== undefined) {
      reply.header('access-control-allow-origin', origin);
      reply.header('access-control-expose-headers', 'etag');
      reply.header('vary', 'Origin');
    }
    if (req.method === 'OPTIONS') {
      reply.header('access-control-allow-methods', 'GET, POST');
      reply.header('access-control-allow-headers', 'content-type, authorization, if-none-match');
      reply.header('access-control-max-age', '600');
      await reply.status(204).send();
    }
  });

  const api = typed(app);
  const tags = ['visitor'];
  const bearer = [{ visitorToken: [] }];

  api.post(
    '/api/v1/visitor/session',
    {
      schema: {
        tags,
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

  api.get(
    '/api/v1/visitor/poll',
    {
      schema: {
        tags,
        security: bearer,
        summary:
          'Asked by the widget while its chat is not loaded (no socket) and the page is visible: the open conversation and the team messages the visitor has not read (a proactive message opens the widget). Keeps the visitor in the live-visitors list',
        response: { 200: VisitorPollResponse, ...errors(401, 403, 429) },
      },
      config: { rateLimit: perVisitor(30, '1 minute') },
    },
    async (req) => pollVisitor(ctx, await requireVisitor(ctx, req)),
  );

  api.post(
    '/api/v1/visitor/identify',
    {
      schema: {
        tags,
        security: bearer,
        summary:
          'identify(): the site’s user id, name and e-mail, verified by hex HMAC-SHA256(identity secret, id). A verified id known from another browser answers with that visitor and a new token',
        body: IdentifyRequest,
        response: { 200: IdentifyResponse, ...errors(400, 401, 403, 422, 429) },
      },
      config: { rateLimit: perVisitor(30, '1 minute') },
    },
    async (req) => identifyVisitor(ctx, await requireVisitor(ctx, req), req.body),
  );

  api.post(
    '/api/v1/visitor/attributes',
    {
      schema: {
        tags,
        security: bearer,
        summary: 'setAttributes(): merged into the visitor’s attributes; null deletes a key',
        body: AttributesRequest,
        response: { 200: VisitorResponse, ...errors(400, 401, 403, 422, 429) },
      },
      config: { rateLimit: perVisitor(60, '1 minute') },
    },
    async (req) => ({ visitor: await setVisitorAttributes(ctx, await requireVisitor(ctx, req), req.body) }),
  );

  api.post(
    '/api/v1/visitor/pageviews',
    {
      schema: {
        tags,
        security: bearer,
        summary: 'The page (or single-page-app route) the visitor is on now; agents see it live',
        body: PageViewRequest,
        response: { 200: VisitorResponse, ...errors(400, 401, 403, 422, 429) },
      },
      config: { rateLimit: perVisitor(120, '1 minute') },
    },
    async (req) => ({ visitor: await recordPageView(ctx, await requireVisitor(ctx, req), req.body) }),
  );

  api.post(
    '/api/v1/visitor/events',
    {
      schema: {
        tags,
        security: bearer,
        summary: 'Parley.track(name, data): a custom event of the page, kept with the visitor',
        body: TrackEventRequest,
        response: { 200: OkResponse, ...errors(400, 401, 403, 429) },
      },
      config: { rateLimit: perVisitor(120, '1 minute') },
    },
    async (req) => {
      await trackVisitorEvent(ctx, await requireVisitor(ctx, req), req.body);
      return { ok: true as const };
    },
  );

  api.post(
    '/api/v1/visitor/prechat',
    {
      schema: {
        tags,
        security: bearer,
        summary:
          'The pre-chat form: name and e-mail fill the visitor, `department` chooses where the next conversation goes, other fields become attributes',
        body: PrechatRequest,
        response: { 200: PrechatResponse, ...errors(400, 401, 403, 422, 429) },
      },
      config: { rateLimit: perVisitor(20, '1 minute') },
    },
    async (req) => submitPrechat(ctx, await requireVisitor(ctx, req), req.body.fields),
  );

  api.get(
    '/api/v1/visitors/:id',
    {
      schema: {
        tags: ['visitors'],
        summary: 'A visitor of one of the agent’s sites, with its latest page views and events',
        params: IdParams,
        response: { 200: VisitorDetailsResponse, ...errors(401, 404) },
      },
    },
    async (req) => getVisitorForAgent(ctx, await requireAgent(ctx, req), req.params.id),
  );

  api.get(
    '/api/v1/live-visitors',
    {
      schema: {
        tags: ['visitors'],
        summary:
          'Who is on the agent’s sites now: a widget connection anywhere in the cluster, or seen in the last minutes; the page, since when, this visit',
        querystring: LiveVisitorsQuery,
        response: { 200: LiveVisitorList, ...errors(400, 401, 403) },
      },
    },
    async (req) => listLiveVisitors(ctx, await requireAgent(ctx, req), req.query.siteId),
  );

  api.post(
    '/api/v1/visitors/:id/messages',
    {
      schema: {
        tags: ['visitors'],
        summary:
          'Write to a visitor first (proactive message): into its open conversation, or a new one assigned to this agent; the widget receives it live. Idempotent by clientMsgId',
        params: IdParams,
        body: ProactiveMessageRequest,
        response: {
          200: ProactiveMessageResponse,
          201: ProactiveMessageResponse,
          ...errors(400, 401, 403, 404, 409, 429),
        },
      },
      config: { rateLimit: perSession(30, '1 minute') },
    },
    async (req, reply) => {
      const actor = await requireAgent(ctx, req);
      const r = await sendProactiveMessage(ctx, actor, req.params.id, req.body);
      return reply.status(r.duplicate ? 200 : 201).send({
        conversation: await getConversationForAgent(ctx, actor, r.conversation.id),
        message: r.message,
        created: r.created,
        duplicate: r.duplicate,
      });
    },
  );
}
