export interface BackoffOptions {
  /** Upper bound of the first delay. */
  baseMs: number;
  /** No delay ever exceeds this. */
  capMs: number;
}

export const DEFAULT_RECONNECT_BACKOFF: BackoffOptions = { baseMs: 250, capMs: 30_000 };

/**
 * Exponential backoff with full jitter: a uniformly random delay in [0, min(cap, base·2^attempt)).
 * When a server restarts, all its clients lose their socket at the same instant; full jitter spreads
 * their returns over the whole window instead of bringing them back in waves.
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  // Clamping the exponent keeps 2^attempt finite however long the client has been offline.
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** Math.min(Math.max(attempt, 0), 40));
  return Math.floor(random() * ceiling);
}

export interface Backoff {
  /** The delay before the next attempt; each call widens the window for the following one. */
  next(): number;
  /** Back to the first window, after a connection succeeded. */
  reset(): void;
  readonly attempts: number;
}

export function createBackoff(options: BackoffOptions, random: () => number = Math.random): Backoff {
  let attempts = 0;
  return {
    next: () => backoffDelay(attempts++, options, random),
    reset: () => {
      attempts = 0;
    },
    get attempts() {
      return attempts;
    },
  };
}
