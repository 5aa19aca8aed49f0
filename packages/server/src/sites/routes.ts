import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import * as z from 'zod';
import {
  IdentitySecretResponse,
  SiteCreateRequest,
  SiteList,
  SiteResponse,
  SiteUpdateRequest,
  WidgetConfig,
  WidgetConfigQuery,
} from '@parley/protocol';
import type { AppContext } from '../shared/context';
import { IdParams, errors, typed } from '../shared/routing';
import { requireAgent } from '../auth/http';
import {
  createSite,
  getIdentitySecret,
  getSite,
  getWidgetConfig,
  listSites,
  rotateIdentitySecret,
  updateSite,
} from './actions';

/** Seconds a browser (or a proxy) may reuse a widget configuration without asking again. */
export const WIDGET_CONFIG_MAX_AGE = 30;

/** A strong validator of the exact bytes: any change (settings, agents coming online) changes it. */
export function etagOf(body: string): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`;
}

/** If-None-Match: `*`, or a list of (possibly weak) validators; weak comparison, as for GET. */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header
    .split(',')
    .map((t) => t.trim().replace(/^W\//, ''))
    .some((t) => t === '*' || t === etag);
}

export function siteRoutes(app: FastifyInstance, ctx: AppContext, opts: { transcripts: boolean }): void {
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

  api.get(
    '/api/v1/sites/:id/identity-secret',
    {
      schema: {
        tags,
        summary: 'The identity-verification secret (admin): your backend signs user ids with it',
        params: IdParams,
        response: { 200: IdentitySecretResponse, ...errors(401, 403, 404) },
      },
    },
    async (req) => ({ secret: await getIdentitySecret(ctx, await requireAgent(ctx, req), req.params.id) }),
  );

  api.post(
    '/api/v1/sites/:id/identity-secret/rotate',
    {
      schema: {
        tags,
        summary:
          'Replace the identity-verification secret (admin); hashes made with the old one stop working',
        params: IdParams,
        response: { 200: IdentitySecretResponse, ...errors(401, 403, 404) },
      },
    },
    async (req) => ({
      secret: await rotateIdentitySecret(ctx, await requireAgent(ctx, req), req.params.id),
    }),
  );

  api.get(
    '/api/v1/widget/config',
    {
      schema: {
        tags: ['visitor'],
        security: [],
        summary: `The widget configuration of a site (public, no secrets). Cacheable: ETag, Cache-Control max-age=${WIDGET_CONFIG_MAX_AGE}; If-None-Match answers 304`,
        querystring: WidgetConfigQuery,
        response: {
          200: WidgetConfig,
          304: z.null().describe('Not modified: the cached configuration is current'),
          ...errors(400, 403, 404, 429),
        },
      },
      config: { rateLimit: { max: 600, timeWindow: '1 minute' } },
    },
    async (req, reply) => {
      const config = await getWidgetConfig(ctx, req.query.site, req.headers.origin, opts);
      const etag = etagOf(JSON.stringify(config));
      // The answer depends on the Origin (CORS), so shared caches must key on it.
      reply.header('vary', 'Origin');
      reply.header('etag', etag);
      // Pages of this server itself (the console's widget preview, the demo page) must show a saved
      // change at once: they revalidate every time (a 304 when nothing changed). Host pages elsewhere
      // may keep the configuration for WIDGET_CONFIG_MAX_AGE seconds.
      const ownPage = req.headers['sec-fetch-site'] === 'same-origin';
      reply.header('cache-control', ownPage ? 'no-cache' : `public, max-age=${WIDGET_CONFIG_MAX_AGE}`);
      if (etagMatches(req.headers['if-none-match'], etag)) return reply.status(304).send(null);
      return reply.status(200).send(config);
    },
  );
}
