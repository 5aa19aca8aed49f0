import type { Decoded, ServerFrame } from '@parley/protocol';
import { checkSend } from './sendCheck';

/**
 * How a client turns server text into frames and checks its own sends. `ParleyClient` uses the
 * protocol's zod schemas (`zodCodec`); `structuralCodec` does the same job in plain code for
 * bundles with a byte budget (the widget), at the price of checking only what the client reads.
 */
export interface FrameCodec {
  decodeServerFrame(text: string): Decoded<ServerFrame>;
  /** Null when the server would accept this `send` frame, else a readable reason. */
  checkSend(frame: Record<string, unknown>): string | null;
}

type Obj = Record<string, unknown>;
type Check = (v: unknown) => boolean;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str: Check = (v) => typeof v === 'string';
const bool: Check = (v) => typeof v === 'boolean';
const seq: Check = (v) => Number.isInteger(v) && (v as number) >= 0;
const strOrNull: Check = (v) => v === null || typeof v === 'string';
const optional =
  (check: Check): Check =>
  (v) =>
    v === undefined || check(v);
const arrayOf =
  (check: Check): Check =>
  (v) =>
    Array.isArray(v) && v.every(check);
const shape =
  (fields: Record<string, Check>): Check =>
  (v) =>
    isObj(v) && Object.keys(fields).every((k) => (fields[k] as Check)(v[k]));

const author = shape({ kind: str, id: strOrNull, name: strOrNull });
const message = shape({
  id: str,
  conversationId: str,
  seq,
  author,
  body: str,
  private: bool,
  attachments: arrayOf(shape({ id: str, name: str, size: seq, contentType: str, url: str })),
  clientMsgId: strOrNull,
  at: str,
});
const conversation = shape({ id: str, status: str, lastSeq: seq, readSeq: seq, peerReadSeq: seq });

/**
 * What the client reads of each frame type; unknown types are refused like the zod union does. The
 * string index keeps frame types of a newer protocol version from breaking older checkouts.
 */
const FRAMES: Record<ServerFrame['t'], Check> & Record<string, Check> = {
  welcome: shape({
    role: str,
    connectionId: str,
    heartbeatMs: (v) => Number.isInteger(v) && (v as number) > 0,
    visitor: optional(shape({ id: str })),
    agent: optional(shape({ id: str })),
    conversations: arrayOf(conversation),
    conversationsTruncated: bool,
  }),
  ack: shape({ clientMsgId: str, conversationId: str, seq, messageId: str, at: str, duplicate: bool }),
  msg: message,
  conversation: shape({ conversation }),
  typing: shape({ conversationId: str, author, preview: optional(str) }),
  read: shape({ conversationId: str, reader: shape({ kind: str, id: str }), seq }),
  history: shape({ ref: str, conversationId: str, messages: arrayOf(message), lastSeq: seq, hasMore: bool }),
  pong: shape({ ref: optional(str) }),
  error: shape({ code: str, message: str, ref: optional(str) }),
  bye: shape({ reason: str, reconnect: bool }),
  visitor: shape({ visitor: shape({ id: str }) }),
  conversations_removed: shape({ conversationIds: arrayOf(str), reason: str }),
};

/**
 * Decodes by structure only: JSON (refusing prototype-pollution keys), a known `t`, and the type of
 * every field the client reads. Enum values (error codes, bye reasons, statuses) are passed through
 * as the server sent them; the client treats unknown ones like any other value of their field.
 */
export function decodeServerFrameStructurally(text: string): Decoded<ServerFrame> {
  let raw: unknown;
  try {
    raw = JSON.parse(text, (key, value: unknown) => {
      if (key === '__proto__') throw new SyntaxError('__proto__ key');
      return value;
    });
  } catch {
    return { ok: false, code: 'bad_json', message: 'frame is not valid JSON' };
  }
  const t = isObj(raw) ? raw.t : undefined;
  const check = typeof t === 'string' && Object.hasOwn(FRAMES, t) ? FRAMES[t] : undefined;
  if (check === undefined)
    return { ok: false, code: 'bad_frame', message: `unknown frame type ${String(t)}` };
  if (!check(raw)) return { ok: false, code: 'bad_frame', message: `malformed ${String(t)} frame` };
  return { ok: true, value: raw as ServerFrame };
}

export const structuralCodec: FrameCodec = {
  decodeServerFrame: decodeServerFrameStructurally,
  checkSend,
};
