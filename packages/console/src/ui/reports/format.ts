/** How the Reports screen writes figures: durations, shares, changes. */

export function duration(ms: number | null): string {
  if (ms === null) return '–';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${String(s)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${String(m)} min ${String(s % 60).padStart(2, '0')} s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${String(h)} h ${String(m % 60).padStart(2, '0')} min`;
  return `${String(Math.floor(h / 24))} d ${String(h % 24)} h`;
}

export function hours(ms: number): string {
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

export function share(value: number | null): string {
  return value === null ? '–' : `${(value * 100).toFixed(1)} %`;
}

export function decimal(value: number | null, digits = 1): string {
  return value === null ? '–' : value.toFixed(digits);
}

/** "+12 %" / "−5 %" / "–" (no previous value). */
export function change(value: number | null): string {
  if (value === null) return '–';
  const pct = Math.round(value * 1000) / 10;
  if (pct === 0) return '±0 %';
  return `${pct > 0 ? '+' : '−'}${String(Math.abs(pct))} %`;
}

export const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** Short durations for chart axes: "45 s", "2 min", "1.5 h". */
export function shortDuration(ms: number): string {
  const s = ms / 1000;
  if (s < 60) return `${String(Math.round(s))} s`;
  if (s < 3600) return `${String(Math.round((s / 60) * 10) / 10)} min`;
  return `${String(Math.round((s / 3600) * 10) / 10)} h`;
}
