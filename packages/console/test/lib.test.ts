import { describe, expect, test } from 'vitest';
import { cannedMatches, cannedQuery, insertCanned } from '../src/lib/cannedPicker';
import { highlightParts } from '../src/lib/highlight';
import { segments, safeHref } from '../src/lib/richText';
import { parseRoute, routeHash } from '../src/lib/router';
import { commandFor } from '../src/lib/shortcuts';
import { chimeSamples } from '../src/lib/sound';
import { duration, localTimeIn } from '../src/lib/time';
import { describeUserAgent, parseUserAgent } from '../src/lib/userAgent';

describe('user agents', () => {
  const cases: [string, string][] = [
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
      'Chrome 126 · Windows 10 or 11 · desktop',
    ],
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.87',
      'Edge 126 · Windows 10 or 11 · desktop',
    ],
    [
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
      'Safari 17 · macOS 10.15 · desktop',
    ],
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
      'Safari 17 · iOS 17.5 · mobile',
    ],
    [
      'Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/125.0.6422.80 Mobile/15E148 Safari/604.1',
      'Chrome 125 · iPadOS 16.6 · tablet',
    ],
    [
      'Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0',
      'Firefox 127 · Linux · desktop',
    ],
    [
      'Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36',
      'Samsung Internet 25 · Android 14 · mobile',
    ],
    [
      'Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
      'Chrome 120 · Android 13 · tablet',
    ],
    [
      'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
      'Unknown browser · Unknown system · bot',
    ],
    ['curl/8.5.0', 'Unknown browser · Unknown system · bot'],
  ];
  test.each(cases)('%s', (ua, expected) => {
    expect(describeUserAgent(ua)).toBe(expected);
  });

  test('nothing recognisable says so', () => {
    expect(parseUserAgent('')).toEqual({
      browser: 'Unknown browser',
      browserVersion: null,
      os: 'Unknown system',
      osVersion: null,
      device: 'desktop',
    });
  });
});

describe('links in message text', () => {
  test('http(s), www. and e-mail addresses become links; punctuation after them does not', () => {
    expect(segments('See https://shop.example/a?b=1, or www.shop.example. Mail help@shop.example!')).toEqual([
      { kind: 'text', text: 'See ' },
      { kind: 'link', text: 'https://shop.example/a?b=1', href: 'https://shop.example/a?b=1' },
      { kind: 'text', text: ', or ' },
      { kind: 'link', text: 'www.shop.example', href: 'https://www.shop.example/' },
      { kind: 'text', text: '. Mail ' },
      { kind: 'link', text: 'help@shop.example', href: 'mailto:help@shop.example' },
      { kind: 'text', text: '!' },
    ]);
  });

  test('a parenthesis closing one opened in the address belongs to it', () => {
    expect(segments('(https://en.wikipedia.example/wiki/A_(b))')).toEqual([
      { kind: 'text', text: '(' },
      {
        kind: 'link',
        text: 'https://en.wikipedia.example/wiki/A_(b)',
        href: 'https://en.wikipedia.example/wiki/A_(b)',
      },
      { kind: 'text', text: ')' },
    ]);
  });

  test('no other scheme ever becomes a link', () => {
    for (const text of [
      'javascript:alert(1)',
      'data:text/html,<b>x</b>',
      'vbscript:x',
      'file:///etc/passwd',
    ]) {
      expect(segments(text)).toEqual([{ kind: 'text', text }]);
    }
    expect(safeHref('javascript://%0aalert(1)')).toBeNull();
    expect(safeHref('mailto:a@b.example?cc=x@y.example')).toBe('mailto:a@b.example?cc=x@y.example');
    expect(segments('')).toEqual([]);
  });
});

describe('routes', () => {
  test('hashes map to places and back', () => {
    expect(parseRoute('')).toEqual({ name: 'inbox', conversationId: null });
    expect(parseRoute('#/c/abc-123')).toEqual({ name: 'inbox', conversationId: 'abc-123' });
    expect(parseRoute('#/profile')).toEqual({ name: 'profile' });
    expect(parseRoute('#/admin/team')).toEqual({ name: 'admin', section: 'team', itemId: null });
    expect(parseRoute('#/admin/sites/s1')).toEqual({ name: 'admin', section: 'sites', itemId: 's1' });
    expect(parseRoute('#/invite/Ab_3-x')).toEqual({ name: 'invite', token: 'Ab_3-x' });
    expect(parseRoute('#/visitors')).toEqual({ name: 'visitors' });
    expect(parseRoute('#/c/<script>')).toEqual({ name: 'inbox', conversationId: null });
    expect(parseRoute('#/c/%E0%A4%A')).toEqual({ name: 'inbox', conversationId: null });
    for (const hash of [
      '#/',
      '#/c/x1',
      '#/profile',
      '#/admin/departments',
      '#/admin/tags',
      '#/admin/sites/s1',
    ]) {
      expect(routeHash(parseRoute(hash))).toBe(hash);
    }
  });
});

