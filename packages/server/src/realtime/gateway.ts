import { randomUUID } from 'node:crypto';
import {
  HEARTBEAT_MS,
  HELLO_TIMEOUT_MS,
  decodeClientFrame,
  type ClientFrame,
  type ConversationChangeReason,
  type ErrorCode,
  type ServerFrame,
} from '@parley/protocol';
import type { AppContext } from '../shared/context';
import type { DomainEvent } from '../shared/events';
import { AppError } from '../shared/errors';
import { presentMessageForVisitor } from '../conversations/presenters';
import { loadConversationViews } from '../conversations/queries';
import { Connection, type ConnectionMeta } from './connection';
import { Registry } from './recipients';
import { CLOSE, type RealtimeSocket } from './socket';
import { handleFrame, type HandlerEnv } from './handlers';
import { VisitorPresenceWriter } from './visitorPresence';
import { sessionStore } from '../auth/store';
import { SESSION_TTL_MS } from '../auth/actions';

/** Conversation changes visitors never hear of. */
const AGENT_ONLY_REASONS: ReadonlySet<ConversationChangeReason> = new Set([
  'snoozed',
  'unsnoozed',
  'tagged',
  'pending',
  'opened',
]);

/** Frames a socket may have waiting for their turn. */
const MAX_QUEUED_FRAMES = 256;

export interface RateLimit {
  perSecond: number;
  burst: number;
}

export interface GatewayOptions {
  heartbeatMs?: number | undefined;
  helloTimeoutMs?: number | undefined;
  sendRate?: { visitor: RateLimit; agent: RateLimit } | undefined;
  consoleOrigin?: string | null | undefined;
}

/**
 * The realtime core: owns connections, runs each frame through its handler, and fans domain events
 * out to the right sockets. Knows sockets only through `RealtimeSocket`.
 */
export class Gateway {
  readonly registry: Registry;
  /** Widget connections as every node sees them (visitors.socket_seen_at). */
  readonly visitorPresence: VisitorPresenceWriter;
  private readonly heartbeatMs: number;
  private readonly helloTimeoutMs: number;
  private readonly env: HandlerEnv;
  private readonly sweeper: NodeJS.Timeout;
  private readonly unsubscribe: () => void;
  private chain: Promise<void> = Promise.resolve();
  private draining = false;
  private lastRevalidation = 0;

  constructor(
    private readonly ctx: AppContext,
    opts: GatewayOptions = {},
  ) {
    this.visitorPresence = new VisitorPresenceWriter(ctx.db, ctx.clock, ctx.log);
    this.registry = new Registry(ctx.presence, this.visitorPresence);
    this.heartbeatMs = opts.heartbeatMs ?? HEARTBEAT_MS;
    this.helloTimeoutMs = opts.helloTimeoutMs ?? HELLO_TIMEOUT_MS;
    this.env = {
      ctx,
      heartbeatMs: this.heartbeatMs,
      consoleOrigin: opts.consoleOrigin ?? null,
      sendRate: opts.sendRate ?? {
        visitor: { perSecond: 10, burst: 30 },
        agent: { perSecond: 20, burst: 60 },
      },
      registry: this.registry,
      fail: (c, code, message, ref) => this.fail(c, code, message, ref),
    };
    this.unsubscribe = ctx.bus.subscribe((e) => {
      // Events are delivered in publish order; most are handled synchronously.
      this.chain = this.chain
        .then(() => this.deliver(e))
        .catch((err: unknown) => ctx.log.error({ err, event: e.type }, 'fan-out failed'));
    });
    const tick = Math.max(50, Math.min(this.heartbeatMs, this.helloTimeoutMs) / 2);
    this.sweeper = setInterval(() => this.sweep(), tick);
    this.sweeper.unref();
  }

  open(socket: RealtimeSocket, meta: Omit<ConnectionMeta, 'id'>): Connection {
    const conn = new Connection(socket, { ...meta, id: randomUUID() }, this.ctx.clock.now());
    if (this.draining) {
      conn.send({ t: 'bye', reason: 'shutdown', reconnect: true });
      conn.close(CLOSE.goingAway, 'server shutting down');
      return conn;
    }
    this.registry.all.add(conn);
    return conn;
  }

