import { describe, expect, it } from 'vitest';
import { backoffDelay, createBackoff, DEFAULT_RECONNECT_BACKOFF } from '../src/backoff';

describe('backoffDelay', () => {
  const options = { baseMs: 250, capMs: 30_000 };

  it('doubles the window at each attempt', () => {
    const top = () => 0.999_999;
    const delays = [0, 1, 2, 3, 4].map((attempt) => backoffDelay(attempt, options, top));
    expect(delays).toEqual([249, 499, 999, 1999, 3999]);
  });

  it('draws the delay uniformly inside the window (full jitter)', () => {
    expect(backoffDelay(3, options, () => 0)).toBe(0);
    expect(backoffDelay(3, options, () => 0.25)).toBe(500);
    expect(backoffDelay(3, options, () => 0.5)).toBe(1000);
  });

  it('never exceeds the cap, however many attempts', () => {
    for (const attempt of [7, 8, 20, 1000, Number.MAX_SAFE_INTEGER]) {
      const delay = backoffDelay(attempt, options, () => 0.999_999);
      expect(delay).toBeLessThan(30_000);
      expect(delay).toBeGreaterThan(29_000);
    }
  });

  it('spreads clients with different random draws', () => {
    const draws = [0.1, 0.4, 0.7, 0.95];
    const delays = draws.map((r) => backoffDelay(5, options, () => r));
    expect(new Set(delays).size).toBe(draws.length);
  });
});

describe('createBackoff', () => {
  it('widens with every failure and starts over after reset', () => {
    const backoff = createBackoff(DEFAULT_RECONNECT_BACKOFF, () => 0.5);
    expect([backoff.next(), backoff.next(), backoff.next()]).toEqual([125, 250, 500]);
    expect(backoff.attempts).toBe(3);
    backoff.reset();
    expect(backoff.attempts).toBe(0);
    expect(backoff.next()).toBe(125);
  });
});
