import type { ErrorCode } from '@parley/protocol';

/** Codes the client produces itself, beside the server's protocol codes. */
export type LocalErrorCode =
  /** `close()` was called, or the server ended the session for good, before the operation completed. */
  | 'client_closed'
  /** The operation needs an open connection and there is none. */
  | 'not_connected'
  /** The connection dropped while the operation was waiting for its reply. */
  | 'connection_lost'
  /** The outbox could not be written to storage; messages still go out while the page lives. */
  | 'storage_failed'
  /** The server's history replies stopped making progress; fetching resumes after a reconnect. */
  | 'history_stalled';

export type ParleyErrorCode = ErrorCode | LocalErrorCode;

export class ParleyError extends Error {
  readonly code: ParleyErrorCode;
  /** The clientMsgId or fetch ref this error is about, when there is one. */
  readonly ref: string | undefined;

  constructor(code: ParleyErrorCode, message: string, ref?: string) {
    super(message);
    this.name = 'ParleyError';
    this.code = code;
    this.ref = ref;
  }
}

/** A REST call answered with an error status. */
export class ParleyHttpError extends ParleyError {
  readonly status: number;

  constructor(status: number, code: ErrorCode, message: string) {
    super(code, message);
    this.name = 'ParleyHttpError';
    this.status = status;
  }
}

/**
 * Send errors worth retrying: the same frame may well succeed later (`internal` may even have
 * stored it; a resend is idempotent). Every other code means the server will never accept this
 * message as it is, so keeping it would only block the outbox.
 */
export const TRANSIENT_SEND_ERRORS: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'rate_limited',
  'internal',
  'not_authenticated',
]);
