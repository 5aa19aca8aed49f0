/**
 * Read state is a per-participant high-water mark, so only the highest seq per conversation is worth
 * sending: calls are coalesced over a short delay, and a mark made offline is sent after the next
 * welcome unless the server already has it.
 *
 * A mark counts as stored only once the server says so (a `read` frame of our own identity, or the
 * `readSeq` of a welcome): one written to a socket that then dies is sent again after the next
 * welcome.
 */
export class ReadMarks {
  readonly #delayMs: number;
  readonly #transmit: (conversationId: string, seq: number) => boolean;
  /** Not sent yet. */
  readonly #wanted = new Map<string, number>();
  /** Written to the current socket, not yet confirmed by the server. */
  readonly #sent = new Map<string, number>();
  /** What the server holds. */
  readonly #confirmed = new Map<string, number>();
  #timer: ReturnType<typeof setTimeout> | null = null;

  constructor(delayMs: number, transmit: (conversationId: string, seq: number) => boolean) {
    this.#delayMs = delayMs;
    this.#transmit = transmit;
  }

  mark(conversationId: string, seq: number): void {
    const known = Math.max(
      this.#wanted.get(conversationId) ?? 0,
      this.#sent.get(conversationId) ?? 0,
      this.#confirmed.get(conversationId) ?? 0,
    );
    if (seq <= known) return;
    this.#wanted.set(conversationId, seq);
    this.#timer ??= setTimeout(() => {
      this.#timer = null;
      this.flush();
    }, this.#delayMs);
  }

  /** The server holds this mark (a `read` frame of ours, or the welcome's `readSeq`). */
  confirm(conversationId: string, seq: number): void {
    if (seq > (this.#confirmed.get(conversationId) ?? 0)) this.#confirmed.set(conversationId, seq);
    const wanted = this.#wanted.get(conversationId);
    if (wanted !== undefined && wanted <= seq) this.#wanted.delete(conversationId);
    const sent = this.#sent.get(conversationId);
    if (sent !== undefined && sent <= seq) this.#sent.delete(conversationId);
  }

  /** Our own mark the server does not confirm yet (queued or in flight), if any. */
  pending(conversationId: string): number | undefined {
    const wanted = this.#wanted.get(conversationId);
    const sent = this.#sent.get(conversationId);
    if (wanted === undefined) return sent;
    return sent === undefined ? wanted : Math.max(wanted, sent);
  }

  flush(): void {
    for (const [conversationId, seq] of this.#wanted) {
      if (!this.#transmit(conversationId, seq)) return;
      this.#wanted.delete(conversationId);
      if (seq > (this.#sent.get(conversationId) ?? 0)) this.#sent.set(conversationId, seq);
    }
  }

  /** The socket is gone, and with it perhaps the marks written to it: they go out again. */
  disconnected(): void {
    for (const [conversationId, seq] of this.#sent) {
      if (seq > (this.#wanted.get(conversationId) ?? 0)) this.#wanted.set(conversationId, seq);
    }
    this.#sent.clear();
  }

  dispose(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
