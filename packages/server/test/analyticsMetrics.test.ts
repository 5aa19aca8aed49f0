import { describe, expect, it } from 'vitest';
import type { HoursLike } from '@parley/protocol';
import { csvCell, toCsv } from '../src/analytics/csv';
import {
  BusinessClock,
  OnlineTimeline,
  classify,
  percentile,
  periodsOf,
  statusDurations,
  summarize,
  type ConversationFacts,
} from '../src/analytics/metrics';
import { ZoneCalendar, dayNumber } from '../src/analytics/zone';
import { at } from './analyticsFactories';

/** The pure half of analytics: no database, known inputs, exact answers (docs/analytics.md). */

describe('nearest-rank percentiles', () => {
  it('pick an observed value at rank ⌈p·n/100⌉', () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([7], 50)).toBe(7);
    expect(percentile([7], 90)).toBe(7);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4, 5], 50)).toBe(3);
    const ten = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(percentile(ten, 90)).toBe(9);
    expect(percentile([...ten, 11], 90)).toBe(10);
    expect(percentile(ten, 100)).toBe(10);
  });
});

describe('CSV', () => {
  it('quotes as RFC 4180 says', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('cr\rhere')).toBe('"cr\rhere"');
    expect(csvCell(null)).toBe('');
    expect(csvCell(12.5)).toBe('12.5');
    expect(csvCell(-3)).toBe('-3');
    expect(csvCell(Number.NaN)).toBe('');
  });

  it('neutralises cells a spreadsheet would run as a formula', () => {
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('+49 30 1234')).toBe("'+49 30 1234");
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\t=cmd')).toBe("'\t=cmd");
    expect(csvCell('\r=cmd')).toBe('"\'\r=cmd"');
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe('"\'=HYPERLINK(""http://x"",""y"")"');
    // Only the first character matters.
    expect(csvCell('a=b')).toBe('a=b');
  });

  it('writes a header, CRLF line ends and a final CRLF', () => {
    expect(
      toCsv(
        ['name', 'n'],
        [
          ['x', 1],
          ['=y', null],
        ],
      ),
    ).toBe("name,n\r\nx,1\r\n'=y,\r\n");
  });
});

describe('time zones', () => {
  it('New York in spring: the day has 23 hours and 02:00–03:00 never happens', () => {
    const ny = new ZoneCalendar('America/New_York');
    const p = periodsOf(dayNumber('2025-03-09'), dayNumber('2025-03-09'), 'America/New_York');
    expect(p.end - p.start).toBe(23 * 3_600_000);
    expect(new Date(p.start).toISOString()).toBe('2025-03-09T05:00:00.000Z');
    // 01:59:59 EST, then 03:00 EDT one second later.
    expect(ny.weekdayHour(at('2025-03-09T06:59:59Z'))).toEqual({ weekday: 6, hour: 1 });
    expect(ny.weekdayHour(at('2025-03-09T07:00:00Z'))).toEqual({ weekday: 6, hour: 3 });
    expect(ny.dayOf(at('2025-03-10T03:59:59Z'))).toBe(dayNumber('2025-03-09'));
    expect(ny.dayOf(at('2025-03-10T04:00:00Z'))).toBe(dayNumber('2025-03-10'));
  });

  it('New York in autumn: the day has 25 hours and 01:00–02:00 happens twice', () => {
    const ny = new ZoneCalendar('America/New_York');
    const p = periodsOf(dayNumber('2025-11-02'), dayNumber('2025-11-02'), 'America/New_York');
    expect(p.end - p.start).toBe(25 * 3_600_000);
    expect(ny.weekdayHour(at('2025-11-02T05:30:00Z')).hour).toBe(1); // 01:30 EDT
    expect(ny.weekdayHour(at('2025-11-02T06:30:00Z')).hour).toBe(1); // 01:30 EST
    expect(ny.localText(at('2025-11-02T06:30:00Z'))).toBe('2025-11-02 01:30:00');
  });

  it('a zone with a half-hour offset and the previous period of the same length', () => {
    const kolkata = new ZoneCalendar('Asia/Kolkata');
    expect(kolkata.weekdayHour(at('2025-06-02T18:29:00Z'))).toEqual({ weekday: 0, hour: 23 });
    expect(kolkata.weekdayHour(at('2025-06-02T18:30:00Z'))).toEqual({ weekday: 1, hour: 0 });
    const p = periodsOf(dayNumber('2025-06-02'), dayNumber('2025-06-08'), 'Asia/Kolkata');
    expect(p.start - p.prevStart).toBe(7 * 86_400_000);
  });
});

const hours: HoursLike = {
  enabled: true,
  timeZone: 'Europe/Budapest',
  weekly: [1, 2, 3, 4, 5].map((day) => ({ day, open: '09:00', close: '17:00' })),
  holidays: [{ date: '2025-10-23' }],
};

