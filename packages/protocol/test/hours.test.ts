import { describe, expect, it } from 'vitest';
import { isOpenAt, nextOpeningChange, zonedTimeToInstant, type HoursLike } from '../src/hours';

const weekdays = (open: string, close: string) => [1, 2, 3, 4, 5].map((day) => ({ day, open, close }));
const budapest: HoursLike = {
  enabled: true,
  timeZone: 'Europe/Budapest',
  weekly: weekdays('09:00', '17:00'),
  holidays: [{ date: '2026-12-25' }],
};
const at = (iso: string): number => Date.parse(iso);
const iso = (t: number | null): string | null => (t === null ? null : new Date(t).toISOString());

describe('isOpenAt', () => {
  it('is always open when hours are off', () => {
    expect(isOpenAt({ ...budapest, enabled: false }, at('2026-12-25T03:00:00Z'))).toBe(true);
  });

  it('reads the clock in the site time zone, open inclusive and close exclusive', () => {
    // Winter: Budapest is UTC+1.
    expect(isOpenAt(budapest, at('2026-01-05T07:59:59Z'))).toBe(false);
    expect(isOpenAt(budapest, at('2026-01-05T08:00:00Z'))).toBe(true);
    expect(isOpenAt(budapest, at('2026-01-05T15:59:59Z'))).toBe(true);
    expect(isOpenAt(budapest, at('2026-01-05T16:00:00Z'))).toBe(false);
    // Summer: UTC+2, so the same wall-clock hours are an hour earlier in UTC.
    expect(isOpenAt(budapest, at('2026-07-06T07:00:00Z'))).toBe(true);
    expect(isOpenAt(budapest, at('2026-07-06T15:00:00Z'))).toBe(false);
  });

  it('uses the local weekday, not the UTC one', () => {
    const tokyo: HoursLike = {
      ...budapest,
      timeZone: 'Asia/Tokyo',
      weekly: [{ day: 1, open: '08:00', close: '10:00' }],
    };
    // Sunday 23:30 UTC is Monday 08:30 in Tokyo.
    expect(isOpenAt(tokyo, at('2026-01-04T23:30:00Z'))).toBe(true);
  });

  it('is closed all day on a holiday, by the local date', () => {
    expect(isOpenAt(budapest, at('2026-12-25T10:00:00Z'))).toBe(false);
    expect(isOpenAt(budapest, at('2026-12-24T10:00:00Z'))).toBe(true);
  });

  it('treats 24:00 as the end of the day', () => {
    const late: HoursLike = { ...budapest, weekly: [{ day: 1, open: '20:00', close: '24:00' }] };
    expect(isOpenAt(late, at('2026-01-05T22:59:00Z'))).toBe(true);
    expect(isOpenAt(late, at('2026-01-05T23:00:00Z'))).toBe(false);
  });
});

describe('nextOpeningChange', () => {
  it('finds the closing time of an open day and the next opening over a weekend and a DST change', () => {
    expect(iso(nextOpeningChange(budapest, at('2026-03-27T10:00:00Z')))).toBe('2026-03-27T16:00:00.000Z');
    // Friday evening → Monday 09:00, which is CEST (UTC+2) after the change on Sunday 29 March.
    expect(iso(nextOpeningChange(budapest, at('2026-03-27T16:30:00Z')))).toBe('2026-03-30T07:00:00.000Z');
  });

  it('skips holidays', () => {
    // Thursday 24 December after closing → Friday is a holiday → Monday 28 December.
    expect(iso(nextOpeningChange(budapest, at('2026-12-24T17:00:00Z')))).toBe('2026-12-28T08:00:00.000Z');
  });

  it('sees through intervals that join across midnight', () => {
    const nonstop: HoursLike = {
      ...budapest,
      weekly: [
        { day: 1, open: '00:00', close: '24:00' },
        { day: 2, open: '00:00', close: '12:00' },
      ],
    };
    expect(iso(nextOpeningChange(nonstop, at('2026-01-05T12:00:00Z')))).toBe('2026-01-06T11:00:00.000Z');
  });

  it('is null when nothing ever changes', () => {
    expect(nextOpeningChange({ ...budapest, enabled: false }, Date.now())).toBeNull();
    expect(nextOpeningChange({ ...budapest, weekly: [] }, Date.now())).toBeNull();
  });
});

describe('zonedTimeToInstant', () => {
  it('converts local wall-clock times, on both sides of a DST change', () => {
    expect(iso(zonedTimeToInstant(2026, 3, 28, 9 * 60, 'Europe/Budapest'))).toBe('2026-03-28T08:00:00.000Z');
    expect(iso(zonedTimeToInstant(2026, 3, 30, 9 * 60, 'Europe/Budapest'))).toBe('2026-03-30T07:00:00.000Z');
    expect(iso(zonedTimeToInstant(2026, 7, 1, 9 * 60, 'America/New_York'))).toBe('2026-07-01T13:00:00.000Z');
  });

  it('moves a time skipped by the spring-forward jump past the jump', () => {
    expect(iso(zonedTimeToInstant(2026, 3, 29, 150, 'Europe/Budapest'))).toBe('2026-03-29T01:30:00.000Z');
  });
});
