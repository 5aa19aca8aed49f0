/** The part of Web Crypto needed here; `randomUUID` is optional because browsers hide it outside secure contexts. */
export interface CryptoLike {
  randomUUID?(): string;
  getRandomValues(array: Uint8Array): Uint8Array;
}

/**
 * A random (version 4) UUID. A widget served from a plain-HTTP LAN address is not a secure context
 * and has no `crypto.randomUUID`, but `getRandomValues` is available everywhere.
 */
export function randomUuid(source?: CryptoLike): string {
  const crypto = source ?? (globalThis as { crypto?: CryptoLike }).crypto;
  if (crypto === undefined) throw new Error('Web Crypto is not available: cannot generate a message id');
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40; // version 4
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80; // RFC 9562 variant
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
