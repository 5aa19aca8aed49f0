import { describe, expect, it } from 'vitest';
import { MAX_ATTACHMENTS, MAX_BODY_CHARS, Send } from '@parley/protocol';
import { checkSend, decodeServerFrameStructurally, structuralCodec, zodCodec } from '../src/index';

const UUID = '3f1c2a9e-8b7d-4c2e-9f10-1a2b3c4d5e6f';

describe('checkSend (the zod-free Send check)', () => {
  const cases: Record<string, unknown>[] = [
    { t: 'send', clientMsgId: UUID, body: 'hello' },
    { t: 'send', clientMsgId: UUID, body: '   ' },
    { t: 'send', clientMsgId: UUID, body: '' },
    { t: 'send', clientMsgId: UUID, body: '', attachmentIds: ['f1'] },
    { t: 'send', clientMsgId: UUID, body: 'x', attachmentIds: ['f1', 'f1'] },
    {
      t: 'send',
      clientMsgId: UUID,
      body: 'x',
      attachmentIds: Array.from({ length: MAX_ATTACHMENTS + 1 }, (_, i) => `f${i}`),
    },
    { t: 'send', clientMsgId: UUID, body: 'x', attachmentIds: [''] },
    { t: 'send', clientMsgId: UUID, body: 'x', attachmentIds: 'f1' },
    { t: 'send', clientMsgId: UUID, body: 'x'.repeat(MAX_BODY_CHARS) },
    { t: 'send', clientMsgId: UUID, body: 'x'.repeat(MAX_BODY_CHARS + 1) },
    { t: 'send', clientMsgId: 'not-a-uuid', body: 'x' },
    { t: 'send', clientMsgId: '3f1c2a9e-8b7d-0c2e-9f10-1a2b3c4d5e6f', body: 'x' },
    { t: 'send', clientMsgId: 42, body: 'x' },
    { t: 'send', clientMsgId: UUID, body: 42 },
    { t: 'send', clientMsgId: UUID, body: null },
    { t: 'send', clientMsgId: UUID, body: 'x', conversationId: 'c1' },
    { t: 'send', clientMsgId: UUID, body: 'x', conversationId: '' },
    { t: 'send', clientMsgId: UUID, body: 'x', conversationId: 'c'.repeat(65) },
    { t: 'send', clientMsgId: UUID, body: 'x', private: true },
    { t: 'send', clientMsgId: UUID, body: 'x', private: 'yes' },
    { t: 'sent', clientMsgId: UUID, body: 'x' },
  ];
  it.each(cases.map((c) => [JSON.stringify(c).slice(0, 90), c] as const))(
    'agrees with the zod schema: %s',
    (_, frame) => {
      expect(checkSend(frame) === null).toBe(Send.safeParse(frame).success);
    },
  );
  it('explains a refusal', () => {
    expect(checkSend({ t: 'send', clientMsgId: UUID, body: ' ' })).toBe('body: body must not be empty');
  });
});

describe('decodeServerFrameStructurally', () => {
  const message = {
    id: 'm1',
    conversationId: 'c1',
    seq: 1,
    author: { kind: 'agent', id: 'a1', name: 'Ann' },
    body: 'hi',
    private: false,
    attachments: [],
    clientMsgId: null,
    at: '2026-01-01T00:00:00.000Z',
  };
  const valid = {
    ack: {
      t: 'ack',
      clientMsgId: UUID,
      conversationId: 'c1',
      seq: 1,
      messageId: 'm1',
      at: message.at,
      duplicate: false,
    },
    msg: { t: 'msg', ...message },
    read: { t: 'read', conversationId: 'c1', reader: { kind: 'agent', id: 'a1' }, seq: 1 },
    typing: { t: 'typing', conversationId: 'c1', author: message.author },
    pong: { t: 'pong', serverTime: message.at },
    error: { t: 'error', code: 'rate_limited', message: 'slow down', ref: UUID },
    bye: { t: 'bye', reason: 'shutdown', reconnect: true },
    history: {
      t: 'history',
      ref: 'r1',
      conversationId: 'c1',
      messages: [message],
      lastSeq: 1,
      hasMore: false,
    },
  };

  it.each(Object.entries(valid))('accepts a valid %s frame, as zod does', (_, frame) => {
    const text = JSON.stringify(frame);
    expect(zodCodec.decodeServerFrame(text).ok).toBe(true);
    expect(structuralCodec.decodeServerFrame(text)).toEqual({ ok: true, value: frame });
  });

  const invalid: [string, unknown][] = [
    ['a msg without seq', { ...valid.msg, seq: undefined }],
    ['a msg with a negative seq', { ...valid.msg, seq: -1 }],
    ['a msg whose author is a string', { ...valid.msg, author: 'Ann' }],
    ['a msg whose attachments are not a list', { ...valid.msg, attachments: {} }],
    ['an ack with a string seq', { ...valid.ack, seq: '1' }],
    ['a read without reader', { ...valid.read, reader: undefined }],
    ['a history with a bad message', { ...valid.history, messages: [{ ...message, body: 5 }] }],
    ['a bye without reconnect', { t: 'bye', reason: 'shutdown' }],
    [
      'a welcome whose conversations are missing',
      { t: 'welcome', role: 'visitor', connectionId: 'x', heartbeatMs: 1000, conversationsTruncated: false },
    ],
    ['an unknown type', { t: 'surprise' }],
    ['an array', [valid.ack]],
  ];
  it.each(invalid)('refuses %s', (_, frame) => {
    const decoded = decodeServerFrameStructurally(JSON.stringify(frame));
    expect(decoded.ok).toBe(false);
    expect(zodCodec.decodeServerFrame(JSON.stringify(frame)).ok).toBe(false);
  });

  it('refuses text that is not JSON, and prototype-pollution keys', () => {
    expect(decodeServerFrameStructurally('{')).toMatchObject({ ok: false, code: 'bad_json' });
    expect(decodeServerFrameStructurally('{"t":"pong","__proto__":{"x":1}}')).toMatchObject({
      ok: false,
      code: 'bad_json',
    });
  });
});
