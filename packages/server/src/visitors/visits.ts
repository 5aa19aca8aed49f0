import type { VisitorRow } from './store';

/** A visit ends after this long without any sign of the visitor (page, session, widget connection). */
export const VISIT_GAP_MS = 30 * 60_000;

/** The visit columns to write for a sign of the visitor at `now`: a new visit after a long silence. */
export function visitPatch(
  row: Pick<VisitorRow, 'last_seen_at' | 'visit_started_at' | 'visits'>,
  now: number,
): Partial<Pick<VisitorRow, 'visit_started_at' | 'visits'>> {
  if (now - row.last_seen_at > VISIT_GAP_MS) return { visit_started_at: now, visits: row.visits + 1 };
  // Rows from before visits were recorded start theirs at the last sign of the visitor.
  return row.visit_started_at === null ? { visit_started_at: row.last_seen_at } : {};
}
