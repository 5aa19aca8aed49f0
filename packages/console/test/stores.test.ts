import { describe, expect, test } from 'vitest';
import type { PendingMessage } from '@parley/client';
import type { Message, Site } from '@parley/protocol';
import { ApiError } from '../src/api/ApiError';
import { ComposerStore } from '../src/state/ComposerStore';
import { NotificationCenter, type StorageLike } from '../src/state/NotificationCenter';
import { SearchStore } from '../src/state/SearchStore';
import { SiteDraft } from '../src/state/SiteDraft';
import { threadRows } from '../src/state/thread';
import { at, buildConversation, buildMessage, COLLEAGUE, ME, SYSTEM, VISITOR } from './fixtures';

describe('the conversation as shown', () => {
  const source = (messages: Message[], pending: PendingMessage[] = []) => ({
    messages: () => messages,
    pending: () => pending,
  });

  test('authors, notes, bots, system lines and delivery marks from the visitor’s read mark', () => {
    const summary = buildConversation({ lastSeq: 6, peerReadSeq: 2 });
    const { rows, complete, lastSeq } = threadRows(
      source([
        buildMessage(1, VISITOR),
        buildMessage(2, ME),
        buildMessage(3, COLLEAGUE, { private: true }),
        buildMessage(4, { kind: 'bot', id: 'b', name: 'Helper' }),
        buildMessage(5, SYSTEM, { body: 'Me joined the conversation' }),
        buildMessage(6, COLLEAGUE),
      ]),
      summary,
      ME,
    );
    expect(rows.map((r) => [r.kind, r.author, r.delivery])).toEqual([
      ['visitor', 'Visitor 3f2a9c1b', null],
      ['me', 'Me', 'seen'],
      ['note', 'Private note · Sam', null],
      ['bot', 'Helper (bot)', null],
      ['system', '', null],
      ['agent', 'Sam', 'sent'],
    ]);
    expect([complete, lastSeq]).toEqual([true, 6]);
  });

  test('a reply in the outbox shows as sending and keeps its key once stored', () => {
    const summary = buildConversation({ lastSeq: 1 });
    const pending: PendingMessage = {
      clientMsgId: 'cm-2',
      conversationId: 'c1',
      body: 'on its way',
      private: false,
      createdAt: at(2),
    };
    const before = threadRows(source([buildMessage(1, VISITOR)], [pending]), summary, ME);
    expect(before.rows.at(-1)).toMatchObject({ key: 'c:cm-2', kind: 'me', delivery: 'sending' });
    const after = threadRows(
      source([buildMessage(1, VISITOR), buildMessage(2, ME, { body: 'on its way' })], [pending]),
      { ...summary, lastSeq: 2 },
      ME,
    );
    expect(after.rows.map((r) => r.key)).toEqual(['m:m1', 'c:cm-2']);
    expect(after.rows.at(-1)?.delivery).toBe('sent');
    // History not fetched yet: incomplete.
    expect(threadRows(source([]), { ...summary, lastSeq: 3 }, ME).complete).toBe(false);
  });
});

describe('ComposerStore', () => {
  test('drafts are per conversation; a message takes the text and finished files', () => {
    const composer = new ComposerStore();
    composer.setText('a', 'hello');
    composer.setText('b', 'other');
    composer.setNote('a', true);
    const key = composer.addUpload('a', 'shot.png', 2000);
    expect(key).not.toBeNull();
    expect(composer.canSend('a')).toBe(false); // still uploading
    composer.progress('a', key ?? '', 1000);
    expect(composer.draft('a').uploads[0]?.sent).toBe(1000);
    composer.uploaded('a', key ?? '', {
      id: 'f1',
      name: 'shot.png',
      size: 2000,
      contentType: 'image/png',
      url: '/files/f1/t/shot.png',
    });
    expect(composer.take('a')).toEqual({ body: 'hello', private: true, attachmentIds: ['f1'] });
    expect(composer.draft('a')).toMatchObject({ text: '', uploads: [], note: true });
    expect(composer.draft('b').text).toBe('other');
    expect(composer.take('a')).toBeNull();
  });

  test('at most five files per message; a failed upload does not count and blocks nothing', () => {
    const composer = new ComposerStore();
    const keys = [1, 2, 3, 4, 5].map((n) => composer.addUpload('a', `f${n}`, 1));
    expect(keys.every((k) => k !== null)).toBe(true);
    expect(composer.addUpload('a', 'f6', 1)).toBeNull();
    expect(composer.draft('a').notice).toBe('At most 5 files per message.');
    composer.uploadFailed('a', keys[0] ?? '', 'too large');
    expect(composer.addUpload('a', 'f7', 1)).not.toBeNull();
  });

  test('a send refused on the spot puts the text back with the reason', () => {
    const composer = new ComposerStore();
    composer.setText('a', 'x'.repeat(3));
    const out = composer.take('a');
    expect(out).not.toBeNull();
    if (out) composer.restore('a', out, 'Not sent: too long');
    expect(composer.draft('a')).toMatchObject({ text: 'xxx', notice: 'Not sent: too long' });
  });
});

