import type { ConnectionState, TypingEvent } from '@parley/client';
import type { Author, Message, Welcome } from '@parley/protocol';
import { connectionLabel, type ConnectionTone } from '../shared/format';
import { TypingStore } from '../shared/typingStore';
import type { ChatSource } from './chatSource';

export type RowKind = 'you' | 'agent' | 'bot' | 'system';
/** Own messages only: in the outbox, stored by the server, or read by an agent. */
export type Delivery = 'sending' | 'sent' | 'read';

export interface ChatRow {
  key: string;
  kind: RowKind;
  author: string;
  body: string;
  at: string;
  delivery: Delivery | null;
}

export interface ChatView {
  /** Set when the chat cannot work at all; nothing else is shown then. */
  unavailable: string | null;
  connection: { text: string; tone: ConnectionTone };
  rows: ChatRow[];
  typing: string | null;
  notice: string | null;
}

const EMPTY_SOURCE: ChatSource = {
  conversations: () => [],
  messages: () => [],
  pending: () => [],
  send: () => undefined,
  typing: () => undefined,
  markRead: () => undefined,
};

/**
 * The visitor's chat as the page shows it. The client holds the conversations (with the agents' read
 * mark, `peerReadSeq`) and the outbox; this adds what only the page cares about: the order of the
 * conversations, who is typing, the connection text.
 */
export class VisitorChatStore {
  readonly typing = new TypingStore();
  #source: ChatSource = EMPTY_SOURCE;
  #state: ConnectionState = 'connecting';
  #online = true;
  #unavailable: string | null = null;
  #notice: string | null = null;
  visitorId: string | null = null;
  /** Conversation → when it started; messages can arrive before the conversation's summary. */
  readonly #started = new Map<string, string>();

  get source(): ChatSource {
    return this.#source;
  }

  attach(source: ChatSource): void {
    this.#source = source;
    for (const c of source.conversations()) this.conversation(c);
  }

  connection(state: ConnectionState): void {
    this.#state = state;
  }

  /** The browser's `online`/`offline` events. */
  network(online: boolean): void {
    this.#online = online;
  }

  unavailable(text: string): void {
    this.#unavailable = text;
  }

  welcome(frame: Welcome): void {
    this.visitorId = frame.visitor?.id ?? null;
    for (const c of frame.conversations) this.conversation(c);
  }

  conversation(c: { id: string; createdAt: string }): void {
    this.#started.set(c.id, c.createdAt);
  }

  message(message: Message): void {
    if (!this.#started.has(message.conversationId)) this.#started.set(message.conversationId, message.at);
    this.typing.messageFrom(message.conversationId, message.author);
    if (message.author.kind === 'visitor') this.#notice = null;
  }

  typed(event: TypingEvent, now: number): void {
    if (event.author.kind !== 'visitor') this.typing.note(event, now);
  }

  sendFailed(reason: string): void {
    this.#notice = `A message could not be sent: ${reason}`;
  }

  view(now: number): ChatView {
    const pending = this.#source.pending();
    return {
      unavailable: this.#unavailable,
      connection: connectionLabel(this.#state, pending.length > 0, this.#online),
      rows: this.#rows(),
      typing: this.#typingText(now),
      notice: this.#notice,
    };
  }

  /** The highest seq shown, per conversation: what the visitor has seen once the page shows it. */
  shownSeqs(): Map<string, number> {
    const shown = new Map<string, number>();
    for (const id of this.#started.keys()) {
      const last = this.#source.messages(id).at(-1);
      if (last !== undefined) shown.set(id, last.seq);
    }
    return shown;
  }

  /** The conversation the visitor is writing into (for typing previews): the newest one not closed. */
  currentConversationId(): string | undefined {
    const open = this.#source.conversations().filter((c) => c.status !== 'closed');
    open.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    return open[0]?.id;
  }

  #rows(): ChatRow[] {
    const rows: ChatRow[] = [];
    const logged = new Set<string>();
    const peerRead = new Map(this.#source.conversations().map((c) => [c.id, c.peerReadSeq]));
    const byStart = [...this.#started].sort(([, a], [, b]) => a.localeCompare(b));
    for (const [id] of byStart) {
      for (const m of this.#source.messages(id)) {
        if (m.clientMsgId !== null) logged.add(m.clientMsgId);
        rows.push(messageRow(m, peerRead.get(id) ?? 0));
      }
    }
    for (const p of this.#source.pending()) {
      if (logged.has(p.clientMsgId)) continue;
      rows.push({
        key: `c:${p.clientMsgId}`,
        kind: 'you',
        author: 'You',
        body: p.body,
        at: p.createdAt,
        delivery: 'sending',
      });
    }
    return rows;
  }

  #typingText(now: number): string | null {
    for (const id of this.#started.keys()) {
      const typist = this.typing.active(id, now);
      if (typist !== undefined) return `${typist.author.name ?? 'An agent'} is typing…`;
    }
    return null;
  }
}

function messageRow(m: Message, peerRead: number): ChatRow {
  const kind = rowKind(m.author);
  return {
    // An own message keeps the key it had while pending, so the page updates it in place.
    key: m.clientMsgId !== null && kind === 'you' ? `c:${m.clientMsgId}` : `m:${m.id}`,
    kind,
    author: authorName(m.author, kind),
    body: m.body,
    at: m.at,
    delivery: kind === 'you' ? (peerRead >= m.seq ? 'read' : 'sent') : null,
  };
}

function rowKind(author: Author): RowKind {
  switch (author.kind) {
    case 'visitor':
      return 'you';
    case 'agent':
      return 'agent';
    case 'bot':
      return 'bot';
    case 'system':
      return 'system';
  }
}

function authorName(author: Author, kind: RowKind): string {
  if (kind === 'you') return 'You';
  if (kind === 'system') return '';
  const name = author.name ?? (kind === 'bot' ? 'Assistant' : 'Support');
  return kind === 'bot' ? `${name} (bot)` : name;
}
