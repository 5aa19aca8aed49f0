/**
 * Read state is a per-participant high-water mark, so only the highest seq per conversation is worth
 * sending: calls are coalesced over a short delay, and a mark made offline is sent after the next
 * welcome unless the server already has it.
 */
export class ReadMarks {
  readonly #delayMs: number;
  readonly #transmit: (conversationId: string, seq: number) => boolean;
  readonly #wanted = new Map<string, number>();
  readonly #confirmed = new Map<string, number>();
  #timer: ReturnType<typeof setTimeout> | null = null;

  constructor(delayMs: number, transmit: (conversationId: string, seq: number) => boolean) {
    this.#delayMs = delayMs;
    this.#transmit = transmit;
  }

  mark(conversationId: string, seq: number): void {
    const known = Math.max(this.#wanted.get(conversationId) ?? 0, this.#confirmed.get(conversationId) ?? 0);
    if (seq <= known) return;
    this.#wanted.set(conversationId, seq);
    this.#timer ??= setTimeout(() => {
      this.#timer = null;
      this.flush();
    }, this.#delayMs);
  }

  /** The server already holds this mark (e.g. from the welcome's `readSeq`). */
  confirm(conversationId: string, seq: number): void {
    if (seq > (this.#confirmed.get(conversationId) ?? 0)) this.#confirmed.set(conversationId, seq);
    const wanted = this.#wanted.get(conversationId);
    if (wanted !== undefined && wanted <= seq) this.#wanted.delete(conversationId);
  }

  flush(): void {
    for (const [conversationId, seq] of this.#wanted) {
      if (!this.#transmit(conversationId, seq)) return;
      this.#wanted.delete(conversationId);
      this.confirm(conversationId, seq);
    }
  }

  dispose(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
