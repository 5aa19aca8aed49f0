import type { ConversationForAgent, Message } from '@parley/protocol';
import { Observable } from '../lib/observable';

export type InboxView = 'unassigned' | 'mine' | 'departments' | 'all';
export type InboxStatus = 'open' | 'pending' | 'snoozed' | 'closed';
export const INBOX_VIEWS: readonly InboxView[] = ['unassigned', 'mine', 'departments', 'all'];
export const INBOX_STATUSES: readonly InboxStatus[] = ['open', 'pending', 'snoozed', 'closed'];

export interface InboxFilter {
  view: InboxView;
  status: InboxStatus;
  /** null = every site of the agent. */
  siteId: string | null;
}

interface Entry {
  summary: ConversationForAgent;
  /** The last message, else the summary's, else the start. */
  lastActivity: string;
  preview: string | null;
  /** Seqs of this agent's own messages (from other tabs too): never unread for their author. */
  readonly own: Set<number>;
  /**
   * Since when the visitor has been waiting for an answer (null: nobody waits). The server keeps it
   * (`waitingSince` of the summary); between summaries, messages move it by the same rule.
   */
  waitingSince: string | null;
}

export interface InboxRow {
  id: string;
  siteId: string;
  title: string;
  preview: string | null;
  lastActivity: string;
  waitingSince: string | null;
  unread: number;
  status: ConversationForAgent['status'];
  snoozedUntil: string | null;
  tagIds: readonly string[];
  assigneeId: string | null;
  assignedToMe: boolean;
  rating: ConversationForAgent['rating'];
}

/** Loading state of the REST-paged part of the list (closed conversations are not in the welcome). */
export interface PagedList {
  loading: boolean;
  /** More pages exist (pass as `before`). */
  nextCursor: string | null;
  /** At least one page of this list was loaded. */
  loaded: boolean;
  error: string | null;
}

/** "Visitor 3f2a9c1b" for anonymous visitors: enough to tell two apart at a glance. */
export function visitorTitle(c: Pick<ConversationForAgent, 'visitorName' | 'visitorId'>): string {
  return c.visitorName ?? `Visitor ${c.visitorId.slice(0, 8)}`;
}

const STORAGE_FILTER_VIEWS = new Set<string>(INBOX_VIEWS);
const STORAGE_FILTER_STATUSES = new Set<string>(INBOX_STATUSES);

/**
 * The agent's inbox: conversation summaries from the welcome, the client's `conversation` events
 * (which carry the read marks) and REST pages (closed conversations), kept current between those by
 * messages (the server sends no summary per message). Filtered by view, status and site; sorted by
 * waiting time.
 */
export class InboxStore extends Observable {
  filter: InboxFilter = { view: 'all', status: 'open', siteId: null };
  closed: PagedList = { loading: false, nextCursor: null, loaded: false, error: null };
  readonly #meId: string;
  readonly #entries = new Map<string, Entry>();
  #myDepartments = new Set<string>();

  constructor(meId: string) {
    super();
    this.#meId = meId;
  }

  get(id: string): ConversationForAgent | undefined {
    return this.#entries.get(id)?.summary;
  }

  has(id: string): boolean {
    return this.#entries.has(id);
  }

  setFilter(change: Partial<InboxFilter>): void {
    const next = { ...this.filter, ...change };
    const pagedChanged = next.siteId !== this.filter.siteId;
    this.filter = next;
    if (pagedChanged) this.closed = { loading: false, nextCursor: null, loaded: false, error: null };
    this.changed();
  }

  /** A filter kept from an earlier visit (localStorage); anything unknown in it is ignored. */
  restoreFilter(raw: unknown): void {
    if (typeof raw !== 'object' || raw === null) return;
    const { view, status } = raw as Record<string, unknown>;
    if (typeof view === 'string' && STORAGE_FILTER_VIEWS.has(view)) this.filter.view = view as InboxView;
    if (typeof status === 'string' && STORAGE_FILTER_STATUSES.has(status))
      this.filter.status = status as InboxStatus;
    this.changed();
  }

  /** Only conversations with this tag (null: any). */
  tagId: string | null = null;

  setTag(tagId: string | null): void {
    this.tagId = tagId;
    this.changed();
  }

