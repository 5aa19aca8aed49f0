import { createBackoff, createVisitorSession, ParleyHttpError } from '@parley/client';
import { tokenKey } from './chatSource';

/** The server said no for good (unknown site key, origin not allowed): retrying cannot help. */
export class ChatUnavailable extends Error {}

export function storedToken(siteKey: string): string | undefined {
  return localStorage.getItem(tokenKey(siteKey)) ?? undefined;
}

export function forgetToken(siteKey: string): void {
  localStorage.removeItem(tokenKey(siteKey));
}

/**
 * The visitor's token. The server's answer when it can be reached (it also records the page view,
 * and issues a new token if the stored one is no longer valid). When it cannot be reached, a
 * returning visitor goes on with the stored token, so that queued messages leave as soon as the
 * socket gets through; a first visit has nothing to go on and keeps asking, with backoff.
 */
export async function resolveToken(siteKey: string, onRetry: () => void): Promise<string> {
  const stored = storedToken(siteKey);
  const backoff = createBackoff({ baseMs: 500, capMs: 15_000 });
  for (;;) {
    try {
      const session = await createVisitorSession(location.origin, {
        siteKey,
        ...(stored === undefined ? {} : { token: stored }),
        pageUrl: location.href,
        pageTitle: document.title,
        ...(document.referrer === '' ? {} : { referrer: document.referrer }),
      });
      localStorage.setItem(tokenKey(siteKey), session.token);
      return session.token;
    } catch (error) {
      if (isRefusal(error)) throw new ChatUnavailable(refusalText(error));
      if (stored !== undefined) return stored;
      onRetry();
      await sleepUntilOnline(backoff.next());
    }
  }
}

/** A 4xx other than rate limiting: the request itself is wrong for this server. */
function isRefusal(error: unknown): error is ParleyHttpError {
  return (
    error instanceof ParleyHttpError && error.status >= 400 && error.status < 500 && error.status !== 429
  );
}

function refusalText(error: ParleyHttpError): string {
  switch (error.code) {
    case 'not_found':
      return 'This chat is not available: the site key in the address is unknown.';
    case 'origin_not_allowed':
      return 'This chat is not available on this address.';
    default:
      return `This chat is not available: ${error.message}`;
  }
}

/** Waits `ms`, or less if the browser reports that the network is back. */
function sleepUntilOnline(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      removeEventListener('online', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    addEventListener('online', done);
  });
}
