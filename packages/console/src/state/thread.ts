import type { PendingMessage } from '@parley/client';
import type { Attachment, ConversationForAgent, Message } from '@parley/protocol';
import { visitorTitle } from './InboxStore';

export type ThreadRowKind = 'visitor' | 'me' | 'agent' | 'bot' | 'system' | 'note';

export interface ThreadRow {
  key: string;
  kind: ThreadRowKind;
  author: string;
  body: string;
  at: string;
  attachments: readonly Attachment[];
  /**
   * Public messages of agents: in the outbox (`sending`), stored by the server (`sent`), or read
   * by the visitor (`seen`, the visitor's read mark). Null for everything else.
   */
  delivery: 'sending' | 'sent' | 'seen' | null;
}

export interface ThreadSource {
  messages(conversationId: string): readonly Message[];
  pending(): readonly PendingMessage[];
}

export interface ThreadParts {
  rows: ThreadRow[];
  /** The log is complete up to the summary's lastSeq (history fetched). */
  complete: boolean;
  /** Highest seq shown: what the agent has read once this is on screen. */
  lastSeq: number | null;
}

/**
 * The conversation as shown: the log (gap-free, from the client), then this agent's replies still
 * in the outbox. An own message keeps its key (`c:<clientMsgId>`) from outbox to log, so the row is
 * updated in place instead of being replaced.
 */
export function threadRows(
  source: ThreadSource,
  summary: ConversationForAgent,
  me: { id: string; name: string },
): ThreadParts {
  const messages = source.messages(summary.id);
  const visitor = visitorTitle(summary);
  const rows: ThreadRow[] = [];
  const logged = new Set<string>();
  for (const m of messages) {
    if (m.clientMsgId !== null) logged.add(m.clientMsgId);
    rows.push(row(m, summary.peerReadSeq, visitor, me.id));
  }
  for (const p of source.pending()) {
    if (p.conversationId !== summary.id || logged.has(p.clientMsgId)) continue;
    rows.push({
      key: `c:${p.clientMsgId}`,
      kind: p.private ? 'note' : 'me',
      author: p.private ? `Private note · ${me.name}` : me.name,
      body: p.body,
      at: p.createdAt,
      attachments: [],
      delivery: p.private ? null : 'sending',
    });
  }
  const lastSeq = messages.at(-1)?.seq ?? null;
  return { rows, complete: (lastSeq ?? 0) >= summary.lastSeq, lastSeq };
}

function row(m: Message, visitorReadSeq: number, visitor: string, meId: string): ThreadRow {
  const isMe = m.author.kind === 'agent' && m.author.id === meId;
  const key = isMe && m.clientMsgId !== null ? `c:${m.clientMsgId}` : `m:${m.id}`;
  const name =
    m.author.name ?? (m.author.kind === 'visitor' ? visitor : m.author.kind === 'agent' ? 'A colleague' : '');
  const base = { key, body: m.body, at: m.at, attachments: m.attachments };
  if (m.private) return { ...base, kind: 'note', author: `Private note · ${name}`, delivery: null };
  const kind: ThreadRowKind = isMe ? 'me' : m.author.kind;
  const author = kind === 'bot' ? `${name} (bot)` : name;
  const delivery = m.author.kind === 'agent' ? (visitorReadSeq >= m.seq ? 'seen' : 'sent') : null;
  return { ...base, kind, author, delivery };
}
