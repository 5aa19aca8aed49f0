import { createHmac } from 'node:crypto';
import { safeEqual } from '../shared/crypto';

/**
 * Identity verification: the site's backend computes hex HMAC-SHA256 of the user id with the site's
 * identity secret and hands it to the page; the widget passes it to identify(). Only someone who
 * holds the secret can claim an id.
 */
export function identityHash(secret: string, userId: string): string {
  return createHmac('sha256', secret).update(userId, 'utf8').digest('hex');
}

/** Constant-time comparison; hex case does not matter. */
export function identityHashMatches(secret: string, userId: string, hash: string): boolean {
  return safeEqual(identityHash(secret, userId), hash.toLowerCase());
}
