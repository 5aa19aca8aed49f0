interface Slot {
  lastSentAt: number;
  trailing: { preview: string | undefined } | null;
  timer: ReturnType<typeof setTimeout> | null;
}

/**
 * At most one typing frame per interval and conversation. The last call inside an interval is sent
 * when the interval ends (trailing edge), so the peer's sneak peek ends on the latest text.
 */
export class TypingThrottle {
  readonly #intervalMs: number;
  readonly #transmit: (conversationId: string, preview: string | undefined) => void;
  readonly #now: () => number;
  readonly #slots = new Map<string, Slot>();

  constructor(
    intervalMs: number,
    transmit: (conversationId: string, preview: string | undefined) => void,
    now: () => number = Date.now,
  ) {
    this.#intervalMs = intervalMs;
    this.#transmit = transmit;
    this.#now = now;
  }

  push(conversationId: string, preview: string | undefined): void {
    const now = this.#now();
    const slot = this.#slots.get(conversationId);
    if (slot === undefined || now - slot.lastSentAt >= this.#intervalMs) {
      if (slot?.timer != null) clearTimeout(slot.timer);
      this.#slots.set(conversationId, { lastSentAt: now, trailing: null, timer: null });
      this.#transmit(conversationId, preview);
      return;
    }
    slot.trailing = { preview };
    slot.timer ??= setTimeout(
      () => {
        slot.timer = null;
        if (slot.trailing === null) return;
        const { preview: latest } = slot.trailing;
        slot.trailing = null;
        slot.lastSentAt = this.#now();
        this.#transmit(conversationId, latest);
      },
      slot.lastSentAt + this.#intervalMs - now,
    );
  }

  /**
   * Drops the trailing frame still due for one conversation (or for all of them): the draft it
   * carries has just been sent as a message, and announcing it after the message would show the
   * peer "typing: <the text it just received>". The interval itself keeps running, so a new draft
   * typed right after the send is still throttled (and then sent at the interval's end).
   */
  cancel(conversationId?: string): void {
    const slots = conversationId === undefined ? this.#slots.values() : [this.#slots.get(conversationId)];
    for (const slot of slots) {
      if (slot === undefined) continue;
      if (slot.timer !== null) clearTimeout(slot.timer);
      slot.timer = null;
      slot.trailing = null;
    }
  }

  /** Typing is ephemeral: what was not sent before a disconnect is simply dropped. */
  clear(): void {
    for (const slot of this.#slots.values()) if (slot.timer !== null) clearTimeout(slot.timer);
    this.#slots.clear();
  }
}
