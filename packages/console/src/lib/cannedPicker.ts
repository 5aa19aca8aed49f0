/**
 * The `/shortcut` of the composer: where the word being typed starts with `/`, and what replacing it
 * with a canned response gives. Pure text functions, so that the picker's rules are tested alone.
 */
import type { CannedResponse } from '@parley/protocol';

export interface CannedQuery {
  /** Index of the `/` in the text. */
  start: number;
  /** What follows it, up to the caret (lowercase). */
  query: string;
}

/** A `/word` right before the caret, at the start of the text or after a space or line break. */
export function cannedQuery(text: string, caret: number): CannedQuery | null {
  const before = text.slice(0, caret);
  const m = /(?:^|\s)\/([a-z0-9_-]{0,32})$/i.exec(before);
  if (m === null) return null;
  const query = (m[1] ?? '').toLowerCase();
  return { start: caret - query.length - 1, query };
}

/**
 * Responses whose shortcut starts with the query, exact match first, then shared before personal,
 * then by shortcut; only those usable on the conversation's site.
 */
export function cannedMatches(
  responses: readonly CannedResponse[],
  query: string,
  siteId: string,
  limit = 8,
): CannedResponse[] {
  return responses
    .filter((r) => (r.siteId === null || r.siteId === siteId) && r.shortcut.startsWith(query))
    .sort(
      (a, b) =>
        Number(b.shortcut === query) - Number(a.shortcut === query) ||
        Number(a.ownerId !== null) - Number(b.ownerId !== null) ||
        a.shortcut.localeCompare(b.shortcut),
    )
    .slice(0, limit);
}

/** The text with `/query` replaced by `body`, and where the caret goes (after it). */
export function insertCanned(
  text: string,
  at: CannedQuery,
  caret: number,
  body: string,
): { text: string; caret: number } {
  const next = text.slice(0, at.start) + body + text.slice(caret);
  return { text: next, caret: at.start + body.length };
}
