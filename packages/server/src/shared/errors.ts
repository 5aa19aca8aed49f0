import type { ErrorCode } from '@parley/protocol';

/**
 * The one error type that domain code throws for expected failures. Transports map it: REST to
 * `{error:{code,message}}` with `status`, WebSocket to an `error` frame with the same code.
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly status = 400,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const notFound = (what: string): AppError => new AppError('not_found', `${what} not found`, 404);
export const forbidden = (message = 'not allowed'): AppError => new AppError('forbidden', message, 403);
