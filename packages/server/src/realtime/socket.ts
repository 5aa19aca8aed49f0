/**
 * What the realtime core needs from a transport, and nothing more: the gateway and its handlers
 * never see `ws`, so they run over any socket (and over a fake one in tests).
 */
export interface RealtimeSocket {
  send(text: string): void;
  close(code: number, reason: string): void;
  /** Bytes queued but not yet written: used to drop hopelessly slow consumers. */
  readonly bufferedAmount: number;
  /** Transport-level liveness probe (a WebSocket ping frame); browsers answer it without any code. */
  ping?(): void;
}

/** Close codes. 4401/4403 tell a client not to retry with the same credentials. */
export const CLOSE = {
  normal: 1000,
  goingAway: 1001,
  tooBig: 1009,
  tryAgainLater: 1013,
  unauthorized: 4401,
  forbidden: 4403,
  helloTimeout: 4408,
  /** Rights changed: reconnect at once; the new hello reads them again. */
  reauthenticate: 4000,
  internalError: 1011,
} as const;
