/**
 * Stable error codes. They appear in `error` frames and in the `code` field of every 4xx/5xx JSON
 * body. Clients switch on these, so a code is never renamed; new ones may be added.
 */
export const ERROR_CODES = [
  'bad_json',
  'invalid_utf8',
  'frame_too_large',
  'unknown_type',
  'bad_frame',
  'validation_failed',
  'unsupported_version',
  'not_authenticated',
  'already_authenticated',
  'hello_timeout',
  'unauthorized',
  'invalid_credentials',
  'account_locked',
  'password_change_required',
  'csrf_failed',
  'forbidden',
  'origin_not_allowed',
  'not_found',
  'client_msg_id_conflict',
  'conversation_closed',
  'conflict',
  'rate_limited',
  'payload_too_large',
  'unsupported_media_type',
  'identity_verification_failed',
  'mail_not_configured',
  'mail_failed',
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** Body of every REST error response. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
  requestId?: string;
}