describe('the business-hours clock', () => {
  const clock = new BusinessClock(hours, at('2025-10-01T00:00:00Z'));

  it('counts open time only: Friday 16:59 + 120 s is Monday 09:01', () => {
    const friday = at('2025-10-24T14:59:00Z');
    expect(clock.deadline(friday, 120_000, at('2025-12-01T00:00:00Z'))).toBe(at('2025-10-27T08:01:00Z'));
  });

  it('skips holidays and nights, and answers Infinity past the limit', () => {
    // Wednesday 16:00 + 2 h of open time: one hour on Wednesday, Thursday is a holiday → Friday 10:00.
    const wednesday = at('2025-10-22T14:00:00Z');
    expect(clock.deadline(wednesday, 7_200_000, at('2025-12-01T00:00:00Z'))).toBe(at('2025-10-24T08:00:00Z'));
    expect(clock.deadline(wednesday, 7_200_000, at('2025-10-23T12:00:00Z'))).toBe(Infinity);
  });

  it('is the wall clock when hours are off', () => {
    const off = new BusinessClock({ ...hours, enabled: false }, 0);
    expect(off.deadline(1000, 120_000, 0)).toBe(121_000);
  });
});

describe('who was online', () => {
  const timeline = new OnlineTimeline([
    [
      { at: 100, status: 'online' },
      { at: 200, status: 'away' },
      { at: 300, status: 'online' },
    ],
    [
      { at: 150, status: 'online' },
      { at: 250, status: 'offline' },
    ],
  ]);

  it('is the union of the agents online', () => {
    expect(timeline.onlineAt(99)).toBe(false);
    expect(timeline.onlineAt(100)).toBe(true);
    expect(timeline.onlineAt(249)).toBe(true);
    expect(timeline.onlineAt(250)).toBe(false);
    expect(timeline.onlineAt(300)).toBe(true);
    expect(timeline.onlineAt(1e15)).toBe(true);
  });

  it('time in each status, clipped to the period', () => {
    const history = [
      { at: 0, status: 'online' as const },
      { at: 100, status: 'away' as const },
      { at: 160, status: 'offline' as const },
    ];
    expect(statusDurations(history, 50, 200)).toEqual({ online: 50, away: 60, offline: 40 });
    expect(statusDurations([], 0, 100)).toEqual({ online: 0, away: 0, offline: 0 });
  });
});

describe('one conversation', () => {
  const start = at('2025-10-20T08:00:00Z'); // Monday 10:00 in Budapest
  const base: ConversationFacts = {
    id: 'c',
    siteId: 's',
    createdAt: start,
    source: 'chat',
    status: 'open',
    assigneeId: null,
    departmentId: null,
    closedAt: null,
    rating: null,
    firstVisitorAt: start,
    firstAgentReplyAt: null,
    messages: 1,
  };
  const rules = (online: boolean) => ({
    thresholdMs: 120_000,
    clock: new BusinessClock(hours, at('2025-10-01T00:00:00Z')),
    online: new OnlineTimeline(online ? [[{ at: 0, status: 'online' as const }]] : []),
  });

  it('answered at the threshold exactly, missed one millisecond later', () => {
    expect(classify({ ...base, firstAgentReplyAt: start + 120_000 }, rules(true), start + 1e9)?.outcome).toBe(
      'answered',
    );
    expect(classify({ ...base, firstAgentReplyAt: start + 120_001 }, rules(true), start + 1e9)?.outcome).toBe(
      'missed',
    );
  });

  it('waiting until the deadline has passed, then missed', () => {
    expect(classify(base, rules(true), start + 120_000)?.outcome).toBe('waiting');
    expect(classify(base, rules(true), start + 120_001)?.outcome).toBe('missed');
  });

  it('nobody online: the wall clock decides, even at night', () => {
    const night = at('2025-10-20T20:00:00Z'); // 22:00, closed
    const facts = { ...base, createdAt: night, firstVisitorAt: night };
    expect(classify(facts, rules(false), night + 120_001)?.outcome).toBe('missed');
    expect(classify(facts, rules(true), night + 120_001)?.outcome).toBe('waiting');
  });

  it('offline messages and never-answered invitations', () => {
    expect(classify({ ...base, source: 'offline_form' }, rules(true), start + 1e9)).toMatchObject({
      outcome: 'offline',
      firstResponseMs: null,
    });
    expect(classify({ ...base, source: 'proactive', firstVisitorAt: null }, rules(true), start)).toBeNull();
  });

  it('a summary of nothing has no values, not zeros', () => {
    expect(summarize([])).toMatchObject({
      started: 0,
      firstResponseMs: { median: null, p90: null, count: 0 },
      csat: { share: null, good: 0, ratings: 0 },
      messagesPerConversation: null,
    });
  });
});
