import { describe, expect, test } from 'vitest';
import { TRAILING_ECHO_MS, TYPING_TTL_MS, TypingStore } from '../../src/web/shared/typingStore';
import { ME, VISITOR } from './fixtures';

const typing = (author: typeof VISITOR | typeof ME, preview?: string) => ({
  t: 'typing' as const,
  conversationId: 'c1',
  author,
  ...(preview === undefined ? {} : { preview }),
});

describe('TypingStore', () => {
  test('an indicator lasts a few seconds after the last frame, then expires', () => {
    const store = new TypingStore();
    store.note(typing(VISITOR, 'Hel'), 1000);
    expect(store.active('c1', 1000)?.preview).toBe('Hel');
    expect(store.nextExpiry()).toBe(1000 + TYPING_TTL_MS);
    expect(store.active('c1', 1000 + TYPING_TTL_MS)).toBeUndefined();
    expect(store.nextExpiry()).toBeNull();
  });

  test("the typist's message ends the indicator; a colleague's does not", () => {
    const store = new TypingStore();
    store.note(typing(VISITOR, 'Hello'), 1000);
    store.messageFrom('c1', ME, 'Hi!', 1100);
    expect(store.active('c1', 1100)).toBeDefined();
    store.messageFrom('c1', VISITOR, 'Hello there', 1200);
    expect(store.active('c1', 1200)).toBeUndefined();
  });

  test("the throttle's trailing frame of the draft just sent is ignored, new typing is not", () => {
    const store = new TypingStore();
    store.messageFrom('c1', VISITOR, 'Hello there', 1000);
    store.note(typing(VISITOR, 'Hello there'), 1000 + TRAILING_ECHO_MS - 1);
    expect(store.active('c1', 1000 + TRAILING_ECHO_MS - 1)).toBeUndefined();
    store.note(typing(VISITOR, 'And also'), 1200);
    expect(store.active('c1', 1200)?.preview).toBe('And also');
  });

  test('without a preview, only frames right after the message are taken for its echo', () => {
    const store = new TypingStore();
    store.messageFrom('c1', ME, 'Reply', 1000);
    store.note(typing(ME), 1500);
    expect(store.active('c1', 1500)).toBeUndefined();
    store.note(typing(ME), 1000 + TRAILING_ECHO_MS);
    expect(store.active('c1', 1000 + TRAILING_ECHO_MS)?.author).toEqual(ME);
  });
});
