import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { DB } from '../db/schema';
import type { Clock } from '../shared/clock';

/** What the registry reports about widget connections. */
export interface VisitorPresence {
  /** A visitor's first socket on this node completed its hello. */
  visitorConnected(visitorId: string): void;
  /** Its last socket on this node closed. */
  visitorDisconnected(visitorId: string): void;
}

const CHUNK = 500;

/**
 * Widget connections, written where every node can read them: `visitors.socket_seen_at` (and
 * `last_seen_at`) is set when a visitor connects and again every heartbeat while connected, and
 * cleared when its last socket on this node closes. Writes are batched (one UPDATE per 500
 * visitors, at most once a second), so a reconnect storm costs a few statements, not one each.
 * A node that dies stops refreshing: its visitors fall out of "connected" within the window the
 * readers allow (live visitors, analytics).
 */
export class VisitorPresenceWriter implements VisitorPresence {
  readonly #seen = new Set<string>();
  readonly #gone = new Set<string>();
  readonly #timer: NodeJS.Timeout;
  #flushing: Promise<void> | null = null;
  #stopped = false;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock,
    private readonly log: Logger,
    flushMs = 1000,
  ) {
    this.#timer = setInterval(() => void this.flush(), flushMs);
    this.#timer.unref();
  }

  visitorConnected(visitorId: string): void {
    if (this.#stopped) return;
    this.#gone.delete(visitorId);
    this.#seen.add(visitorId);
  }

  visitorDisconnected(visitorId: string): void {
    if (this.#stopped) return;
    this.#seen.delete(visitorId);
    this.#gone.add(visitorId);
  }

  /** Every heartbeat: the visitors still connected here are seen again. */
  refresh(visitorIds: Iterable<string>): void {
    if (this.#stopped) return;
    for (const id of visitorIds) this.#seen.add(id);
  }

  /** Writes what is pending (tests call it to skip the wait). */
  async flush(): Promise<void> {
    await this.#flushing;
    if (this.#seen.size === 0 && this.#gone.size === 0) return;
    const seen = [...this.#seen];
    const gone = [...this.#gone];
    this.#seen.clear();
    this.#gone.clear();
    const now = this.clock.now();
    this.#flushing = (async () => {
      try {
        for (let i = 0; i < seen.length; i += CHUNK)
          await this.db
            .updateTable('visitors')
            .set({ socket_seen_at: now, last_seen_at: now })
            .where('id', 'in', seen.slice(i, i + CHUNK))
            .execute();
        for (let i = 0; i < gone.length; i += CHUNK)
          await this.db
            .updateTable('visitors')
            .set({ socket_seen_at: null })
            .where('id', 'in', gone.slice(i, i + CHUNK))
            .execute();
      } catch (err) {
        // Lost writes heal by themselves: the next heartbeat refreshes every connected visitor.
        this.log.warn({ err }, 'visitor presence write failed');
      }
    })();
    await this.#flushing;
    this.#flushing = null;
  }

  /**
   * The node is leaving: sockets closed by the shutdown are not reported as gone (their widgets
   * reconnect to another node within seconds and should not flicker out of the lists).
   */
  stop(): void {
    this.#stopped = true;
    clearInterval(this.#timer);
    this.#gone.clear();
  }
}