describe('shortcuts', () => {
  const key = (k: string, extra: Partial<Parameters<typeof commandFor>[0]> = {}) =>
    commandFor({ key: k, altKey: false, ctrlKey: false, metaKey: false, inEditable: false, ...extra });
  test('letters act outside text fields only; Alt+arrows and Escape everywhere', () => {
    expect(key('j')).toBe('next');
    expect(key('k')).toBe('previous');
    expect(key('a')).toBe('assignToMe');
    expect(key('c')).toBe('close');
    expect(key('r')).toBe('focusComposer');
    expect(key('?')).toBe('help');
    expect(key('j', { inEditable: true })).toBeNull();
    expect(key('ArrowDown', { altKey: true, inEditable: true })).toBe('next');
    expect(key('Escape', { inEditable: true })).toBe('escape');
    expect(key('c', { ctrlKey: true })).toBeNull();
    expect(key('x')).toBeNull();
  });
});

describe('times', () => {
  test('waiting times read at a glance', () => {
    expect(duration(3000)).toBe('now');
    expect(duration(45_000)).toBe('45 s');
    expect(duration(12 * 60_000)).toBe('12 min');
    expect(duration(125 * 60_000)).toBe('2 h 05 min');
    expect(duration(3 * 86_400_000)).toBe('3 d');
  });

  test('a visitor’s local time in a known zone; an unknown zone gives nothing', () => {
    const when = new Date('2026-07-01T12:00:00Z');
    expect(localTimeIn('Europe/Budapest', when)).toMatch(/(14.00|02.00\sPM) \(UTC\+2\)/);
    expect(localTimeIn('Not/A_Zone', when)).toBeNull();
  });
});

describe('the chime', () => {
  test('two short tones, quiet, starting and ending in silence (no click)', () => {
    const samples = chimeSamples(8000);
    expect(samples.length).toBe(Math.ceil(8000 * 0.32));
    const peak = samples.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
    expect(peak).toBeGreaterThan(0.1);
    expect(peak).toBeLessThanOrEqual(0.5);
    expect(Math.abs(samples[0] ?? 1)).toBeLessThan(0.01);
    expect(Math.abs(samples.at(-1) ?? 1)).toBeLessThan(0.01);
  });
});

describe('canned responses in the composer', () => {
  const response = (shortcut: string, ownerId: string | null, siteId: string | null = null) => ({
    id: shortcut + String(ownerId),
    shortcut,
    body: `text of ${shortcut}`,
    ownerId,
    siteId,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  });

  test('a /word before the caret, at the start or after a space, opens the picker', () => {
    expect(cannedQuery('/hel', 4)).toEqual({ start: 0, query: 'hel' });
    expect(cannedQuery('Thanks! /Ref', 12)).toEqual({ start: 8, query: 'ref' });
    expect(cannedQuery('/', 1)).toEqual({ start: 0, query: '' });
    expect(cannedQuery('and/or', 6)).toBeNull();
    expect(cannedQuery('see https://x.example/path', 26)).toBeNull();
    expect(cannedQuery('/hello there', 12)).toBeNull();
  });

  test('matches by prefix: exact first, shared before personal, only for the site', () => {
    const list = [
      response('hello-long', null),
      response('hello', 'me'),
      response('hello', null),
      response('help', null, 'other-site'),
      response('refund', null),
    ];
    expect(cannedMatches(list, 'hel', 'site-1').map((c) => [c.shortcut, c.ownerId])).toEqual([
      ['hello', null],
      ['hello-long', null],
      ['hello', 'me'],
    ]);
    expect(cannedMatches(list, 'hello', 'site-1').map((c) => [c.shortcut, c.ownerId])).toEqual([
      ['hello', null],
      ['hello', 'me'],
      ['hello-long', null],
    ]);
    expect(cannedMatches(list, 'help', 'other-site').map((c) => c.shortcut)).toEqual(['help']);
  });

  test('inserting replaces the /word and puts the caret after the text', () => {
    const text = 'Dear customer, /ref and more';
    const at = cannedQuery(text, 19);
    expect(at).toEqual({ start: 15, query: 'ref' });
    if (at === null) return;
    expect(insertCanned(text, at, 19, 'Your refund is on its way.')).toEqual({
      text: 'Dear customer, Your refund is on its way. and more',
      caret: 41,
    });
  });
});

describe('search excerpts', () => {
  test('highlight ranges become marked parts; bad ranges are tolerated', () => {
    expect(highlightParts('my invoice number', [[3, 10]])).toEqual([
      { text: 'my ', mark: false },
      { text: 'invoice', mark: true },
      { text: ' number', mark: false },
    ]);
    expect(
      highlightParts('abcdef', [
        [4, 99],
        [0, 2],
        [1, 3],
        [5, 5],
      ]),
    ).toEqual([
      { text: 'ab', mark: true },
      { text: 'c', mark: true },
      { text: 'd', mark: false },
      { text: 'ef', mark: true },
    ]);
    expect(highlightParts('<b>x</b>', [])).toEqual([{ text: '<b>x</b>', mark: false }]);
  });
});
