import type { Highlighted } from '@parley/protocol';
import { AppError } from '../shared/errors';

/**
 * Search text handling that does not touch the database: what a query's words are, how each
 * engine is asked for them, and how highlighted text is returned safely (text + ranges).
 */

/** Marks put around matches by snippet() / ts_headline(): Private Use Area code points. */
export const MARK_START = '\uE000';
export const MARK_END = '\uE001';

const MAX_TERMS = 10;

/**
 * The words of a query: split on spaces, reduced to letters, digits and the characters of e-mail
 * addresses (`@ . _ + -`), without edge punctuation. Query syntax of either engine (quotes,
 * operators, parentheses, `*`, `:`) can never get through.
 */
export function searchTerms(q: string): string[] {
  const terms: string[] = [];
  for (const raw of q.split(/\s+/)) {
    const word = raw
      .replace(/[^\p{L}\p{N}@._+-]/gu, '')
      .replace(/^[@._+-]+|[@._+-]+$/g, '')
      .toLowerCase();
    if (/[\p{L}\p{N}]/u.test(word) && !terms.includes(word)) terms.push(word);
  }
  if (terms.length === 0)
    throw new AppError('validation_failed', 'search for at least one word of letters or digits', 422);
  return terms.slice(0, MAX_TERMS);
}

/** FTS5: every word as a prefix phrase, all required (`"ada"* "example.com"*`). */
export function fts5Query(terms: readonly string[]): string {
  return terms.map((t) => `"${t.replaceAll('"', '""')}"*`).join(' ');
}

/** PostgreSQL `to_tsquery` text: every word quoted as a prefix lexeme, all required. */
export function tsQueryText(terms: readonly string[]): string {
  return terms.map((t) => `'${t.replaceAll("'", "''").replaceAll('\\', '')}':*`).join(' & ');
}

function addRange(out: [number, number][], start: number, end: number): void {
  if (end <= start) return;
  const last = out.at(-1);
  // Adjacent or overlapping ranges become one.
  if (last && start <= last[1]) last[1] = Math.max(last[1], end);
  else out.push([start, end]);
}

/** Engine output with MARK_START/MARK_END around matches → plain text and its highlight ranges. */
export function parseMarked(marked: string): Highlighted {
  let text = '';
  let start: number | null = null;
  const highlights: [number, number][] = [];
  for (const ch of marked) {
    if (ch === MARK_START) start ??= text.length;
    else if (ch === MARK_END) {
      if (start !== null) addRange(highlights, start, text.length);
      start = null;
    } else text += ch;
  }
  if (start !== null) addRange(highlights, start, text.length);
  return { text, highlights };
}

const fold = (s: string): string => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

const WORD = /[\p{L}\p{N}]+/gu;
const partsOf = (terms: readonly string[]): string[] => terms.flatMap((t) => fold(t).match(WORD) ?? []);

/**
 * Highlights in a short field (a name, an address): every word of it that starts with a word of
 * the query, compared without case and accents as the indexes do.
 */
export function highlightWords(text: string, terms: readonly string[]): Highlighted {
  const parts = partsOf(terms);
  const highlights: [number, number][] = [];
  for (const m of text.matchAll(WORD)) {
    const word = fold(m[0]);
    if (parts.some((p) => word.startsWith(p))) addRange(highlights, m.index, m.index + m[0].length);
  }
  return { text, highlights };
}

/** Every word of the query starts a word of the text (the field alone would have matched). */
export function matchesAll(text: string, terms: readonly string[]): boolean {
  const words = fold(text).match(WORD) ?? [];
  return partsOf(terms).every((p) => words.some((w) => w.startsWith(p)));
}
