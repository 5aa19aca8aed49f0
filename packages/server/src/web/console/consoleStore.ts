import type { ConnectionState, PendingMessage, TypingEvent } from '@parley/client';
import type { Agent, ConversationForAgent, Message } from '@parley/protocol';
import { connectionLabel, type ConnectionTone } from '../shared/format';
import { TypingStore } from '../shared/typingStore';
import { InboxStore, visitorTitle, type InboxRow } from './inboxStore';

/** The client's view of the logs and the outbox, which the thread shows. */
export interface ThreadSource {
  messages(conversationId: string): readonly Message[];
  pending(): readonly PendingMessage[];
}

export type ThreadRowKind = 'visitor' | 'me' | 'agent' | 'bot' | 'system' | 'note';

export interface ThreadRow {
  key: string;
  kind: ThreadRowKind;
  author: string;
  body: string;
  at: string;
  /** Public messages of this agent: in the outbox, stored, or read by the visitor. */
  delivery: 'sending' | 'sent' | 'seen' | null;
}

export interface ThreadView {
  id: string;
  title: string;
  status: string;
  canAssignToMe: boolean;
  canClose: boolean;
  canReopen: boolean;
  busy: boolean;
  rows: ThreadRow[];
  typing: { who: string; preview: string | null } | null;
  notice: string | null;
}

export interface InboxItem extends InboxRow {
  /** The visitor (or a colleague) is typing in it right now. */
  typing: boolean;
}

export interface ConsoleView {
  me: string;
  connection: { text: string; tone: ConnectionTone };
  inbox: InboxItem[];
  selectedId: string | null;
  thread: ThreadView | null;
}

const STATUS_TEXT: Record<ConversationForAgent['status'], string> = {
  open: 'Open',
  pending: 'Pending',
  closed: 'Closed',
};

/** Everything the signed-in console shows, and the rules for it. */
export class ConsoleStore {
  me: Agent;
  readonly inbox: InboxStore;
  readonly typing = new TypingStore();
  selectedId: string | null = null;
  #source: ThreadSource;
  #connection: ConnectionState = 'connecting';
  #online = true;
  readonly #agentNames = new Map<string, string>();
  readonly #notices = new Map<string, string>();
  readonly #busy = new Set<string>();

  constructor(me: Agent, source: ThreadSource) {
    this.me = me;
    this.#source = source;
    this.inbox = new InboxStore(me.id);
  }

  connection(state: ConnectionState): void {
    this.#connection = state;
  }

  /** The browser's `online`/`offline` events. */
  network(online: boolean): void {
    this.#online = online;
  }

  agents(agents: readonly Agent[]): void {
    for (const agent of agents) this.#agentNames.set(agent.id, agent.name);
  }

  knowsAgent(id: string): boolean {
    return id === this.me.id || this.#agentNames.has(id);
  }

  select(id: string): void {
    this.selectedId = id;
  }

  message(message: Message): void {
    this.inbox.message(message);
    this.typing.messageFrom(message.conversationId, message.author);
  }

  typed(event: TypingEvent, now: number): void {
    if (event.author.kind === 'agent' && event.author.id === this.me.id) return;
    this.typing.note(event, now);
  }

  notice(conversationId: string, text: string | null): void {
    if (text === null) this.#notices.delete(conversationId);
    else this.#notices.set(conversationId, text);
  }

  busy(conversationId: string, busy: boolean): void {
    if (busy) this.#busy.add(conversationId);
    else this.#busy.delete(conversationId);
  }

  /** The newest message on screen in the open conversation: what the agent has now read. */
  shownSeq(): { conversationId: string; seq: number } | null {
    if (this.selectedId === null) return null;
    const last = this.#source.messages(this.selectedId).at(-1);
    return last === undefined ? null : { conversationId: this.selectedId, seq: last.seq };
  }

  view(now: number): ConsoleView {
    const waiting = this.#source.pending().length > 0;
    return {
      me: this.me.name,
      connection: connectionLabel(this.#connection, waiting, this.#online),
      inbox: this.inbox
        .rows(this.selectedId)
        .map((row) => ({ ...row, typing: this.typing.active(row.id, now) !== undefined })),
      selectedId: this.selectedId,
      thread: this.selectedId === null ? null : this.#thread(this.selectedId, now),
    };
  }

  #thread(id: string, now: number): ThreadView | null {
    const summary = this.inbox.get(id);
    if (summary === undefined) return null;
    const mine = summary.assigneeId === this.me.id;
    const closed = summary.status === 'closed';
    const typist = this.typing.active(id, now);
    return {
      id,
      title: visitorTitle(summary),
      status: `${STATUS_TEXT[summary.status]} · ${this.#assigneeText(summary.assigneeId)}`,
      canAssignToMe: !mine && !closed,
      canClose: !closed,
      canReopen: closed,
      busy: this.#busy.has(id),
      rows: this.#rows(id, summary.peerReadSeq, visitorTitle(summary)),
      typing:
        typist === undefined
          ? null
          : {
              who: typist.author.kind === 'visitor' ? 'Visitor' : (typist.author.name ?? 'A colleague'),
              preview: typist.preview ?? null,
            },
      notice: this.#notices.get(id) ?? null,
    };
  }

  #assigneeText(assigneeId: string | null): string {
    if (assigneeId === null) return 'Unassigned';
    if (assigneeId === this.me.id) return 'Assigned to you';
    return `Assigned to ${this.#agentNames.get(assigneeId) ?? 'a colleague'}`;
  }

  #rows(id: string, visitorReadSeq: number, visitor: string): ThreadRow[] {
    const rows: ThreadRow[] = [];
    const logged = new Set<string>();
    for (const m of this.#source.messages(id)) {
      if (m.clientMsgId !== null) logged.add(m.clientMsgId);
      rows.push(this.#row(m, visitorReadSeq, visitor));
    }
    for (const p of this.#source.pending()) {
      if (p.conversationId !== id || logged.has(p.clientMsgId)) continue;
      rows.push({
        key: `c:${p.clientMsgId}`,
        kind: p.private ? 'note' : 'me',
        author: p.private ? `Private note · ${this.me.name}` : this.me.name,
        body: p.body,
        at: p.createdAt,
        delivery: 'sending',
      });
    }
    return rows;
  }

  #row(m: Message, visitorReadSeq: number, visitor: string): ThreadRow {
    const isMe = m.author.kind === 'agent' && m.author.id === this.me.id;
    const key = isMe && m.clientMsgId !== null ? `c:${m.clientMsgId}` : `m:${m.id}`;
    const name = m.author.name ?? (m.author.kind === 'visitor' ? visitor : '');
    if (m.private) {
      return { key, kind: 'note', author: `Private note · ${name}`, body: m.body, at: m.at, delivery: null };
    }
    const kind: ThreadRowKind = isMe ? 'me' : m.author.kind;
    const author = kind === 'bot' ? `${name} (bot)` : name;
    const delivery = isMe ? (visitorReadSeq >= m.seq ? 'seen' : 'sent') : null;
    return { key, kind, author, body: m.body, at: m.at, delivery };
  }
}
