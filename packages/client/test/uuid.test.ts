import { Send } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { randomUuid } from '../src/uuid';

const isAcceptedClientMsgId = (id: string) =>
  Send.safeParse({ t: 'send', clientMsgId: id, body: 'hi' }).success;

describe('randomUuid', () => {
  it('uses crypto.randomUUID when the context offers it', () => {
    const id = randomUuid({ randomUUID: () => 'from-random-uuid', getRandomValues: (a) => a });
    expect(id).toBe('from-random-uuid');
  });

  it('builds a valid v4 UUID from getRandomValues outside secure contexts', () => {
    const ids = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const id = randomUuid({ getRandomValues: (array) => globalThis.crypto.getRandomValues(array) });
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(isAcceptedClientMsgId(id)).toBe(true);
      ids.add(id);
    }
    expect(ids.size).toBe(200);
  });

  it('sets version and variant bits even from all-ones or all-zeros bytes', () => {
    expect(randomUuid({ getRandomValues: (a) => a.fill(0xff) })).toBe('ffffffff-ffff-4fff-bfff-ffffffffffff');
    expect(randomUuid({ getRandomValues: (a) => a.fill(0) })).toBe('00000000-0000-4000-8000-000000000000');
  });

  it('defaults to the global crypto', () => {
    expect(isAcceptedClientMsgId(randomUuid())).toBe(true);
  });
});