describe('NotificationCenter settings', () => {
  class Memory implements StorageLike {
    readonly data = new Map<string, string>();
    getItem(key: string): string | null {
      return this.data.get(key) ?? null;
    }
    setItem(key: string, value: string): void {
      this.data.set(key, value);
    }
  }
  const alerter = { chime: () => Promise.resolve('ready' as const), notify: () => undefined };

  test('kept per agent; desktop notifications only with the permission', () => {
    const storage = new Memory();
    const a = new NotificationCenter({ alerter, storage, agentId: 'a', permission: 'granted' });
    expect(a.prefs).toEqual({ sound: true, desktop: false });
    a.setPrefs({ sound: false, desktop: true });
    expect(new NotificationCenter({ alerter, storage, agentId: 'a', permission: 'granted' }).prefs).toEqual({
      sound: false,
      desktop: true,
    });
    expect(
      new NotificationCenter({ alerter, storage, agentId: 'b', permission: 'granted' }).prefs.sound,
    ).toBe(true);
    // The permission was withdrawn in the browser meanwhile.
    const denied = new NotificationCenter({ alerter, storage, agentId: 'a', permission: 'denied' });
    expect(denied.prefs.desktop).toBe(false);
    storage.setItem('parley:console:notifications:c', '{not json');
    expect(new NotificationCenter({ alerter, storage, agentId: 'c', permission: 'default' }).prefs).toEqual({
      sound: true,
      desktop: false,
    });
  });

  test('blocked audio asks for a click only while sound is wanted', () => {
    const center = new NotificationCenter({ alerter, storage: null, agentId: 'a', permission: 'default' });
    center.audioState('blocked');
    expect(center.needsAudioUnlock).toBe(true);
    center.setPrefs({ sound: false });
    expect(center.needsAudioUnlock).toBe(false);
  });
});

describe('SiteDraft', () => {
  const site: Site = {
    id: 's1',
    key: 'KEY_1',
    name: 'Shop',
    allowedOrigins: ['https://shop.example'],
    settings: {},
    createdAt: at(0),
  };

  test('starts from the stored settings with every default, and knows when it differs', () => {
    const draft = new SiteDraft(site);
    expect(draft.settings.appearance.color).toBe('#2563eb');
    expect(draft.dirty).toBe(false);
    draft.update((s) => ({ ...s, appearance: { ...s.appearance, color: '#d9480f' } }));
    expect(draft.dirty).toBe(true);
    expect(draft.snippet('https://chat.example')).toBe(
      '<script async src="https://chat.example/widget.js" data-site="KEY_1"></script>',
    );
  });

  test('problems are found before saving, in words, and block the save', async () => {
    const draft = new SiteDraft(site);
    draft.setName(' ');
    draft.setOrigins('https://shop.example\nftp://files.example');
    draft.update((s) => ({
      ...s,
      appearance: { ...s.appearance, color: 'red' },
      hours: { ...s.hours, weekly: [{ day: 1, open: '18:00', close: '09:00' }] },
    }));
    expect(draft.issues()).toEqual([
      'Name: a site needs a name.',
      'Allowed origins: “ftp://files.example” is not an http(s) address.',
      'Appearance › color: a colour as #rrggbb',
      'Business hours › opening hours › #1: open must be before close',
    ]);
    let called = false;
    const ok = await draft.save({
      updateSite: () => {
        called = true;
        return Promise.resolve(site);
      },
    });
    expect([ok, called]).toEqual([false, false]);
  });

  test('a save sends name, origins and settings, and takes the server’s answer; a refusal is kept', async () => {
    const draft = new SiteDraft(site);
    draft.setOrigins('https://shop.example, https://www.shop.example/');
    draft.update((s) => ({ ...s, sneakPeek: true }));
    const sent: unknown[] = [];
    const ok = await draft.save({
      updateSite: (_id, input) => {
        sent.push(input);
        return Promise.resolve({
          ...site,
          allowedOrigins: ['https://shop.example', 'https://www.shop.example'],
          settings: { sneakPeek: true },
        });
      },
    });
    expect(ok).toBe(true);
    expect(sent[0]).toMatchObject({
      name: 'Shop',
      allowedOrigins: ['https://shop.example', 'https://www.shop.example/'],
    });
    expect(draft.dirty).toBe(false);
    expect(draft.settings.sneakPeek).toBe(true);
    draft.setName('Shop 2');
    expect(
      await draft.save({ updateSite: () => Promise.reject(new ApiError(403, 'forbidden', 'admins only')) }),
    ).toBe(false);
    expect(draft.error).toBe('admins only');
    expect(draft.dirty).toBe(true);
  });
});

describe('SearchStore', () => {
  const hit = (id: string) => ({
    conversation: buildConversation({ id }),
    field: 'name' as const,
    message: null,
    snippet: { text: id, highlights: [] },
  });

  test('an answer to an older query never replaces the newer one; pages add up; empty clears', async () => {
    const pending = new Map<
      string,
      (r: { results: ReturnType<typeof hit>[]; nextCursor: string | null }) => void
    >();
    const store = new SearchStore(
      (q, before) => new Promise((resolve) => pending.set(`${q}|${before ?? ''}`, resolve)),
    );
    const slow = store.run('inv');
    const fast = store.run('invoice');
    pending.get('invoice|')?.({ results: [hit('a')], nextCursor: 'next' });
    await fast;
    pending.get('inv|')?.({ results: [hit('stale')], nextCursor: null });
    await slow;
    expect([store.answered, store.results.map((r) => r.conversation.id)]).toEqual(['invoice', ['a']]);
    const more = store.more();
    pending.get('invoice|next')?.({ results: [hit('b')], nextCursor: null });
    await more;
    expect(store.results.map((r) => r.conversation.id)).toEqual(['a', 'b']);
    await store.run('  ');
    expect([store.active, store.results, store.answered]).toEqual([false, [], null]);
  });

  test('a failed search says why and keeps nothing stale', async () => {
    const store = new SearchStore(() =>
      Promise.reject(new ApiError(429, 'rate_limited', 'Too many searches')),
    );
    await store.run('x');
    expect([store.error, store.loading]).toEqual(['Too many searches', false]);
  });
});
