import type { FastifyInstance } from 'fastify';
import {
  AnalyticsCsv,
  AnalyticsExportParams,
  AnalyticsLive,
  AnalyticsQuery,
  AnalyticsReport,
  LiveQuery,
} from '@parley/protocol';
import type { AppContext } from '../shared/context';
import { errors, typed } from '../shared/routing';
import { requireAgent } from '../auth/http';
import { analyticsCsv, analyticsLive, analyticsReport, type LocalVisitors } from './actions';
import type { AnalyticsRunner } from './runner';
import type { Registry } from '../realtime/recipients';

export interface AnalyticsRouteOptions {
  runner: AnalyticsRunner;
  /** Visitors with a widget connection on this node (the gateway's registry). */
  localVisitors: LocalVisitors;
}

export function analyticsRoutes(app: FastifyInstance, ctx: AppContext, opts: AnalyticsRouteOptions): void {
  const api = typed(app);
  const tags = ['analytics'];

  api.get(
    '/api/v1/analytics/report',
    {
      schema: {
        tags,
        summary:
          'Every figure of a period (docs/analytics.md): overview with the previous period, per day, heat map, per agent, per department. Agents get their own figures only',
        querystring: AnalyticsQuery,
        response: { 200: AnalyticsReport, ...errors(400, 401, 403, 404, 422, 429) },
      },
    },
    async (req) => analyticsReport(ctx, opts.runner, await requireAgent(ctx, req), req.query),
  );

  api.get(
    '/api/v1/analytics/live',
    {
      schema: {
        tags,
        summary: 'Now: visitors on the site, chats waiting and for how long, agents online and their load',
        querystring: LiveQuery,
        response: { 200: AnalyticsLive, ...errors(400, 401, 403, 404) },
      },
    },
    async (req) => analyticsLive(ctx, await requireAgent(ctx, req), req.query.siteId, opts.localVisitors),
  );

  api.get(
    '/api/v1/analytics/export/:table',
    {
      schema: {
        tags,
        summary:
          'A table of the Reports area as CSV (overview, daily, heatmap, agents, departments) or the raw conversation list with its timings (conversations); RFC 4180, formula cells neutralised',
        params: AnalyticsExportParams,
        querystring: AnalyticsQuery,
        produces: ['text/csv'],
        response: { 200: AnalyticsCsv, ...errors(400, 401, 403, 404, 422, 429) },
      },
    },
    async (req, reply) => {
      const actor = await requireAgent(ctx, req);
      const csv = await analyticsCsv(ctx, opts.runner, actor, req.query, req.params.table);
      const name = `parley-${req.params.table}-${req.query.from}-to-${req.query.to}.csv`;
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${name}"`)
        .header('cache-control', 'no-store')
        .send(csv);
    },
  );
}

/** Visitors with a widget connection on this node, on the given sites. */
export function localVisitorsOf(registry: Registry): LocalVisitors {
  return (siteIds) => {
    const out = new Set<string>();
    for (const c of registry.all) {
      const a = c.auth;
      if (a?.role === 'visitor' && siteIds.has(a.actor.siteId)) out.add(a.actor.id);
    }
    return out;
  };
}
