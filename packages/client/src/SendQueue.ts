import type { Ack, ClientFrame, ErrorCode, Message } from '@parley/protocol';
import type { Backoff } from './backoff';
import { ParleyError, TRANSIENT_SEND_ERRORS } from './errors';
import type { Outbox, PendingMessage } from './Outbox';

export interface SendQueueHost {
  /** Transmits when the connection is open; returns false otherwise. */
  send(frame: ClientFrame): boolean;
  /** `message` is the server's copy when the ack was derived from it. */
  acked(pending: PendingMessage, ack: Ack, message: Message | undefined): void;
  failed(pending: PendingMessage, error: ParleyError): void;
}

interface Waiter {
  resolve(ack: Ack): void;
  reject(error: ParleyError): void;
}

/**
 * Drives the outbox over the connection: transmit, resend after every welcome, retry transient
 * failures, settle the callers' promises. Resending is always safe because the server deduplicates
 * by clientMsgId; losing a message is not, so an entry leaves the outbox only on an ack or on a
 * permanent error.
 */
export class SendQueue {
  readonly #outbox: Outbox;
  readonly #host: SendQueueHost;
  readonly #retryBackoff: Backoff;
  readonly #waiters = new Map<string, Waiter>();
  readonly #toRetry = new Set<string>();
  #retryTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(outbox: Outbox, host: SendQueueHost, retryBackoff: Backoff) {
    this.#outbox = outbox;
    this.#host = host;
    this.#retryBackoff = retryBackoff;
  }

  enqueue(pending: PendingMessage): Promise<Ack> {
    const acked = new Promise<Ack>((resolve, reject) => {
      this.#waiters.set(pending.clientMsgId, { resolve, reject });
    });
    // The rejection is also reported as a `sendFailed` event, so a caller that ignores the promise
    // must not get an unhandled rejection (which terminates a Node process).
    acked.catch(() => undefined);
    this.#outbox.add(pending);
    this.#transmit(pending);
    return acked;
  }

  /** After a welcome: everything unacknowledged goes out again, in the original order. */
  resendAll(): void {
    this.#cancelRetry();
    for (const pending of this.#outbox.list()) this.#transmit(pending);
  }

  disconnected(): void {
    // The next welcome resends everything anyway.
    this.#cancelRetry();
  }

  /** Returns false when the message was no longer pending. */
  ack(frame: Ack, message?: Message): boolean {
    const pending = this.#outbox.remove(frame.clientMsgId);
    // A second ack for the same message (resent before the first ack arrived) changes nothing.
    if (pending === undefined) return false;
    this.#toRetry.delete(frame.clientMsgId);
    this.#retryBackoff.reset();
    this.#waiters.get(frame.clientMsgId)?.resolve(frame);
    this.#waiters.delete(frame.clientMsgId);
    this.#host.acked(pending, frame, message);
    return true;
  }

  /** Returns false when `ref` is not a pending send, so the caller can report the error elsewhere. */
  error(ref: string, code: ErrorCode, message: string): boolean {
    const pending = this.#outbox.get(ref);
    if (pending === undefined) return false;
    if (TRANSIENT_SEND_ERRORS.has(code)) {
      this.#toRetry.add(ref);
      this.#scheduleRetry();
      return true;
    }
    this.#outbox.remove(ref);
    this.#toRetry.delete(ref);
    const error = new ParleyError(code, message, ref);
    this.#waiters.get(ref)?.reject(error);
    this.#waiters.delete(ref);
    this.#host.failed(pending, error);
    return true;
  }

  /**
   * The client is going away: its callers stop waiting, but the messages stay in the (persisted)
   * outbox for whichever client instance loads it next.
   */
  close(): void {
    this.#cancelRetry();
    for (const [clientMsgId, waiter] of this.#waiters) {
      waiter.reject(
        new ParleyError(
          'client_closed',
          'the client was closed before the message was acknowledged',
          clientMsgId,
        ),
      );
    }
    this.#waiters.clear();
  }

  #transmit(pending: PendingMessage): void {
    this.#host.send({
      t: 'send',
      clientMsgId: pending.clientMsgId,
      ...(pending.conversationId === undefined ? {} : { conversationId: pending.conversationId }),
      body: pending.body,
      ...(pending.attachmentIds === undefined ? {} : { attachmentIds: [...pending.attachmentIds] }),
      ...(pending.private ? { private: true } : {}),
    });
  }

  #scheduleRetry(): void {
    if (this.#retryTimer !== null) return;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      // Outbox order, not failure order: the conversation should read as the user wrote it.
      for (const pending of this.#outbox.list()) {
        if (this.#toRetry.delete(pending.clientMsgId)) this.#transmit(pending);
      }
      this.#toRetry.clear();
    }, this.#retryBackoff.next());
  }

  #cancelRetry(): void {
    if (this.#retryTimer !== null) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    this.#toRetry.clear();
  }
}
