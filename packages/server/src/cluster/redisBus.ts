import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { InProcessBus, type DomainEvent, type EventBus, type EventHandler } from '../shared/events';
import type { Clock } from '../shared/clock';

/** What travels on the channel: an event of node `n`, or its notice that some of its events were lost. */
type Envelope = { n: string; e: DomainEvent } | { n: string; resync: true };

export interface BusCounters {
  published(): void;
  received(): void;
  dropped(): void;
}

export interface RedisBusOptions {
  channel: string;
  nodeId: string;
  clock: Clock;
  log: Logger;
  counters?: BusCounters | undefined;
}

/**
 * The cluster's event bus: Redis pub/sub on one channel. A node delivers its own events to its
 * own subscribers at once (as the in-process bus does) and publishes them for the others, which
 * ignore nothing but their own. One publishing connection keeps each node's events in order.
 *
 * Pub/sub forgets what it could not deliver, so the bus reports *gaps*: moments after which this
 * node's sockets may have missed events of other nodes — when its subscription comes back after a
 * break, or when another node says that it could not publish for a while. The realtime layer
 * answers a gap by having the affected sockets resume from their last seq (see realtime/resync.ts).
 */
export class RedisBus implements EventBus {
  readonly #local: InProcessBus;
  readonly #gapHandlers = new Set<(at: number) => void>();
  #subscribedOnce = false;
  #subscribed = false;
  /** Events of ours that never reached Redis: the others must resync once we are back. */
  #owesResync = false;
  #closed = false;

  constructor(
    private readonly pub: Redis,
    private readonly sub: Redis,
    private readonly opts: RedisBusOptions,
  ) {
    this.#local = new InProcessBus((err, event) =>
      opts.log.error({ err, event: event.type }, 'event subscriber failed'),
    );
    sub.on('message', (channel: string, text: string) => {
      if (channel === opts.channel) this.#receive(text);
    });
    sub.on('ready', () => void this.#subscribe());
    sub.on('close', () => {
      this.#subscribed = false;
    });
    pub.on('ready', () => this.#sendResyncNotice());
    if (sub.status === 'ready') void this.#subscribe();
  }

  /** Subscribed and able to publish: what /healthz reports. */
  get healthy(): boolean {
    return this.#subscribed && this.pub.status === 'ready';
  }

  publish(event: DomainEvent): void {
    this.#local.publish(event);
    if (this.#closed) return;
    this.opts.counters?.published();
    this.pub.publish(this.opts.channel, JSON.stringify({ n: this.opts.nodeId, e: event })).then(
      () => undefined,
      () => this.#lost(),
    );
  }

  subscribe(handler: EventHandler): () => void {
    return this.#local.subscribe(handler);
  }

  /** Called with the local time of each gap. */
  onGap(handler: (at: number) => void): () => void {
    this.#gapHandlers.add(handler);
    return () => this.#gapHandlers.delete(handler);
  }

  close(): Promise<void> {
    this.#closed = true;
    this.#gapHandlers.clear();
    return this.#local.close();
  }

  async #subscribe(): Promise<void> {
    try {
      await this.sub.subscribe(this.opts.channel);
    } catch (err) {
      // The connection broke again; its next 'ready' retries.
      this.opts.log.debug({ err }, 'redis subscribe failed');
      return;
    }
    this.#subscribed = true;
    // Any subscription after the first follows a break, during which other nodes' events were lost.
    if (this.#subscribedOnce) this.#gap('subscription restored');
    this.#subscribedOnce = true;
  }

  #receive(text: string): void {
    let env: unknown;
    try {
      env = JSON.parse(text);
    } catch {
      env = null;
    }
    if (!isEnvelope(env)) {
      this.opts.log.warn('ignored an unreadable message on the event channel');
      return;
    }
    // Our own events were delivered locally when published.
    if (env.n === this.opts.nodeId) return;
    if ('resync' in env) {
      this.#gap(`node ${env.n} could not publish for a while`);
      return;
    }
    this.opts.counters?.received();
    this.#local.publish(env.e);
  }

  #lost(): void {
    this.opts.counters?.dropped();
    this.#owesResync = true;
    // A publish can fail while the connection still counts as ready (it broke a moment ago, or
    // a transient error): then no 'ready' will follow, so the notice is sent now.
    if (this.pub.status === 'ready') this.#sendResyncNotice();
  }

  #sendResyncNotice(): void {
    if (!this.#owesResync || this.#closed) return;
    this.#owesResync = false;
    const notice: Envelope = { n: this.opts.nodeId, resync: true };
    this.pub.publish(this.opts.channel, JSON.stringify(notice)).then(
      () => this.opts.log.info('told the cluster to resync after events could not be published'),
      () => {
        this.#owesResync = true;
      },
    );
  }

  #gap(why: string): void {
    if (this.#closed) return;
    const at = this.opts.clock.now();
    this.opts.log.warn({ why }, 'events from other nodes may have been missed; sockets will resync');
    for (const h of this.#gapHandlers) {
      try {
        h(at);
      } catch (err) {
        this.opts.log.error({ err }, 'gap handler failed');
      }
    }
  }
}

function isEnvelope(v: unknown): v is Envelope {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  if (typeof o.n !== 'string') return false;
  if (o.resync === true) return true;
  const e = o.e;
  return typeof e === 'object' && e !== null && typeof (e as Record<string, unknown>).type === 'string';
}
