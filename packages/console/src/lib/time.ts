/** "14:05" today, "3 Mar, 14:05" on other days: chat times are read at a glance. */
export function shortTime(iso: string, now: Date = new Date()): string {
  const date = new Date(iso);
  const time = date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  if (date.toDateString() === now.toDateString()) return time;
  return `${date.toLocaleDateString([], { day: 'numeric', month: 'short' })}, ${time}`;
}

export function fullTime(iso: string): string {
  return new Date(iso).toLocaleString();
}

/** "Today", "Yesterday", "Monday 3 March 2026": the separators between days of a conversation. */
export function dayLabel(iso: string, now: Date = new Date()): string {
  const date = new Date(iso);
  const day = (d: Date): number =>
    Math.floor(new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime() / 864e5);
  const diff = day(now) - day(date);
  if (diff === 0) return 'Today';
  if (diff === 1) return 'Yesterday';
  return date.toLocaleDateString([], { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
}

/** A waiting time: "now", "45 s", "12 min", "2 h 05 min", "3 d". */
export function duration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 10) return 'now';
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 24) return `${h} h ${String(min % 60).padStart(2, '0')} min`;
  return `${Math.floor(h / 24)} d`;
}

/** The time somewhere else now ("16:05 (UTC+2)"), or null when the zone is unknown to this browser. */
export function localTimeIn(timeZone: string, now: Date = new Date()): string | null {
  try {
    const time = now.toLocaleTimeString([], { timeZone, hour: '2-digit', minute: '2-digit' });
    const offset =
      new Intl.DateTimeFormat('en-GB', { timeZone, timeZoneName: 'shortOffset' })
        .formatToParts(now)
        .find((p) => p.type === 'timeZoneName')?.value ?? timeZone;
    return `${time} (${offset.replace('GMT', 'UTC')})`;
  } catch {
    return null;
  }
}
