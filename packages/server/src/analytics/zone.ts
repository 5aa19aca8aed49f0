import { zoneOffsetAt, zonedTimeToInstant } from '@parley/protocol';

const HOUR = 3_600_000;
const QUARTER = 900_000;
export const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of a calendar date "YYYY-MM-DD" (the date itself, no zone). */
export function dayNumber(date: string): number {
  const [y, m, d] = date.split('-').map(Number);
  return Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1) / DAY_MS;
}

export function dateOfDayNumber(n: number): string {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}

/** Local midnight at the start of calendar day `n` (a day number) in `timeZone`. */
export function midnight(n: number, timeZone: string): number {
  const d = new Date(n * DAY_MS);
  return zonedTimeToInstant(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), 0, timeZone);
}

/**
 * Local calendar facts of instants in one zone, fast: the zone's offset is asked of Intl once per
 * UTC hour (and per quarter hour in an hour that holds a change; zones change on quarter hours),
 * then day, weekday and hour are arithmetic. Daylight-saving days come out as 23 or 25 hours.
 */
export class ZoneCalendar {
  readonly #byHour = new Map<number, number | number[]>();

  constructor(readonly timeZone: string) {}

  offsetAt(instant: number): number {
    const hour = Math.floor(instant / HOUR);
    let entry = this.#byHour.get(hour);
    if (entry === undefined) {
      const first = zoneOffsetAt(hour * HOUR, this.timeZone);
      const next = zoneOffsetAt((hour + 1) * HOUR, this.timeZone);
      entry =
        first === next
          ? first
          : [0, 1, 2, 3].map((q) => zoneOffsetAt(hour * HOUR + q * QUARTER, this.timeZone));
      this.#byHour.set(hour, entry);
    }
    if (typeof entry === 'number') return entry;
    return entry[Math.floor((instant - hour * HOUR) / QUARTER)] ?? 0;
  }

  /** The local calendar day of an instant, as a day number. */
  dayOf(instant: number): number {
    return Math.floor((instant + this.offsetAt(instant)) / DAY_MS);
  }

  /** Local weekday (0 = Monday … 6 = Sunday) and hour (0…23) of an instant. */
  weekdayHour(instant: number): { weekday: number; hour: number } {
    const local = instant + this.offsetAt(instant);
    const day = Math.floor(local / DAY_MS);
    // 1970-01-01 was a Thursday: index 3 when Monday is 0.
    return { weekday: (((day + 3) % 7) + 7) % 7, hour: Math.floor((local - day * DAY_MS) / HOUR) };
  }

  /** "YYYY-MM-DD HH:MM:SS" on the local wall clock (CSV exports). */
  localText(instant: number): string {
    return new Date(instant + this.offsetAt(instant)).toISOString().slice(0, 19).replace('T', ' ');
  }
}