  /** Departments this agent belongs to: the "my departments" view. */
  setMyDepartments(ids: Iterable<string>): void {
    this.#myDepartments = new Set(ids);
    this.changed();
  }

  get hasDepartments(): boolean {
    return this.#myDepartments.size > 0;
  }

  /**
   * A welcome lists every open or pending conversation: the others listed here before were closed
   * (or left our sites) meanwhile. `keep` is the one on screen, which stays until it is refreshed;
   * closed ones loaded by REST stay too (the closed list is refreshed separately).
   */
  reset(summaries: readonly ConversationForAgent[], keep: string | null): void {
    const listed = new Set(summaries.map((s) => s.id));
    for (const [id, entry] of [...this.#entries]) {
      if (!listed.has(id) && id !== keep && entry.summary.status !== 'closed') this.#entries.delete(id);
    }
    for (const summary of summaries) this.#upsert(summary);
    this.changed();
  }

  /** Returns true when the conversation was not known before. */
  upsert(summary: ConversationForAgent): boolean {
    const added = this.#upsert(summary);
    this.changed();
    return added;
  }

  /** A page of a REST list. */
  addPage(summaries: readonly ConversationForAgent[]): void {
    for (const summary of summaries) this.#upsert(summary);
    this.changed();
  }

  /** Conversations deleted on the server (erasure, retention). */
  remove(ids: readonly string[]): void {
    for (const id of ids) this.#entries.delete(id);
    this.changed();
  }

  /** A visitor was erased: their conversations are gone. */
  removeVisitor(visitorId: string): void {
    for (const [id, entry] of [...this.#entries])
      if (entry.summary.visitorId === visitorId) this.#entries.delete(id);
    this.changed();
  }

  closedLoading(): void {
    this.closed = { ...this.closed, loading: true, error: null };
    this.changed();
  }

  closedPage(summaries: readonly ConversationForAgent[], nextCursor: string | null): void {
    for (const summary of summaries) this.#upsert(summary);
    this.closed = { loading: false, nextCursor, loaded: true, error: null };
    this.changed();
  }

  closedFailed(error: string): void {
    this.closed = { ...this.closed, loading: false, error };
    this.changed();
  }

  message(message: Message): void {
    const entry = this.#entries.get(message.conversationId);
    if (entry === undefined) return;
    if (message.seq > entry.summary.lastSeq) entry.summary = { ...entry.summary, lastSeq: message.seq };
    if (message.author.kind === 'agent' && message.author.id === this.#meId) entry.own.add(message.seq);
    if (message.at >= entry.lastActivity) {
      entry.lastActivity = message.at;
      if (!message.private) entry.preview = message.body || attachmentsText(message);
    }
    // The server's rule (docs/console-api.md): a visitor message starts the wait, a public reply of
    // an agent or bot ends it; notes and system lines change nothing.
    if (!message.private && entry.summary.status !== 'closed') {
      if (message.author.kind === 'visitor') entry.waitingSince ??= message.at;
      else if (message.author.kind === 'agent' || message.author.kind === 'bot') entry.waitingSince = null;
    }
    this.changed();
  }

  /**
   * The list as filtered, in order: conversations waiting for an answer first, the longest waiting
   * at the top; then the others, newest activity first. Closed ones newest closed first. The one on
   * screen stays listed even when it no longer matches (closed, assigned away), until another is opened.
   */
  rows(selectedId: string | null): InboxRow[] {
    const rows: InboxRow[] = [];
    for (const entry of this.#entries.values()) {
      if (entry.summary.id === selectedId || this.#matches(entry.summary, this.filter))
        rows.push(this.#row(entry));
    }
    return this.filter.status === 'closed' ? rows.sort(byClosed(this.#entries)) : rows.sort(byWaiting);
  }

  /** Conversations per view, for the current status and site. */
  counts(): Record<InboxView, number> {
    const counts: Record<InboxView, number> = { unassigned: 0, mine: 0, departments: 0, all: 0 };
    for (const { summary } of this.#entries.values()) {
      for (const view of INBOX_VIEWS) if (this.#matches(summary, { ...this.filter, view })) counts[view] += 1;
    }
    return counts;
  }

  /**
   * Conversations with unread messages that this agent is expected to answer (open or pending,
   * unassigned or assigned to them): the number in the tab's title.
   */
  unreadForMe(): number {
    let n = 0;
    for (const entry of this.#entries.values()) {
      const { status, assigneeId } = entry.summary;
      if (status === 'closed' || (assigneeId !== null && assigneeId !== this.#meId)) continue;
      if (unread(entry) > 0) n += 1;
    }
    return n;
  }

  /** Whether a conversation is one this agent is expected to answer (for notifications). */
  isForMe(id: string): boolean {
    const summary = this.#entries.get(id)?.summary;
    return (
      summary !== undefined &&
      summary.status !== 'closed' &&
      (summary.assigneeId ?? this.#meId) === this.#meId
    );
  }

  #matches(summary: ConversationForAgent, filter: InboxFilter): boolean {
    const snoozed = summary.snoozedUntil !== null && summary.status !== 'closed';
    if (filter.status === 'snoozed' ? !snoozed : snoozed || summary.status !== filter.status) return false;
    if (this.tagId !== null && !summary.tagIds.includes(this.tagId)) return false;
    if (filter.siteId !== null && summary.siteId !== filter.siteId) return false;
    switch (filter.view) {
      case 'unassigned':
        return summary.assigneeId === null;
      case 'mine':
        return summary.assigneeId === this.#meId;
      case 'departments':
        return summary.departmentId !== null && this.#myDepartments.has(summary.departmentId);
      case 'all':
        return true;
    }
  }

  #upsert(summary: ConversationForAgent): boolean {
    const entry = this.#entries.get(summary.id);
    if (entry === undefined) {
      this.#entries.set(summary.id, {
        summary,
        lastActivity: summary.lastMessageAt ?? summary.createdAt,
        preview: summary.lastMessagePreview,
        own: new Set(),
        waitingSince: summary.waitingSince,
      });
      return true;
    }
    const old = entry.summary;
    // Frames and REST answers can cross: marks and seqs only ever move forward.
    entry.summary = {
      ...summary,
      lastSeq: Math.max(old.lastSeq, summary.lastSeq),
      readSeq: Math.max(old.readSeq, summary.readSeq),
      peerReadSeq: Math.max(old.peerReadSeq, summary.peerReadSeq),
    };
    // The server's word, unless it is older than a message we applied since (a summary built before it).
    const at = summary.lastMessageAt;
    if (at === null || at >= entry.lastActivity || summary.status === 'closed')
      entry.waitingSince = summary.waitingSince;
    if (at !== null && at > entry.lastActivity) {
      entry.lastActivity = at;
      entry.preview = summary.lastMessagePreview ?? entry.preview;
    }
    return false;
  }

  #row(entry: Entry): InboxRow {
    const { summary } = entry;
    return {
      id: summary.id,
      siteId: summary.siteId,
      title: visitorTitle(summary),
      preview: entry.preview,
      lastActivity: entry.lastActivity,
      waitingSince: entry.waitingSince,
      unread: unread(entry),
      status: summary.status,
      snoozedUntil: summary.snoozedUntil,
      tagIds: summary.tagIds,
      assigneeId: summary.assigneeId,
      assignedToMe: summary.assigneeId === this.#meId,
      rating: summary.rating,
    };
  }
}

function unread(entry: Entry): number {
  const { lastSeq, readSeq } = entry.summary;
  let ownAfterMark = 0;
  for (const seq of entry.own) if (seq > readSeq) ownAfterMark += 1;
  return Math.max(0, lastSeq - readSeq - ownAfterMark);
}

function byWaiting(a: InboxRow, b: InboxRow): number {
  if (a.waitingSince !== null && b.waitingSince !== null) return a.waitingSince.localeCompare(b.waitingSince);
  if (a.waitingSince !== null) return -1;
  if (b.waitingSince !== null) return 1;
  return b.lastActivity.localeCompare(a.lastActivity);
}

function byClosed(entries: ReadonlyMap<string, Entry>): (a: InboxRow, b: InboxRow) => number {
  const closedAt = (row: InboxRow): string => entries.get(row.id)?.summary.closedAt ?? row.lastActivity;
  return (a, b) => closedAt(b).localeCompare(closedAt(a));
}

function attachmentsText(message: Message): string {
  return message.attachments.map((a) => `📎 ${a.name}`).join(', ');
}