  /** A complete text frame, already checked for size and UTF-8 by the transport. */
  receive(conn: Connection, text: string): void {
    conn.lastSeenAt = this.ctx.clock.now();
    const decoded = decodeClientFrame(text);
    if (!decoded.ok) {
      this.reject(conn, decoded.code, decoded.message, decoded.ref);
      return;
    }
    const frame: ClientFrame = decoded.value;
    this.ctx.metrics.frames.inc({ type: frame.t });
    if (conn.queued >= MAX_QUEUED_FRAMES) {
      // A client racing ahead of its acks gets refusals it can retry on, not unbounded memory here.
      const ref = frame.t === 'send' ? frame.clientMsgId : 'ref' in frame ? frame.ref : undefined;
      this.fail(conn, 'rate_limited', 'too many frames in flight; wait for answers', ref);
      return;
    }
    conn.queued++;
    conn.queue = conn.queue.then(() => this.run(conn, frame)).finally(() => conn.queued--);
  }

  private async run(conn: Connection, frame: ClientFrame): Promise<void> {
    if (conn.closed) return;
    try {
      await handleFrame(this.env, conn, frame);
    } catch (err) {
      const ref = frame.t === 'send' ? frame.clientMsgId : 'ref' in frame ? frame.ref : undefined;
      if (err instanceof AppError) {
        this.fail(conn, err.code, err.message, ref);
      } else {
        this.ctx.log.error({ err, conn: conn.meta.id, frame: frame.t }, 'frame handler failed');
        this.fail(conn, 'internal', 'internal error; retry later', ref);
      }
    }
  }

  /** The transport rejected a frame before decoding (too large, not UTF-8, binary). */
  reject(conn: Connection, code: ErrorCode, message: string, ref?: string): void {
    conn.lastSeenAt = this.ctx.clock.now();
    this.ctx.log.info({ conn: conn.meta.id, code, message }, 'rejected frame');
    // Queued like any frame, so that answers leave in the order the frames arrived.
    conn.queue = conn.queue.then(() => this.fail(conn, code, message, ref));
  }

  pong(conn: Connection): void {
    conn.lastSeenAt = this.ctx.clock.now();
  }

  closed(conn: Connection): void {
    conn.closed = true;
    this.registry.remove(conn);
  }

  private fail(conn: Connection, code: ErrorCode, message: string, ref?: string): void {
    this.ctx.metrics.frameErrors.inc({ code });
    conn.send(ref === undefined ? { t: 'error', code, message } : { t: 'error', code, message, ref });
  }

  private sweep(): void {
    const now = this.ctx.clock.now();
    for (const c of this.registry.all) {
      if (!c.auth && now - c.openedAt > this.helloTimeoutMs) {
        this.fail(c, 'hello_timeout', 'no hello received in time');
        c.close(CLOSE.helloTimeout, 'hello timeout');
      } else if (now - c.lastSeenAt > 2 * this.heartbeatMs) {
        c.close(CLOSE.goingAway, 'heartbeat timeout');
      } else if (now - c.lastPingAt >= this.heartbeatMs) {
        c.lastPingAt = now;
        c.socket.ping?.();
      }
    }
    if (now - this.lastRevalidation >= this.heartbeatMs) {
      this.lastRevalidation = now;
      this.visitorPresence.refresh(this.registry.visitorIds());
      void this.revalidateSessions(now).catch((err: unknown) =>
        this.ctx.log.error({ err }, 'session revalidation failed'),
      );
    }
  }

