/** Injectable time source, so that tests (and later analytics factories) can fix "now". */
export interface Clock {
  now(): number;
}
export const systemClock: Clock = { now: () => Date.now() };

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
export function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : iso(ms);
}
