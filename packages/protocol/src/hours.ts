/**
 * Business hours in a site's own time zone: is the site open at an instant, and when does that
 * change next. Plain code without zod (the widget's loader ships it) on `Intl.DateTimeFormat`, so
 * daylight-saving changes and holidays come out right wherever the code runs.
 */

export interface HoursLike {
  enabled: boolean;
  /** IANA time zone. */
  timeZone: string;
  /** day 0 = Sunday; open/close "HH:MM", close may be "24:00". */
  weekly: readonly { day: number; open: string; close: string }[];
  /** Whole days closed, "YYYY-MM-DD" in the site's time zone. */
  holidays: readonly { date: string }[];
}

interface LocalTime {
  year: number;
  month: number;
  day: number;
  /** 0 = Sunday. */
  weekday: number;
  /** Minutes since local midnight. */
  minutes: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function localTime(instant: number, timeZone: string): LocalTime {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(instant)) p[part.type] = Number(part.value);
  const year = p.year ?? 1970;
  const month = p.month ?? 1;
  const day = p.day ?? 1;
  const hour = (p.hour ?? 0) % 24;
  return {
    year,
    month,
    day,
    weekday: new Date(Date.UTC(year, month - 1, day)).getUTCDay(),
    minutes: hour * 60 + (p.minute ?? 0),
    second: p.second ?? 0,
  };
}

const clockMinutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
const pad = (n: number): string => String(n).padStart(2, '0');
const isoDate = (t: LocalTime): string => `${t.year}-${pad(t.month)}-${pad(t.day)}`;

/** Whether the site takes chats at `instant` (ms since the epoch). Hours switched off = always open. */
export function isOpenAt(hours: HoursLike, instant: number): boolean {
  if (!hours.enabled) return true;
  const t = localTime(instant, hours.timeZone);
  const date = isoDate(t);
  if (hours.holidays.some((h) => h.date === date)) return false;
  return hours.weekly.some(
    (i) => i.day === t.weekday && clockMinutes(i.open) <= t.minutes && t.minutes < clockMinutes(i.close),
  );
}

/** The zone's offset from UTC at `instant` in milliseconds (local wall clock − UTC; +3600000 for CET). */
export function zoneOffsetAt(instant: number, timeZone: string): number {
  const whole = Math.floor(instant / 1000) * 1000;
  const t = localTime(whole, timeZone);
  // Local wall-clock time read as if it were UTC, minus the instant: the zone's offset.
  return Date.UTC(t.year, t.month - 1, t.day, 0, t.minutes, t.second) - whole;
}

/** Whether `name` is an IANA time zone this runtime knows. */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/**
 * The instant a local wall-clock time happens in `timeZone`. A time skipped by a daylight-saving
 * jump is moved forward by the jump (02:30 → 03:30); a repeated one maps to one of its two
 * occurrences.
 */
export function zonedTimeToInstant(
  year: number,
  month: number,
  day: number,
  minutes: number,
  timeZone: string,
): number {
  const wall = Date.UTC(year, month - 1, day, 0, minutes);
  const offsetAt = (instant: number): number => zoneOffsetAt(instant, timeZone);
  const first = offsetAt(wall);
  const guess = wall - first;
  const second = offsetAt(guess);
  return second === first ? guess : wall - second;
}

/**
 * The next instant after `instant` at which `isOpenAt` changes, or null when it never does (hours
 * off, or no opening interval at all). Looks at most `horizonDays` ahead (a long run of holidays).
 */
export function nextOpeningChange(hours: HoursLike, instant: number, horizonDays = 400): number | null {
  if (!hours.enabled || hours.weekly.length === 0) return null;
  const now = isOpenAt(hours, instant);
  const today = localTime(instant, hours.timeZone);
  for (let k = 0; k <= horizonDays; k++) {
    const date = new Date(Date.UTC(today.year, today.month - 1, today.day + k));
    const [y, m, d, weekday] = [
      date.getUTCFullYear(),
      date.getUTCMonth() + 1,
      date.getUTCDate(),
      date.getUTCDay(),
    ];
    const marks = new Set<number>([0]);
    for (const i of hours.weekly) {
      if (i.day !== weekday) continue;
      marks.add(clockMinutes(i.open));
      marks.add(clockMinutes(i.close));
    }
    const candidates = [...marks]
      .map((minutes) => zonedTimeToInstant(y, m, d, minutes, hours.timeZone))
      .filter((t) => t > instant)
      .sort((a, b) => a - b);
    for (const t of candidates) if (isOpenAt(hours, t) !== now) return t;
  }
  return null;
}
