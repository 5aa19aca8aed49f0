import type { FastifyInstance } from 'fastify';
import { Health } from '@parley/protocol';
import type { AppContext } from '../shared/context';
import { iso } from '../shared/clock';
import { typed } from '../shared/routing';
import type { Gateway } from '../realtime/gateway';
import type { HealthCheck } from '../cluster/cluster';

export const VERSION = '0.1.0';

export function opsRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  deps: {
    ping: () => Promise<void>;
    gateway: Gateway;
    checks?: (() => Promise<Record<string, HealthCheck>>) | undefined;
  },
): void {
  const started = Date.now();
  typed(app).get(
    '/healthz',
    {
      schema: {
        tags: ['ops'],
        security: [],
        summary:
          'Liveness and dependency checks: 503 `down` when the database does not answer, 200 `degraded` when Redis does not (the node serves its own clients only)',
        response: { 200: Health, 503: Health },
      },
    },
    async (_req, reply) => {
      const t0 = performance.now();
      let db: { ok: boolean; latencyMs: number; error?: string };
      try {
        await Promise.race([
          deps.ping(),
          new Promise((_, rej) => setTimeout(() => rej(new Error('timeout after 2 s')), 2000).unref()),
        ]);
        db = { ok: true, latencyMs: Math.round((performance.now() - t0) * 100) / 100 };
      } catch (e) {
        db = { ok: false, latencyMs: Math.round(performance.now() - t0), error: (e as Error).message };
      }
      const extra = (await deps.checks?.()) ?? {};
      const allOk = Object.values(extra).every((c) => c.ok);
      const body = {
        status: !db.ok ? ('down' as const) : allOk ? ('ok' as const) : ('degraded' as const),
        checks: { database: db, ...extra },
        uptimeSeconds: Math.round((Date.now() - started) / 1000),
        version: VERSION,
        time: iso(ctx.clock.now()),
      };
      return reply.status(db.ok ? 200 : 503).send(body);
    },
  );

  app.get(
    '/metrics',
    { schema: { tags: ['ops'], security: [], summary: 'Prometheus metrics (text exposition format)' } },
    async (_req, reply) => {
      const m = ctx.metrics;
      m.connections.set({ role: 'visitor' }, deps.gateway.registry.count('visitor'));
      m.connections.set({ role: 'agent' }, deps.gateway.registry.count('agent'));
      m.agentsConnected.set((await ctx.presence.connectedAgents()).size);
      return reply.type(m.registry.contentType).send(await m.registry.metrics());
    },
  );
}
