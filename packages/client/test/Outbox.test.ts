import { describe, expect, it } from 'vitest';
import { MemoryStorage, type StorageLike } from '../src/MemoryStorage';
import { Outbox, type PendingMessage } from '../src/Outbox';

const KEY = 'parley:outbox:test';

function pending(n: number, overrides: Partial<PendingMessage> = {}): PendingMessage {
  return {
    clientMsgId: `00000000-0000-4000-8000-00000000000${n}`,
    body: `hello ${n}`,
    private: false,
    createdAt: '2025-01-01T00:00:00.000Z',
    ...overrides,
  };
}

describe('Outbox', () => {
  it('keeps entries in insertion order, once per clientMsgId', () => {
    const outbox = new Outbox();
    outbox.add(pending(1));
    outbox.add(pending(2, { conversationId: 'c9' }));
    outbox.add(pending(1));
    expect(outbox.list().map((p) => p.body)).toEqual(['hello 1', 'hello 2']);
    expect(outbox.remove(pending(1).clientMsgId)?.body).toBe('hello 1');
    expect(outbox.size).toBe(1);
  });

  it('writes through to storage so that a new instance (a reloaded page) finds the entries', () => {
    const storage = new MemoryStorage();
    const first = new Outbox({ storage, key: KEY });
    first.add(pending(1));
    first.add(pending(2, { conversationId: 'c9', private: true }));
    const reloaded = new Outbox({ storage, key: KEY });
    expect(reloaded.list()).toEqual([pending(1), pending(2, { conversationId: 'c9', private: true })]);
    reloaded.remove(pending(1).clientMsgId);
    reloaded.remove(pending(2).clientMsgId);
    expect(storage.getItem(KEY)).toBeNull();
  });

  it('does not erase entries another tab added to the same key', () => {
    const storage = new MemoryStorage();
    const tabA = new Outbox({ storage, key: KEY });
    const tabB = new Outbox({ storage, key: KEY });
    tabA.add(pending(1));
    tabB.add(pending(2));
    tabB.remove(pending(2).clientMsgId);
    expect(new Outbox({ storage, key: KEY }).list()).toEqual([pending(1)]);
  });

  it('ignores unreadable or invalid stored data', () => {
    const storage = new MemoryStorage();
    storage.setItem(KEY, 'not json');
    expect(new Outbox({ storage, key: KEY }).list()).toEqual([]);
    storage.setItem(
      KEY,
      JSON.stringify({
        v: 1,
        items: [pending(1), { ...pending(2), clientMsgId: 'not-a-uuid' }, { ...pending(3), body: '   ' }, 42],
      }),
    );
    expect(new Outbox({ storage, key: KEY }).list()).toEqual([pending(1)]);
  });

  it('keeps working in memory when storage throws, and reports it', () => {
    const errors: unknown[] = [];
    const broken: StorageLike = {
      getItem: () => null,
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
      removeItem: () => undefined,
    };
    const outbox = new Outbox({ storage: broken, key: KEY }, (e) => errors.push(e));
    outbox.add(pending(1));
    expect(outbox.list()).toEqual([pending(1)]);
    expect(errors).toHaveLength(1);
  });
});
