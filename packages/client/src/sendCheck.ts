import { MAX_ATTACHMENTS, MAX_BODY_CHARS } from '@parley/protocol';

/** RFC 9562 UUID, as the protocol's `z.uuid()` accepts it (the nil and max UUIDs included). */
const UUID =
  /^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$/;

const isId = (v: unknown): v is string => typeof v === 'string' && v.length >= 1 && v.length <= 64;

/**
 * The protocol's `Send` schema as plain code: null when the server would accept the frame, else
 * why not. It exists so that the outbox (and a client built on `structuralCodec`) need no schema
 * library; `test/codec.test.ts` holds it equal to the zod schema on a table of cases.
 */
export function checkSend(frame: Record<string, unknown>): string | null {
  const { clientMsgId, conversationId, body, attachmentIds } = frame;
  if (frame.t !== 'send') return 't: expected "send"';
  if (typeof clientMsgId !== 'string' || !UUID.test(clientMsgId)) return 'clientMsgId: Invalid UUID';
  if (conversationId !== undefined && !isId(conversationId)) return 'conversationId: expected an id';
  if (typeof body !== 'string') return 'body: expected a string';
  if (body.length > MAX_BODY_CHARS) return `body: at most ${MAX_BODY_CHARS} characters`;
  if (frame.private !== undefined && typeof frame.private !== 'boolean') return 'private: expected a boolean';
  let files = 0;
  if (attachmentIds !== undefined) {
    if (
      !Array.isArray(attachmentIds) ||
      attachmentIds.length > MAX_ATTACHMENTS ||
      !attachmentIds.every(isId)
    ) {
      return `attachmentIds: at most ${MAX_ATTACHMENTS} ids`;
    }
    if (new Set(attachmentIds).size !== attachmentIds.length) {
      return 'attachmentIds: attachment ids must be distinct';
    }
    files = attachmentIds.length;
  }
  if (body.trim().length === 0 && files === 0) return 'body: body must not be empty';
  return null;
}
