import type { ServerFrame } from '@parley/protocol';
import type { AgentActor, VisitorActor } from '../shared/context';
import { CLOSE, type RealtimeSocket } from './socket';
import type { TokenBucket } from './tokenBucket';

/** Bytes a client may leave unread before we cut it off; it reconnects and resumes from its seq. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

export interface ConnectionMeta {
  id: string;
  origin: string | undefined;
  /** Session cookie value sent with the upgrade request, if any (agents). */
  sessionToken: string | undefined;
  /** Host the console is served from, for the agents' same-origin check. */
  host: string | undefined;
  ip: string | null;
  userAgent: string | null;
}

export type ConnectionAuth =
  | { role: 'visitor'; actor: VisitorActor; siteKey: string; sneakPeek: boolean }
  | { role: 'agent'; actor: AgentActor };

/**
 * One socket's state. Kept small on purpose (many thousands per node): no per-connection timers,
 * the gateway sweeps heartbeats for all of them at once.
 */
export class Connection {
  auth: ConnectionAuth | null = null;
  /** Until welcome and resume are out, events are held here, so none slips between snapshot and live. */
  held: string[] | null = [];
  lastSeenAt: number;
  lastPingAt: number;
  readonly openedAt: number;
  closed = false;
  /** Frames are handled one after another, so a client's sends are acked in the order it sent them. */
  queue: Promise<void> = Promise.resolve();
  queued = 0;
  /** Conversations this socket has been allowed to touch: site and visitor ids never change, so the answer can be kept. */
  readonly allowed = new Map<string, { siteId: string; visitorId: string }>();
  bucket: TokenBucket | null = null;

  constructor(
    readonly socket: RealtimeSocket,
    readonly meta: ConnectionMeta,
    now: number,
  ) {
    this.lastSeenAt = now;
    this.lastPingAt = now;
    this.openedAt = now;
  }

  send(frame: ServerFrame): void {
    this.sendText(JSON.stringify(frame));
  }

  /** Live events, serialised once per audience by the caller; held back while the connection is being welcomed. */
  push(text: string): void {
    if (this.held) this.held.push(text);
    else this.sendText(text);
  }

  release(): void {
    const held = this.held;
    this.held = null;
    for (const t of held ?? []) this.sendText(t);
  }

  private sendText(text: string): void {
    if (this.closed) return;
    if (this.socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.close(CLOSE.tryAgainLater, 'client too slow');
      return;
    }
    this.socket.send(text);
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.close(code, reason);
  }
}
