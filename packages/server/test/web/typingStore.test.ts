import { describe, expect, test } from 'vitest';
import { TYPING_TTL_MS, TypingStore } from '../../src/web/shared/typingStore';
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
    store.messageFrom('c1', ME);
    expect(store.active('c1', 1100)).toBeDefined();
    store.messageFrom('c1', VISITOR);
    expect(store.active('c1', 1200)).toBeUndefined();
  });
});
