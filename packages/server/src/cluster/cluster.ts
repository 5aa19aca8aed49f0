import type { Logger } from 'pino';
import { InProcessBus, type EventBus } from '../shared/events';
import type { Clock } from '../shared/clock';
import type { Metrics } from '../ops/metrics';
import { LocalPresence, type Presence } from '../presence/presence';
import { RedisPresence } from '../presence/redisPresence';
import { closeRedis, connectRedis, whenReady } from './redis';
import { RedisBus } from './redisBus';

export interface HealthCheck {
  ok: boolean;
  latencyMs?: number;
  error?: string;
}

/** What makes a node one of many (or the only one): its event bus, presence, and their health. */
export interface ClusterLink {
  bus: EventBus;
  presence: Presence;
  /** Events of other nodes may have been missed at this (local) time: see realtime/resync.ts. */
  onGap(handler: (at: number) => void): () => void;
  /** Extra /healthz checks (`redis` in a cluster); none for a single node. */
  checks(): Promise<Record<string, HealthCheck>>;
  /** The node starts draining: keep its agents present until they reconnect elsewhere. */
  freeze(): void;
  close(): Promise<void>;
}

export interface ClusterOptions {
  redisUrl: string | undefined;
  prefix: string;
  nodeId: string;
  presenceTtlMs: number;
  clock: Clock;
  log: Logger;
  metrics: Metrics;
}

/** Without REDIS_URL: one node, everything in process, exactly as before. */
function singleNode(opts: ClusterOptions): ClusterLink {
  const bus = new InProcessBus((err, event) =>
    opts.log.error({ err, event: event.type }, 'event subscriber failed'),
  );
  const presence = new LocalPresence();
  return {
    bus,
    presence,
    onGap: () => () => undefined,
    checks: () => Promise.resolve({}),
    freeze: () => undefined,
    close: async () => {
      await bus.close();
      await presence.close();
    },
  };
}

/**
 * With REDIS_URL: a Redis bus and Redis presence. The node starts even when Redis does not
 * answer (it serves its own clients, /healthz says degraded) and joins when Redis comes.
 */
export async function joinCluster(opts: ClusterOptions): Promise<ClusterLink> {
  const url = opts.redisUrl;
  if (url === undefined) return singleNode(opts);
  const log = opts.log.child({ node: opts.nodeId });
  const pub = connectRedis(url, 'publisher', log);
  const sub = connectRedis(url, 'subscriber', log);
  const events = opts.metrics.clusterEvents;
  const bus = new RedisBus(pub, sub, {
    channel: `${opts.prefix}events`,
    nodeId: opts.nodeId,
    clock: opts.clock,
    log,
    counters: {
      published: () => events.inc({ direction: 'published' }),
      received: () => events.inc({ direction: 'received' }),
      dropped: () => events.inc({ direction: 'dropped' }),
    },
  });
  const presence = new RedisPresence(pub, {
    key: `${opts.prefix}presence`,
    nodeId: opts.nodeId,
    ttlMs: opts.presenceTtlMs,
    log,
  });
  const ready = (await Promise.all([whenReady(pub, 5000), whenReady(sub, 5000)])).every(Boolean);
  if (!ready) log.warn('redis is not answering; starting degraded (this node serves its own clients only)');
  return {
    bus,
    presence,
    onGap: (h) => bus.onGap(h),
    async checks() {
      const t0 = performance.now();
      const ms = (): number => Math.round((performance.now() - t0) * 100) / 100;
      try {
        if (!bus.healthy) throw new Error('not connected (events of other nodes are not received)');
        await Promise.race([
          pub.ping(),
          new Promise((_, rej) => setTimeout(() => rej(new Error('timeout after 1 s')), 1000).unref()),
        ]);
        return { redis: { ok: true, latencyMs: ms() } };
      } catch (e) {
        return { redis: { ok: false, latencyMs: ms(), error: (e as Error).message } };
      }
    },
    freeze: () => presence.freeze(),
    async close() {
      await bus.close();
      await presence.close();
      await Promise.all([closeRedis(pub), closeRedis(sub)]);
    },
  };
}
