import type { ConversationForAgent, Message } from '@parley/protocol';

interface Entry {
  summary: ConversationForAgent;
  /** Newest activity first: the last message, else the summary's, else the start. */
  lastActivity: string;
  preview: string | null;
  /** Seqs of this agent's own messages (from other tabs too): never unread for their author. */
  readonly own: Set<number>;
}

export interface InboxRow {
  id: string;
  title: string;
  preview: string | null;
  lastActivity: string;
  unread: number;
  status: ConversationForAgent['status'];
  assignedToMe: boolean;
}

/** "Visitor 3f2a9c1b" for anonymous visitors: enough to tell two apart at a glance. */
export function visitorTitle(c: Pick<ConversationForAgent, 'visitorName' | 'visitorId'>): string {
  return c.visitorName ?? `Visitor ${c.visitorId.slice(0, 8)}`;
}

/**
 * The agent's inbox: conversation summaries from the welcome and the client's `conversation` events
 * (which carry the read marks, this agent's own applied at once by `markRead`), kept current between
 * those by messages (the server sends no summary for a new message).
 */
export class InboxStore {
  readonly #meId: string;
  readonly #entries = new Map<string, Entry>();

  constructor(meId: string) {
    this.#meId = meId;
  }

  get(id: string): ConversationForAgent | undefined {
    return this.#entries.get(id)?.summary;
  }

  /**
   * A welcome lists every open or pending conversation: the others were closed (or moved out of our
   * sites) meanwhile. `keep` is the one on screen, which stays until it is refreshed.
   */
  reset(summaries: readonly ConversationForAgent[], keep: string | null): void {
    const listed = new Set(summaries.map((s) => s.id));
    for (const id of [...this.#entries.keys()]) if (!listed.has(id) && id !== keep) this.#entries.delete(id);
    for (const summary of summaries) this.upsert(summary);
  }

  upsert(summary: ConversationForAgent): void {
    const entry = this.#entries.get(summary.id);
    if (entry === undefined) {
      this.#entries.set(summary.id, {
        summary,
        lastActivity: summary.lastMessageAt ?? summary.createdAt,
        preview: summary.lastMessagePreview,
        own: new Set(),
      });
      return;
    }
    const old = entry.summary;
    // Frames and REST answers can cross: marks and seqs only ever move forward.
    entry.summary = {
      ...summary,
      lastSeq: Math.max(old.lastSeq, summary.lastSeq),
      readSeq: Math.max(old.readSeq, summary.readSeq),
      peerReadSeq: Math.max(old.peerReadSeq, summary.peerReadSeq),
    };
    const at = summary.lastMessageAt;
    if (at !== null && at > entry.lastActivity) {
      entry.lastActivity = at;
      entry.preview = summary.lastMessagePreview ?? entry.preview;
    }
  }

  message(message: Message): void {
    const entry = this.#entries.get(message.conversationId);
    if (entry === undefined) return;
    if (message.seq > entry.summary.lastSeq) entry.summary = { ...entry.summary, lastSeq: message.seq };
    if (message.author.kind === 'agent' && message.author.id === this.#meId) entry.own.add(message.seq);
    if (message.at >= entry.lastActivity) {
      entry.lastActivity = message.at;
      if (!message.private) entry.preview = message.body;
    }
  }

  /** Newest activity first; closed conversations leave the inbox unless they are the one on screen. */
  rows(selectedId: string | null): InboxRow[] {
    const rows: InboxRow[] = [];
    for (const entry of this.#entries.values()) {
      const { summary } = entry;
      if (summary.status === 'closed' && summary.id !== selectedId) continue;
      rows.push({
        id: summary.id,
        title: visitorTitle(summary),
        preview: entry.preview,
        lastActivity: entry.lastActivity,
        unread: unread(entry),
        status: summary.status,
        assignedToMe: summary.assigneeId === this.#meId,
      });
    }
    return rows.sort((a, b) => b.lastActivity.localeCompare(a.lastActivity));
  }
}

function unread(entry: Entry): number {
  const { lastSeq, readSeq } = entry.summary;
  let ownAfterMark = 0;
  for (const seq of entry.own) if (seq > readSeq) ownAfterMark += 1;
  return Math.max(0, lastSeq - readSeq - ownAfterMark);
}
