import { describe, expect, it } from 'vitest';
import {
  MARK_END,
  MARK_START,
  fts5Query,
  highlightWords,
  matchesAll,
  parseMarked,
  searchTerms,
  tsQueryText,
} from '../src/search/text';

describe('search text', () => {
  it('keeps words, e-mail characters inside them, and nothing of either query syntax', () => {
    expect(searchTerms('  Invoice "4711" OR (refund*) ada@example.com. ')).toEqual([
      'invoice',
      '4711',
      'or',
      'refund',
      'ada@example.com',
    ]);
    expect(searchTerms("it's NEAR/3 col:x -minus")).toEqual(['its', 'near3', 'colx', 'minus']);
    expect(searchTerms('Über über')).toEqual(['über']);
    expect(() => searchTerms('*** -- ""')).toThrow(/at least one word/);
    expect(searchTerms(Array.from({ length: 20 }, (_, i) => `w${i}`).join(' '))).toHaveLength(10);
  });

  it('builds each engine’s query from words only', () => {
    expect(fts5Query(['ada@example.com', 'inv'])).toBe('"ada@example.com"* "inv"*');
    expect(tsQueryText(['ada@example.com', 'inv'])).toBe("'ada@example.com':* & 'inv':*");
  });

  it('turns marked excerpts into text and ranges', () => {
    const s = `a ${MARK_START}big${MARK_END}${MARK_START} deal${MARK_END} — <b>${MARK_START}x${MARK_END}`;
    expect(parseMarked(s)).toEqual({
      text: 'a big deal — <b>x',
      highlights: [
        [2, 10],
        [16, 17],
      ],
    });
    // Unbalanced marks never produce text outside the string or empty ranges.
    expect(parseMarked(`${MARK_END}x${MARK_START}${MARK_START}yz`)).toEqual({
      text: 'xyz',
      highlights: [[1, 3]],
    });
    expect(parseMarked(`${MARK_START}${MARK_END}plain`)).toEqual({ text: 'plain', highlights: [] });
  });

  it('highlights word prefixes in short fields, without case or accents', () => {
    expect(highlightWords('Zoltán Kovács', ['kovacs', 'zol'])).toEqual({
      text: 'Zoltán Kovács',
      highlights: [
        [0, 6],
        [7, 13],
      ],
    });
    expect(highlightWords('ada@example.com', ['ada@example.com']).highlights).toEqual([
      [0, 3],
      [4, 11],
      [12, 15],
    ]);
    expect(matchesAll('Ada Lovelace', ['ada', 'love'])).toBe(true);
    expect(matchesAll('Ada Lovelace', ['ada@example.com'])).toBe(false);
  });
});
