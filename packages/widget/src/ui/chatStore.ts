import type { ClientEvent, ConnectionState, Conversation, PendingMessage } from '@parley/client/core';
import type { Attachment, AuthorKind, Message } from '@parley/protocol';

/** Own messages: in the outbox (no socket / written to the socket), stored by the server, read by the team. */
export type Delivery = 'queued' | 'sent' | 'delivered' | 'read';

export interface Row {
  key: string;
  kind: AuthorKind;
  mine: boolean;
  author: string | null;
  body: string;
  at: string;
  attachments: readonly Attachment[];
  delivery: Delivery | null;
}

/** Where the chat reads from: the client once there is one, before that the persisted outbox. */
export interface ChatSource {
  conversations(): readonly Conversation[];
  messages(conversationId: string): readonly Message[];
  pending(): readonly PendingMessage[];
}

const EMPTY: ChatSource = { conversations: () => [], messages: () => [], pending: () => [] };
const TYPING_MS = 6000;

/**
 * The visitor's chat as the panel shows it. The client keeps the conversations, logs, read marks
 * and outbox; this adds what only the panel cares about: rows in order with their delivery mark,
 * who is typing, the connection, what to announce to screen readers, the unread count.
 * `apply` is the one dispatcher from client events to this state.
 */
export class ChatStore {
  source: ChatSource = EMPTY;
  state: ConnectionState | 'waiting' = 'waiting';
  online = true;
  unavailable = false;
  typing: { name: string | null; until: number } | null = null;
  /** The latest team message for the live region. */
  announcement: { author: string | null; body: string } | null = null;
  readonly #listeners = new Set<() => void>();

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  changed(): void {
    for (const listener of this.#listeners) listener();
  }

  attach(source: ChatSource): void {
    this.source = source;
    this.changed();
  }

  /**
   * Applies one client event; returns a team message that is new to the visitor (above its read
   * mark, so not history it has seen before), if the event was one.
   */
  apply(event: ClientEvent, now: number): Message | null {
    let fresh: Message | null = null;
    switch (event.type) {
      case 'state':
        this.state = event.payload;
        break;
      case 'typing': {
        const { author } = event.payload;
        if (author.kind !== 'visitor') this.typing = { name: author.name, until: now + TYPING_MS };
        break;
      }
      case 'message': {
        const m = event.payload;
        if (m.author.kind === 'visitor') break;
        if (this.typing?.name === m.author.name) this.typing = null;
        const summary = this.source.conversations().find((c) => c.id === m.conversationId);
        if (summary === undefined || m.seq > summary.readSeq) {
          fresh = m;
          this.announcement = { author: m.author.name, body: m.body };
        }
        break;
      }
      default:
        break;
    }
    this.changed();
    return fresh;
  }

  /** Conversations oldest first. */
  conversations(): Conversation[] {
    return [...this.source.conversations()].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /** The visitor's latest conversation. */
  current(): Conversation | undefined {
    return this.conversations().at(-1);
  }

  /** A conversation that is not closed: the chat must stay available on every page. */
  hasActive(): boolean {
    return this.source.conversations().some((c) => c.status !== 'closed');
  }

  rows(): Row[] {
    const rows: Row[] = [];
    for (const c of this.conversations()) {
      for (const m of this.source.messages(c.id)) {
        const mine = m.author.kind === 'visitor';
        rows.push({
          key: m.id,
          kind: m.author.kind,
          mine,
          author: m.author.name,
          body: m.body,
          at: m.at,
          attachments: m.attachments,
          delivery: mine ? (m.seq <= c.peerReadSeq ? 'read' : 'delivered') : null,
        });
      }
    }
    const sending: Delivery = this.state === 'open' ? 'sent' : 'queued';
    for (const p of this.source.pending()) {
      rows.push({
        key: p.clientMsgId,
        kind: 'visitor',
        mine: true,
        author: null,
        body: p.body,
        at: p.createdAt,
        attachments: [],
        delivery: sending,
      });
    }
    return rows;
  }

  /** Team messages the visitor has not read. */
  unread(): number {
    let count = 0;
    for (const c of this.source.conversations()) {
      for (const m of this.source.messages(c.id))
        if (m.author.kind !== 'visitor' && m.seq > c.readSeq) count++;
    }
    return count;
  }

  /** The highest seq per conversation, for read marks while the panel is in view. */
  lastSeqs(): [string, number][] {
    return this.source.conversations().flatMap((c) => {
      const last = this.source.messages(c.id).at(-1);
      return last !== undefined && last.seq > c.readSeq ? [[c.id, last.seq] as [string, number]] : [];
    });
  }

  typingNow(now: number): { name: string | null } | null {
    return this.typing !== null && this.typing.until > now ? this.typing : null;
  }

  /** What the connection line says; null when all is well. */
  connection(): 'connecting' | 'reconnecting' | 'offline' | 'unavailable' | null {
    if (this.unavailable) return 'unavailable';
    if (!this.online) return 'offline';
    if (this.state === 'open') return null;
    return this.state === 'reconnecting' ? 'reconnecting' : 'connecting';
  }
}
