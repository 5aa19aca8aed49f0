import type { z } from 'zod';
import type { ErrorCode } from './errors';
import { ClientFrameSchemas, ServerFrame, type ClientFrame } from './frames';

export type Decoded<T> =
  { ok: true; value: T } | { ok: false; code: ErrorCode; message: string; ref?: string };

class PoisonedKey extends Error {}

/** JSON.parse that refuses prototype-pollution keys instead of silently creating them. */
export function parseJsonSafe(text: string): unknown {
  return JSON.parse(text, function (this: unknown, key: string, value: unknown) {
    if (key === '__proto__') throw new PoisonedKey('__proto__ key is not allowed');
    if (key === 'constructor' && typeof value === 'object' && value !== null && 'prototype' in value) {
      throw new PoisonedKey('constructor.prototype key is not allowed');
    }
    return value;
  });
}

function refOf(raw: unknown): string | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  if (typeof r.clientMsgId === 'string') return r.clientMsgId.slice(0, 64);
  if (typeof r.ref === 'string') return r.ref.slice(0, 64);
  return undefined;
}

export function formatIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
}

/** Decode one text frame from a client: JSON → known type → schema. Never throws. */
export function decodeClientFrame(text: string): Decoded<ClientFrame> {
  let raw: unknown;
  try {
    raw = parseJsonSafe(text);
  } catch (e) {
    return {
      ok: false,
      code: 'bad_json',
      message: e instanceof PoisonedKey ? e.message : 'frame is not valid JSON',
    };
  }
  const ref = refOf(raw);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, code: 'bad_frame', message: 'a frame must be a JSON object', ref };
  }
  const t = (raw as { t?: unknown }).t;
  if (typeof t !== 'string' || !Object.hasOwn(ClientFrameSchemas, t)) {
    return {
      ok: false,
      code: 'unknown_type',
      message: `unknown frame type ${JSON.stringify(typeof t === 'string' ? t.slice(0, 40) : t)}`,
      ref,
    };
  }
  const schema = ClientFrameSchemas[t as keyof typeof ClientFrameSchemas];
  const parsed = schema.safeParse(raw);
  if (!parsed.success) return { ok: false, code: 'bad_frame', message: formatIssues(parsed.error), ref };
  return { ok: true, value: parsed.data };
}

/** Decode one frame from the server (used by clients; tolerant of frame types it does not know). */
export function decodeServerFrame(text: string): Decoded<ServerFrame> {
  let raw: unknown;
  try {
    raw = parseJsonSafe(text);
  } catch {
    return { ok: false, code: 'bad_json', message: 'frame is not valid JSON' };
  }
  const parsed = ServerFrame.safeParse(raw);
  if (!parsed.success) return { ok: false, code: 'bad_frame', message: formatIssues(parsed.error) };
  return { ok: true, value: parsed.data };
}
