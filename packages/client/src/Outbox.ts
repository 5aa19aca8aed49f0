import { checkSend } from './sendCheck';
import type { StorageLike } from './MemoryStorage';

/** A message the user sent that the server has not acknowledged yet. */
export interface PendingMessage {
  readonly clientMsgId: string;
  /** Absent when a visitor writes without naming a conversation: the server picks or opens one. */
  readonly conversationId?: string;
  readonly body: string;
  readonly private: boolean;
  /** Files uploaded beforehand and sent with this message. */
  readonly attachmentIds?: readonly string[];
  /** ISO timestamp of the `send()` call, for ordering and display. */
  readonly createdAt: string;
}

export interface OutboxPersistence {
  storage: StorageLike;
  /** One key per identity (site + visitor, or agent): an outbox is resent with the credentials of whoever loads it. */
  key: string;
}

const FORMAT_VERSION = 1;

/**
 * Unacknowledged sends, in the order they were made. With persistence every change is written
 * through at once, so a message typed just before a reload or a crash is still sent afterwards.
 *
 * Writes are read-modify-write on the stored list rather than a dump of this instance's list: two
 * tabs sharing the key then never erase each other's pending messages (and a message resent by both
 * is harmless, the server deduplicates by clientMsgId).
 */
export class Outbox {
  readonly #persist: OutboxPersistence | undefined;
  readonly #onStorageError: (error: unknown) => void;
  #items: PendingMessage[];

  constructor(persist?: OutboxPersistence, onStorageError: (error: unknown) => void = () => undefined) {
    this.#persist = persist;
    this.#onStorageError = onStorageError;
    this.#items = this.#readStored();
  }

  list(): readonly PendingMessage[] {
    return [...this.#items];
  }

  get size(): number {
    return this.#items.length;
  }

  get(clientMsgId: string): PendingMessage | undefined {
    return this.#items.find((item) => item.clientMsgId === clientMsgId);
  }

  add(item: PendingMessage): void {
    if (this.get(item.clientMsgId) !== undefined) return;
    this.#items.push(item);
    this.#update((stored) =>
      stored.some((s) => s.clientMsgId === item.clientMsgId) ? stored : [...stored, item],
    );
  }

  remove(clientMsgId: string): PendingMessage | undefined {
    const item = this.get(clientMsgId);
    this.#items = this.#items.filter((i) => i.clientMsgId !== clientMsgId);
    this.#update((stored) => stored.filter((s) => s.clientMsgId !== clientMsgId));
    return item;
  }

  #update(change: (stored: PendingMessage[]) => PendingMessage[]): void {
    if (this.#persist === undefined) return;
    const { storage, key } = this.#persist;
    try {
      const next = change(this.#readStored());
      if (next.length === 0) storage.removeItem(key);
      else storage.setItem(key, JSON.stringify({ v: FORMAT_VERSION, items: next }));
    } catch (error) {
      // Quota exceeded or storage disabled: the message stays in memory and is still delivered
      // while this page lives; only the reload guarantee is lost.
      this.#onStorageError(error);
    }
  }

  #readStored(): PendingMessage[] {
    if (this.#persist === undefined) return [];
    let text: string | null;
    try {
      text = this.#persist.storage.getItem(this.#persist.key);
    } catch (error) {
      this.#onStorageError(error);
      return [];
    }
    if (text === null) return [];
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      return [];
    }
    if (typeof raw !== 'object' || raw === null || !('items' in raw) || !Array.isArray(raw.items)) return [];
    return (raw.items as unknown[]).flatMap(toPendingMessage);
  }
}

/** Storage is outside our control (other versions, other scripts, users): keep only what the server would accept. */
function toPendingMessage(raw: unknown): PendingMessage[] {
  if (typeof raw !== 'object' || raw === null) return [];
  const r = raw as Record<string, unknown>;
  const frame = {
    t: 'send',
    clientMsgId: r.clientMsgId,
    conversationId: r.conversationId ?? undefined,
    body: r.body === undefined ? '' : r.body,
    private: r.private,
    attachmentIds: r.attachmentIds ?? undefined,
  };
  if (checkSend(frame) !== null || typeof r.createdAt !== 'string') return [];
  // checkSend vouched for every field's type.
  const clientMsgId = r.clientMsgId as string;
  const conversationId = r.conversationId as string | undefined | null;
  const attachmentIds = r.attachmentIds as string[] | undefined | null;
  return [
    {
      clientMsgId,
      ...(conversationId == null ? {} : { conversationId }),
      body: frame.body as string,
      private: r.private === true,
      ...(attachmentIds == null ? {} : { attachmentIds }),
      createdAt: r.createdAt,
    },
  ];
}
