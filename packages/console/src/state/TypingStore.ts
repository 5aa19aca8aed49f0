import type { TypingEvent } from '@parley/client';
import type { Author } from '@parley/protocol';
import { Observable } from '../lib/observable';

/** Typing frames have no "stopped" counterpart: an indicator expires this long after the last one. */
export const TYPING_TTL_MS = 6000;

export interface Typist {
  author: Author;
  /** The visitor's draft (sneak peek), when the site shares it. */
  preview: string | undefined;
  until: number;
}

const authorKey = (author: Author): string => `${author.kind}:${author.id ?? ''}`;

/**
 * Who is typing where, from ephemeral `typing` frames; entries expire by themselves. No frame
 * trails a message with its own draft: the sender's client drops that one when it sends.
 */
export class TypingStore extends Observable {
  readonly #byConversation = new Map<string, Typist>();

  note(frame: TypingEvent, now: number): void {
    this.#byConversation.set(frame.conversationId, {
      author: frame.author,
      preview: frame.preview,
      until: now + TYPING_TTL_MS,
    });
    this.changed();
  }

  /** A message from the typist ends its indicator at once. */
  messageFrom(conversationId: string, author: Author): void {
    const typist = this.#byConversation.get(conversationId);
    if (typist !== undefined && authorKey(typist.author) === authorKey(author)) {
      this.#byConversation.delete(conversationId);
      this.changed();
    }
  }

  active(conversationId: string, now: number): Typist | undefined {
    const typist = this.#byConversation.get(conversationId);
    return typist !== undefined && typist.until > now ? typist : undefined;
  }

  /** Drops expired indicators; true when one went (the view must be drawn again). */
  expire(now: number): boolean {
    let gone = false;
    for (const [id, typist] of this.#byConversation) {
      if (typist.until <= now) {
        this.#byConversation.delete(id);
        gone = true;
      }
    }
    if (gone) this.changed();
    return gone;
  }

  /** When the next indicator runs out; null if none is shown. */
  nextExpiry(): number | null {
    let next: number | null = null;
    for (const { until } of this.#byConversation.values()) if (next === null || until < next) next = until;
    return next;
  }
}
