import type { Author } from '@parley/protocol';
import type { TypingEvent } from '@parley/client';

/** Typing frames have no "stopped" counterpart: an indicator expires this long after the last one. */
export const TYPING_TTL_MS = 6000;
/**
 * The sender's client throttles typing frames and sends the last one of an interval at its end, so
 * one can trail the message it was typing by up to an interval (1 s by default). A frame of an author
 * this soon after their message is that echo, not new typing, when its preview is part of the message
 * or when it has no preview to tell.
 */
export const TRAILING_ECHO_MS = 1500;

export interface Typist {
  author: Author;
  /** The visitor's draft (sneak peek), when the site shares it. */
  preview: string | undefined;
  until: number;
}

const authorKey = (author: Author): string => `${author.kind}:${author.id ?? ''}`;

/** Who is typing where, from ephemeral `typing` frames; entries expire by themselves. */
export class TypingStore {
  readonly #byConversation = new Map<string, Typist>();
  /** Conversation → author → their last message, and when it arrived. */
  readonly #lastMessage = new Map<string, Map<string, { at: number; body: string }>>();

  note(frame: TypingEvent, now: number): void {
    const last = this.#lastMessage.get(frame.conversationId)?.get(authorKey(frame.author));
    const echo =
      last !== undefined &&
      now - last.at < TRAILING_ECHO_MS &&
      (frame.preview === undefined || last.body.startsWith(frame.preview));
    if (echo) return;
    this.#byConversation.set(frame.conversationId, {
      author: frame.author,
      preview: frame.preview,
      until: now + TYPING_TTL_MS,
    });
  }

  /** A message from the typist ends its indicator at once. */
  messageFrom(conversationId: string, author: Author, body: string, now: number): void {
    const key = authorKey(author);
    let authors = this.#lastMessage.get(conversationId);
    if (authors === undefined) {
      authors = new Map();
      this.#lastMessage.set(conversationId, authors);
    }
    authors.set(key, { at: now, body });
    const typist = this.#byConversation.get(conversationId);
    if (typist !== undefined && authorKey(typist.author) === key) this.#byConversation.delete(conversationId);
  }

  active(conversationId: string, now: number): Typist | undefined {
    const typist = this.#byConversation.get(conversationId);
    if (typist === undefined || typist.until > now) return typist;
    this.#byConversation.delete(conversationId);
    return undefined;
  }

  /** When the next indicator runs out, so that the view can be redrawn then; null if none is shown. */
  nextExpiry(): number | null {
    let next: number | null = null;
    for (const { until } of this.#byConversation.values()) if (next === null || until < next) next = until;
    return next;
  }
}
