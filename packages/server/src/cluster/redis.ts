import { Redis } from 'ioredis';
import type { Logger } from 'pino';

/**
 * A Redis connection for the cluster. Commands never wait in an offline queue: while Redis is
 * away they fail at once, and the callers (bus, presence) decide what that means — a node keeps
 * serving its own clients instead of piling up work for later.
 */
export function connectRedis(url: string, role: string, log: Logger): Redis {
  const redis = new Redis(url, {
    connectionName: `parley-${role}`,
    enableOfflineQueue: false,
    // A command sent just before the link broke is not replayed later: a stale event or presence
    // write arriving after the recovery would be worse than none (the recovery resyncs anyway).
    autoResendUnfulfilledCommands: false,
    autoResubscribe: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 2000,
    // Forever, at most every 2 s: Redis coming back is noticed quickly.
    retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 5), 2000),
  });
  let up = false;
  redis.on('ready', () => {
    if (!up) log.info({ redis: role }, 'redis connected');
    up = true;
  });
  redis.on('close', () => {
    if (up) log.warn({ redis: role }, 'redis connection lost; serving this node only until it returns');
    up = false;
  });
  // Every failed reconnect attempt emits one; the state changes above are what an operator needs.
  redis.on('error', (err: Error) => log.debug({ err, redis: role }, 'redis error'));
  return redis;
}

/** Resolves once the connection is ready, or after `timeoutMs` (the node then starts degraded). */
export function whenReady(redis: Redis, timeoutMs: number): Promise<boolean> {
  if (redis.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      resolve(ok);
    };
    const onReady = (): void => done(true);
    const timer = setTimeout(() => done(false), timeoutMs);
    redis.on('ready', onReady);
  });
}

/** Closes without waiting for a Redis that is not answering. */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  if (redis.status !== 'ready') {
    redis.disconnect();
    return;
  }
  try {
    await Promise.race([redis.quit(), new Promise((r) => setTimeout(r, 1000).unref())]);
  } catch {
    // Already gone.
  }
  redis.disconnect();
}
