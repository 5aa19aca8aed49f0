import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Trigger } from '@parley/protocol';
import { decideMode } from '../src/loader/rules';
import { createTriggers } from '../src/loader/triggers';
import { contrastRatio, textOn } from '../src/shared/contrast';
import { chooseLanguage } from '../src/shared/language';

const open = { enabled: false, timeZone: 'UTC', weekly: [], holidays: [] };
const closed = { enabled: true, timeZone: 'UTC', weekly: [], holidays: [] };
const base = {
  hours: open,
  outsideHours: 'offline_form',
  noAgents: 'offline_form',
  agentsOnline: true,
} as const;

describe('decideMode', () => {
  const now = Date.parse('2026-06-01T12:00:00Z');
  it('offers the chat during hours with an agent online', () => {
    expect(decideMode(base, now, { active: false, forced: false })).toBe('chat');
  });
  it('applies outsideHours outside business hours, noAgents when nobody is online', () => {
    expect(decideMode({ ...base, hours: closed }, now, { active: false, forced: false })).toBe('offline');
    expect(
      decideMode({ ...base, hours: closed, outsideHours: 'hide' }, now, { active: false, forced: false }),
    ).toBe('hidden');
    expect(
      decideMode({ ...base, agentsOnline: false, noAgents: 'hide' }, now, { active: false, forced: false }),
    ).toBe('hidden');
    expect(decideMode({ ...base, agentsOnline: false }, now, { active: false, forced: false })).toBe(
      'offline',
    );
  });
  it('keeps the chat for a conversation under way, and show()/open() turn hiding into the form', () => {
    const hide = { ...base, hours: closed, outsideHours: 'hide' } as const;
    expect(decideMode(hide, now, { active: true, forced: false })).toBe('chat');
    expect(decideMode(hide, now, { active: false, forced: true })).toBe('offline');
  });
});

describe('triggers', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const make = (triggers: Trigger[]) => {
    const fired: string[] = [];
    const visit: string[] = [];
    const engine = createTriggers(triggers, {
      fired: () => visit,
      remember: (id) => visit.push(id),
      fire: (t) => fired.push(t.id),
    });
    return { engine, fired };
  };
  const t = (kind: string, extra: object, repeat: 'visit' | 'always' = 'visit', enabled = true): Trigger =>
    ({ id: kind, kind, message: 'Hi', repeat, enabled, ...extra }) as Trigger;

  it('time on page restarts with every page view and fires once per visit', () => {
    const { engine, fired } = make([t('time_on_page', { seconds: 5 })]);
    engine.pageView('https://x.example/a', 1);
    vi.advanceTimersByTime(4000);
    engine.pageView('https://x.example/b', 2);
    vi.advanceTimersByTime(4000);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(1000);
    expect(fired).toEqual(['time_on_page']);
    engine.pageView('https://x.example/c', 3);
    vi.advanceTimersByTime(10_000);
    expect(fired).toEqual(['time_on_page']);
  });

  it('page count, URL match, exit intent (once per page view) and custom events; repeat always', () => {
    const { engine, fired } = make([
      t('page_count', { pages: 2 }),
      t('url_match', { pattern: '/pricing*' }, 'always'),
      t('exit_intent', {}, 'always'),
      t('custom_event', { event: 'checkout' }),
      t('custom_event', { id: 'off', event: 'checkout' }, 'visit', false),
    ]);
    engine.pageView('https://x.example/pricing', 1);
    engine.pageView('https://x.example/pricing?plan=pro', 2);
    expect(fired).toEqual(['url_match', 'page_count', 'url_match']);
    engine.exitIntent();
    engine.exitIntent();
    expect(fired.filter((f) => f === 'exit_intent')).toHaveLength(1);
    engine.pageView('https://x.example/about', 3);
    engine.exitIntent();
    expect(fired.filter((f) => f === 'exit_intent')).toHaveLength(2);
    engine.event('checkout');
    engine.event('checkout');
    engine.event('other');
    expect(fired.filter((f) => f === 'custom_event')).toHaveLength(1);
  });
});

describe('contrast and language', () => {
  it('picks the text colour with the higher contrast, always at least 4.5:1', () => {
    for (const brand of [
      '#2563eb',
      '#ffcc00',
      '#000000',
      '#ffffff',
      '#777777',
      '#7f7f7f',
      '#0b5cad',
      '#e11d48',
    ]) {
      const text = textOn(brand);
      const other = text === '#ffffff' ? '#000000' : '#ffffff';
      expect(contrastRatio(brand, text)).toBeGreaterThanOrEqual(contrastRatio(brand, other));
      expect(contrastRatio(brand, text)).toBeGreaterThanOrEqual(4.5);
    }
    expect(textOn('#ffcc00')).toBe('#000000');
    expect(textOn('#2563eb')).toBe('#ffffff');
  });

  it('takes the site language, else the first supported browser language, else English', () => {
    expect(chooseLanguage('hu', ['ru-RU'])).toBe('hu');
    expect(chooseLanguage('auto', ['de-DE', 'ru-RU', 'en'])).toBe('ru');
    expect(chooseLanguage('auto', ['de-DE'])).toBe('en');
  });
});