  /**
   * Sessions can end without an event reaching this node: expiry, a password reset from the CLI
   * (another process), another node (later). Once a heartbeat, sockets whose session is gone are
   * closed, and the sessions of connected agents are kept alive — one query each, for all sockets.
   */
  private async revalidateSessions(now: number): Promise<void> {
    const bySession = new Map<string, Connection[]>();
    for (const c of this.registry.all) {
      if (c.auth?.role !== 'agent' || c.auth.actor.sessionId === null) continue;
      const list = bySession.get(c.auth.actor.sessionId) ?? [];
      list.push(c);
      bySession.set(c.auth.actor.sessionId, list);
    }
    const ids = [...bySession.keys()];
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      const alive = new Set(await sessionStore.aliveIds(this.ctx.db, chunk, now));
      await sessionStore.extend(this.ctx.db, [...alive], now, now + SESSION_TTL_MS);
      for (const id of chunk) {
        if (alive.has(id)) continue;
        for (const c of bySession.get(id) ?? []) {
          c.send({ t: 'bye', reason: 'session_revoked', reconnect: false });
          c.close(CLOSE.unauthorized, 'session ended');
        }
      }
    }
  }

  private async deliver(e: DomainEvent): Promise<void> {
    const r = this.registry;
    switch (e.type) {
      case 'message.created': {
        const visible = presentMessageForVisitor(e.message);
        if (visible) {
          const text = serialize({ t: 'msg', ...visible });
          for (const c of r.visitor(e.visitorId)) c.push(text);
        }
        const text = serialize({ t: 'msg', ...e.message });
        for (const c of r.agentsOfSite(e.siteId)) c.push(text);
        return;
      }
      case 'typing': {
        const authorId = e.author.id;
        if (e.author.kind !== 'visitor') {
          // Agents' drafts are never shown to visitors: only the fact that someone is typing.
          const text = serialize({ t: 'typing', conversationId: e.conversationId, author: e.author });
          for (const c of r.visitor(e.visitorId)) c.push(text);
        }
        const text = serialize(
          e.author.kind === 'visitor' && e.preview !== undefined
            ? { t: 'typing', conversationId: e.conversationId, author: e.author, preview: e.preview }
            : { t: 'typing', conversationId: e.conversationId, author: e.author },
        );
        for (const c of r.agentsOfSite(e.siteId)) if (c.auth?.actor.id !== authorId) c.push(text);
        return;
      }
      case 'read': {
        const text = serialize({ t: 'read', conversationId: e.conversationId, reader: e.reader, seq: e.seq });
        for (const c of r.visitor(e.visitorId)) c.push(text);
        for (const c of r.agentsOfSite(e.siteId)) c.push(text);
        return;
      }
      case 'conversation.changed': {
        // Snoozes and tags are the team's business: the visitor's view does not change.
        const visitorHere = !AGENT_ONLY_REASONS.has(e.reason) && [...r.visitor(e.visitorId)].length > 0;
        const views = await loadConversationViews(
          this.ctx,
          e.conversationId,
          visitorHere ? e.visitorId : null,
        );
        if (!views) return;
        if (views.forVisitor) {
          // Recipients are read again: sockets may have come or gone while the views loaded.
          const text = serialize({ t: 'conversation', conversation: views.forVisitor, reason: e.reason });
          for (const c of r.visitor(e.visitorId)) c.push(text);
        }
        for (const c of r.agentsOfSite(e.siteId)) {
          if (c.auth?.role === 'agent')
            c.push(
              serialize({
                t: 'conversation',
                conversation: views.forAgent(c.auth.actor.id),
                reason: e.reason,
              }),
            );
        }
        return;
      }
      case 'visitor.changed': {
        // Agents of the visitor's site only; visitors never receive visitor frames (not even their own).
        const text = serialize({ t: 'visitor', visitor: e.visitor });
        for (const c of r.agentsOfSite(e.siteId)) c.push(text);
        return;
      }
      case 'site.changed': {
        for (const c of r.all)
          if (c.auth?.role === 'visitor' && c.auth.actor.siteId === e.siteId) c.auth.sneakPeek = e.sneakPeek;
        return;
      }
      case 'agent.access_changed': {
        for (const c of [...r.agent(e.agentId)]) {
          c.send({ t: 'bye', reason: 'access_changed', reconnect: true });
          c.close(CLOSE.reauthenticate, 'access changed');
        }
        return;
      }
      case 'conversations.removed': {
        const text = serialize({
          t: 'conversations_removed',
          conversationIds: e.conversationIds,
          reason: e.reason,
        });
        for (const c of r.agentsOfSite(e.siteId)) c.push(text);
        return;
      }
      case 'visitor.erased': {
        for (const c of [...r.visitor(e.visitorId)]) {
          c.send({ t: 'bye', reason: 'session_revoked', reconnect: false });
          c.close(CLOSE.unauthorized, 'visitor erased');
        }
        return;
      }
      case 'agent.signed_out': {
        for (const c of [...r.agent(e.agentId)]) {
          const sid = c.auth?.role === 'agent' ? c.auth.actor.sessionId : null;
          if (e.sessionIds === 'all' || (sid !== null && e.sessionIds.includes(sid))) {
            c.send({ t: 'bye', reason: e.reason, reconnect: false });
            c.close(CLOSE.unauthorized, e.reason);
          }
        }
        return;
      }
    }
  }

  /** Graceful shutdown: refuse new sockets, tell the connected ones to reconnect (elsewhere), close them. */
  async drain(): Promise<void> {
    this.draining = true;
    this.visitorPresence.stop();
    await Promise.allSettled([...this.registry.all].map((c) => c.queue));
    await this.chain;
    for (const c of [...this.registry.all]) {
      c.send({ t: 'bye', reason: 'shutdown', reconnect: true });
      c.close(CLOSE.goingAway, 'server shutting down');
    }
  }

  stop(): void {
    this.visitorPresence.stop();
    clearInterval(this.sweeper);
    this.unsubscribe();
  }
}

function serialize(f: ServerFrame): string {
  return JSON.stringify(f);
}
