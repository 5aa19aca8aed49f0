import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { AppContext } from './shared/context';
import { installErrorHandler, installJsonParser, JSON_BODY_LIMIT } from './shared/http';
import { authRoutes } from './auth/routes';
import { agentRoutes } from './agents/routes';
import { siteRoutes } from './sites/routes';
import { visitorRoutes } from './visitors/routes';
import { agentConversationRoutes, visitorConversationRoutes } from './conversations/routes';
import { departmentRoutes } from './departments/routes';
import { opsRoutes, VERSION } from './ops/routes';
import { demoPageRoutes } from './web/demoPage';
import { widgetAssetRoutes } from './web/widgetAssets';
import { consoleRoutes } from './bootstrap/console';
import { fileRoutes } from './files/routes';
import { tagRoutes } from './tags/routes';
import { cannedRoutes } from './canned/routes';
import { searchRoutes } from './search/routes';
import { invitationRoutes } from './invitations/routes';
import { auditRoutes } from './audit/routes';
import { privacyRoutes } from './privacy/routes';
import { avatarRoutes } from './agents/avatarRoutes';
import { analyticsRoutes, localVisitorsOf } from './analytics/routes';
import { inProcessRunner, type AnalyticsRunner } from './analytics/runner';
import type { FileStorage } from './files/storage';
import type { Gateway } from './realtime/gateway';
import type { Mailer } from './mail/mailer';
import type { HealthCheck } from './cluster/cluster';

export interface AppOptions {
  trustProxy: boolean;
  loginPerMinute: number;
  visitorSessionsPerMinute: number;
  files: { storage: FileStorage; maxBytes: number };
  /** SMTP for transcripts and invitations by e-mail; null when SMTP_URL is not set. */
  mailer: Mailer | null;
  /** PUBLIC_URL: the base of links the server sends (invitations); else the request's own address. */
  publicUrl?: string | undefined;
  ping: () => Promise<void>;
  /** Checks beyond the database for /healthz (`redis` in a cluster): failing ones make it `degraded`. */
  checks?: () => Promise<Record<string, HealthCheck>>;
  gateway: Gateway;
  logger: FastifyBaseLogger;
  /** Where reports are computed (a worker with its own read connection); default: in this thread. */
  analytics?: AnalyticsRunner;
}

const routeLists = new WeakMap<FastifyInstance, { path: string; methods: string[] }[]>();

/** Every route registered on an app, for the test that holds the OpenAPI document complete. */
export function registeredRoutes(app: FastifyInstance): { path: string; methods: string[] }[] {
  return routeLists.get(app) ?? [];
}

/** The HTTP application: plugins, error shape, and every module's routes. No listening, no sockets. */
export async function buildApp(ctx: AppContext, opts: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: opts.logger,
    trustProxy: opts.trustProxy,
    bodyLimit: JSON_BODY_LIMIT,
    requestIdHeader: 'x-request-id',
    genReqId: () => crypto.randomUUID(),
    // Errors Fastify raises before routing (a malformed URL, say) get our JSON shape too.
    frameworkErrors: (err, req, reply) => {
      const body = JSON.stringify({
        error: { code: 'validation_failed', message: err.message },
        requestId: req.id,
      });
      // Written to the raw response: this runs outside any route, where Fastify's reply types are unresolved.
      reply.raw.writeHead(400, { 'content-type': 'application/json; charset=utf-8', 'x-request-id': req.id });
      reply.raw.end(body);
    },
  });
  const routes: { path: string; methods: string[] }[] = [];
  routeLists.set(app, routes);
  app.addHook('onRoute', (r) => {
    routes.push({ path: r.url, methods: [r.method].flat() });
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installJsonParser(app);
  installErrorHandler(app);
  app.addHook('onSend', async (req, reply) => {
    reply.header('x-request-id', req.id);
    reply.header('x-content-type-options', 'nosniff');
  });
  app.addHook('onResponse', async (req, reply) => {
    ctx.metrics.httpDuration.observe(
      { method: req.method, route: req.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  await app.register(cookie);
  await app.register(rateLimit, { global: false });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Parley API',
        version: VERSION,
        description:
          'REST API of Parley, the self-hosted live chat. Agents authenticate with the session cookie from `POST /api/v1/auth/login` and send `x-csrf-token` on state-changing requests; visitors use `Authorization: Bearer <visitor token>` from `POST /api/v1/visitor/session`. The realtime WebSocket protocol at `/ws` is described in docs/protocol.md.',
      },
      components: {
        securitySchemes: {
          session: {
            type: 'apiKey',
            in: 'cookie',
            name: 'parley_session',
            description:
              'Set by POST /api/v1/auth/login (HttpOnly). State-changing requests (POST, PATCH, DELETE) made with it must also send the `x-csrf-token` header (see the csrf scheme).',
          },
          csrf: {
            type: 'apiKey',
            in: 'header',
            name: 'x-csrf-token',
            description:
              'Required with the session cookie on POST, PATCH and DELETE; from login or GET /api/v1/auth/session.',
          },
          visitorToken: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ session: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, {
    routePrefix: '/api/docs',
    // validatorUrl null: the UI must not call out to a public validator; everything is served locally.
    uiConfig: { validatorUrl: null, deepLinking: true },
    staticCSP: true,
  });
  app.get('/api/openapi.json', { schema: { hide: true } }, () => app.swagger());

  authRoutes(app, ctx, { loginPerMinute: opts.loginPerMinute });
  agentRoutes(app, ctx);
  avatarRoutes(app, ctx, { storage: opts.files.storage });
  siteRoutes(app, ctx, { transcripts: opts.mailer !== null });
  departmentRoutes(app, ctx);
  visitorRoutes(app, ctx, { sessionsPerMinute: opts.visitorSessionsPerMinute });
  visitorConversationRoutes(app, ctx, { mailer: opts.mailer });
  agentConversationRoutes(app, ctx);
  tagRoutes(app, ctx);
  analyticsRoutes(app, ctx, {
    runner: opts.analytics ?? inProcessRunner(ctx.db),
    localVisitors: localVisitorsOf(opts.gateway.registry),
  });
  cannedRoutes(app, ctx);
  searchRoutes(app, ctx);
  invitationRoutes(app, ctx, {
    mailer: opts.mailer,
    publicUrl: opts.publicUrl,
    perMinute: opts.loginPerMinute,
  });
  auditRoutes(app, ctx);
  privacyRoutes(app, ctx, { storage: opts.files.storage });
  fileRoutes(app, ctx, opts.files);
  opsRoutes(app, ctx, { ping: opts.ping, gateway: opts.gateway, checks: opts.checks });
  demoPageRoutes(app);
  widgetAssetRoutes(app);
  consoleRoutes(app);
  return app;
}
