import type { Message } from '@parley/protocol';

/**
 * One conversation's messages as this client knows them, keyed by `seq`.
 *
 * Messages are released (returned from `add`/`coverRange`) exactly once and in seq order: a message
 * that arrives beyond a gap is held back until the gap is filled, so a UI fed from the released
 * messages never shows seq N+1 before N nor the same seq twice.
 */
export class ConversationLog {
  readonly conversationId: string;
  /** Released messages, ascending. */
  #released: Message[] = [];
  readonly #bySeq = new Map<number, Message>();
  /** Received beyond the contiguous prefix, waiting for the gap before them to be filled. */
  readonly #ahead = new Map<number, Message>();
  /** Seqs built locally from an ack, to be replaced by the server's copy when it arrives. */
  readonly #provisional = new Set<number>();
  #contiguousSeq = 0;
  #knownLastSeq = 0;

  constructor(conversationId: string) {
    this.conversationId = conversationId;
  }

  /** Every seq up to this one has been released or is known not to be visible to this client. */
  get contiguousSeq(): number {
    return this.#contiguousSeq;
  }

  /** The highest seq the server has told us exists. */
  get knownLastSeq(): number {
    return this.#knownLastSeq;
  }

  /** A later message is held while an earlier one is missing: the missing range must be fetched. */
  get hasGap(): boolean {
    return this.#ahead.size > 0;
  }

  /** The server has (or had) messages this client has not seen. */
  get isBehind(): boolean {
    return this.#knownLastSeq > this.#contiguousSeq;
  }

  messages(): readonly Message[] {
    return this.#released.slice();
  }

  get(seq: number): Message | undefined {
    return this.#bySeq.get(seq);
  }

  noteLastSeq(seq: number): void {
    if (seq > this.#knownLastSeq) this.#knownLastSeq = seq;
  }

  /** Returns the messages this makes releasable, in seq order (often none or just this one). */
  add(message: Message, provisional = false): Message[] {
    const { seq } = message;
    this.noteLastSeq(seq);
    const existing = this.#bySeq.get(seq);
    if (existing !== undefined) {
      if (this.#provisional.has(seq) && !provisional) this.#replace(existing, message);
      return [];
    }
    this.#bySeq.set(seq, message);
    if (provisional) this.#provisional.add(seq);
    if (seq <= this.#contiguousSeq) {
      // A seq earlier judged invisible (see coverRange) turned up after all. Releasing it out of
      // order is the lesser evil: dropping it would lose a message.
      const index = this.#released.findIndex((m) => m.seq > seq);
      this.#released.splice(index === -1 ? this.#released.length : index, 0, message);
      return [message];
    }
    if (seq !== this.#contiguousSeq + 1) {
      this.#ahead.set(seq, message);
      return [];
    }
    this.#released.push(message);
    this.#contiguousSeq = seq;
    return [message, ...this.#drain()];
  }

  /**
   * A history reply vouches that every seq in (afterSeq, throughSeq] visible to this client was in
   * it. Seqs of that range still missing are therefore not for us (a visitor never receives the
   * agents' private notes, which still take a seq), and the log moves past them.
   */
  coverRange(afterSeq: number, throughSeq: number): Message[] {
    if (afterSeq > this.#contiguousSeq || throughSeq <= this.#contiguousSeq) return [];
    this.noteLastSeq(throughSeq);
    const held = [...this.#ahead.keys()].filter((seq) => seq <= throughSeq).sort((a, b) => a - b);
    const released: Message[] = [];
    for (const seq of held) released.push(this.#release(seq));
    this.#contiguousSeq = throughSeq;
    return [...released, ...this.#drain()];
  }

  #drain(): Message[] {
    const released: Message[] = [];
    while (this.#ahead.has(this.#contiguousSeq + 1)) {
      this.#contiguousSeq += 1;
      released.push(this.#release(this.#contiguousSeq));
    }
    return released;
  }

  #release(seq: number): Message {
    const message = this.#ahead.get(seq);
    if (message === undefined) throw new Error(`seq ${seq} is not held`);
    this.#ahead.delete(seq);
    this.#released.push(message);
    return message;
  }

  #replace(old: Message, message: Message): void {
    this.#provisional.delete(message.seq);
    this.#bySeq.set(message.seq, message);
    if (this.#ahead.has(message.seq)) this.#ahead.set(message.seq, message);
    const index = this.#released.indexOf(old);
    if (index !== -1) this.#released[index] = message;
  }
}
