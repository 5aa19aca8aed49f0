import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Presence } from './presence';

/*
 * One sorted set for the cluster: member "<agentId> <nodeId>", score = when it expires (Redis's
 * own clock, so the nodes' clocks never matter). Each node refreshes the members of the agents
 * connected to it every ttl/3; an agent whose last socket on a node closes is removed at once; a
 * node that dies stops refreshing, and its members lapse after at most one ttl.
 */
const NOW_MS = `local t = redis.call('TIME') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/** KEYS[1] set; ARGV[1] ttl ms; ARGV[2..] members to (re)arm. Also drops lapsed members. */
const REFRESH = `${NOW_MS}
local ttl = tonumber(ARGV[1])
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], now + ttl, ARGV[i]) end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if #ARGV > 1 then redis.call('PEXPIRE', KEYS[1], 4 * ttl) end
return 1`;

/** KEYS[1] set → members that have not lapsed. */
const LIVE = `${NOW_MS}
return redis.call('ZRANGEBYSCORE', KEYS[1], now, '+inf')`;

export interface RedisPresenceOptions {
  key: string;
  nodeId: string;
  ttlMs: number;
  log: Logger;
}

/**
 * Presence across nodes. While Redis is away it answers from what this node knows: its own agents
 * and the cluster's last answer; once Redis is back the next refresh re-arms this node's agents
 * (even if Redis restarted empty).
 */
export class RedisPresence implements Presence {
  readonly #byAgent = new Map<string, Set<string>>();
  #lastCluster: ReadonlySet<string> = new Set();
  #frozen = false;
  readonly #timer: NodeJS.Timeout;

  constructor(
    private readonly redis: Redis,
    private readonly opts: RedisPresenceOptions,
  ) {
    this.#timer = setInterval(() => void this.#refresh(), Math.max(100, Math.floor(opts.ttlMs / 3)));
    this.#timer.unref();
    redis.on('ready', () => void this.#refresh());
  }

  agentConnected(agentId: string, connectionId: string): void {
    let set = this.#byAgent.get(agentId);
    if (!set) this.#byAgent.set(agentId, (set = new Set()));
    set.add(connectionId);
    if (set.size === 1 && !this.#frozen) void this.#refresh([agentId]);
  }

  agentDisconnected(agentId: string, connectionId: string): void {
    // A node shutting down keeps its entries until they lapse: its agents reconnect elsewhere
    // within seconds and never show as gone in between.
    if (this.#frozen) return;
    const set = this.#byAgent.get(agentId);
    if (!set) return;
    set.delete(connectionId);
    if (set.size > 0) return;
    this.#byAgent.delete(agentId);
    this.redis.zrem(this.opts.key, this.#member(agentId)).catch((err: unknown) => {
      // Redis is away: the entry lapses by itself within one ttl.
      this.opts.log.debug({ err }, 'presence removal failed');
    });
  }

  async connectedAgents(): Promise<ReadonlySet<string>> {
    try {
      const members = (await this.redis.eval(LIVE, 1, this.opts.key)) as string[];
      this.#lastCluster = new Set(members.map((m) => m.slice(0, m.indexOf(' '))));
    } catch (err) {
      this.opts.log.debug({ err }, 'presence read failed; answering from this node');
    }
    return new Set([...this.#lastCluster, ...this.#byAgent.keys()]);
  }

  /** The node is draining: from now on, disconnects are not reported (see agentDisconnected). */
  freeze(): void {
    this.#frozen = true;
    clearInterval(this.#timer);
  }

  close(): Promise<void> {
    this.freeze();
    this.#byAgent.clear();
    return Promise.resolve();
  }

  #member(agentId: string): string {
    return `${agentId} ${this.opts.nodeId}`;
  }

  async #refresh(agentIds: readonly string[] = [...this.#byAgent.keys()]): Promise<void> {
    if (this.#frozen || this.redis.status !== 'ready') return;
    try {
      await this.redis.eval(
        REFRESH,
        1,
        this.opts.key,
        String(this.opts.ttlMs),
        ...agentIds.map((id) => this.#member(id)),
      );
    } catch (err) {
      this.opts.log.debug({ err }, 'presence refresh failed');
    }
  }
}
