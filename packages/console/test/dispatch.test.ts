import { describe, expect, test } from 'vitest';
import { ParleyError, type ClientEvent } from '@parley/client';
import type { AppEnd } from '../src/state/appEnd';
import { ComposerStore } from '../src/state/ComposerStore';
import { ConnectionStore } from '../src/state/ConnectionStore';
import { DirectoryStore } from '../src/state/DirectoryStore';
import { applyEvent, type ConsoleStores } from '../src/state/dispatch';
import { InboxStore } from '../src/state/InboxStore';
import { NotificationCenter, type Attention } from '../src/state/NotificationCenter';
import { TypingStore, TYPING_TTL_MS } from '../src/state/TypingStore';
import { VisitorStore } from '../src/state/VisitorStore';
import { LiveVisitorsStore } from '../src/state/LiveVisitorsStore';
import { buildAgent, buildConversation, buildMessage, ME, VISITOR } from './fixtures';

function stores(attention: Attention = { looking: false, selectedId: null }) {
  const chimes: string[] = [];
  const notified: string[] = [];
  const ends: AppEnd[] = [];
  const s: ConsoleStores = {
    inbox: new InboxStore(ME.id),
    typing: new TypingStore(),
    connection: new ConnectionStore(),
    composer: new ComposerStore(),
    directory: new DirectoryStore(buildAgent()),
    notifications: new NotificationCenter({
      agentId: ME.id,
      storage: null,
      permission: 'granted',
      alerter: {
        chime: () => {
          chimes.push('chime');
          return Promise.resolve('ready');
        },
        notify: (n) => notified.push(n.title),
      },
    }),
    visitors: new VisitorStore(),
    live: new LiveVisitorsStore(() =>
      Promise.resolve({ visitors: [], truncated: false, windowSeconds: 300 }),
    ),
    attention: () => attention,
    end: (end) => ends.push(end),
  };
  s.notifications.setPrefs({ sound: true, desktop: true });
  return { s, chimes, notified, ends };
}

const event = (e: ClientEvent): ClientEvent => e;

describe('the dispatcher', () => {
  test('a welcome sets the agent and the open list; later frames keep it current', () => {
    const { s } = stores();
    applyEvent(
      s,
      event({
        type: 'welcome',
        payload: {
          t: 'welcome',
          v: 1,
          role: 'agent',
          connectionId: 'x',
          serverTime: new Date().toISOString(),
          heartbeatMs: 25_000,
          agent: buildAgent({ name: 'Me, renamed' }),
          conversations: [buildConversation({ id: 'a' }), buildConversation({ id: 'b' })],
          conversationsTruncated: false,
        },
      }),
      0,
    );
    expect(s.directory.me.name).toBe('Me, renamed');
    expect(
      s.inbox
        .rows(null)
        .map((r) => r.id)
        .sort(),
    ).toEqual(['a', 'b']);
    applyEvent(
      s,
      event({ type: 'conversation', payload: buildConversation({ id: 'a', status: 'closed' }) }),
      0,
    );
    expect(s.inbox.rows(null).map((r) => r.id)).toEqual(['b']);
  });

  test('a new conversation and new visitor messages alert; history replayed on opening does not', () => {
    const { s, chimes, notified } = stores();
    applyEvent(
      s,
      event({ type: 'conversation', payload: buildConversation({ lastSeq: 1, lastMessagePreview: 'Hi' }) }),
      0,
    );
    expect(notified).toEqual(['New conversation: Visitor 3f2a9c1b']);
    applyEvent(s, event({ type: 'message', payload: buildMessage(1, VISITOR) }), 0);
    expect(chimes).toHaveLength(1);
    applyEvent(
      s,
      event({ type: 'activity', payload: buildMessage(2, VISITOR, { body: 'still there?' }) }),
      0,
    );
    expect(chimes).toHaveLength(2);
    expect(notified.at(-1)).toBe('Visitor 3f2a9c1b');
    // Our own words and notes never alert.
    applyEvent(s, event({ type: 'message', payload: buildMessage(3, ME) }), 0);
    expect(chimes).toHaveLength(2);
  });

  test('a conversation handed to the agent alerts, unless the agent took it while looking at it', () => {
    const { s, notified } = stores();
    applyEvent(s, event({ type: 'conversation', payload: buildConversation({ assigneeId: 'agent-2' }) }), 0);
    applyEvent(s, event({ type: 'conversation', payload: buildConversation({ assigneeId: ME.id }) }), 0);
    expect(notified).toEqual(['Assigned to you: Visitor 3f2a9c1b']);
    const looking = stores({ looking: true, selectedId: 'c1' });
    applyEvent(
      looking.s,
      event({ type: 'conversation', payload: buildConversation({ assigneeId: 'agent-2' }) }),
      0,
    );
    applyEvent(
      looking.s,
      event({ type: 'conversation', payload: buildConversation({ assigneeId: ME.id }) }),
      0,
    );
    expect(looking.chimes).toEqual([]);
  });

  test('conversations of colleagues and the one the agent is looking at stay quiet', () => {
    const looking = stores({ looking: true, selectedId: 'c1' });
    applyEvent(looking.s, event({ type: 'conversation', payload: buildConversation() }), 0);
    applyEvent(looking.s, event({ type: 'activity', payload: buildMessage(1, VISITOR) }), 0);
    // The new conversation chimed, the message in the conversation on screen did not.
    expect(looking.chimes).toHaveLength(1);
    expect(looking.notified).toEqual([]);
    const theirs = stores();
    applyEvent(
      theirs.s,
      event({ type: 'conversation', payload: buildConversation({ assigneeId: 'agent-2' }) }),
      0,
    );
    applyEvent(theirs.s, event({ type: 'activity', payload: buildMessage(1, VISITOR) }), 0);
    expect(theirs.chimes).toEqual([]);
  });

  test('typing shows until it expires or the typist sends; the agent’s own typing is ignored', () => {
    const { s } = stores();
    const typing = (author: typeof VISITOR | typeof ME, preview?: string): ClientEvent => ({
      type: 'typing',
      payload: { t: 'typing', conversationId: 'c1', author, ...(preview === undefined ? {} : { preview }) },
    });
    applyEvent(s, typing(ME), 0);
    expect(s.typing.active('c1', 1)).toBeUndefined();
    applyEvent(s, typing(VISITOR, 'Hel'), 1000);
    expect(s.typing.active('c1', 1000)?.preview).toBe('Hel');
    expect(s.typing.active('c1', 1000 + TYPING_TTL_MS)).toBeUndefined();
    applyEvent(s, typing(VISITOR, 'Hello'), 2000);
    applyEvent(s, event({ type: 'message', payload: buildMessage(1, VISITOR) }), 2100);
    expect(s.typing.active('c1', 2100)).toBeUndefined();
  });

  test('a refused send becomes a notice on its conversation; the server ending the session ends the console', () => {
    const { s, ends } = stores();
    applyEvent(
      s,
      {
        type: 'sendFailed',
        payload: {
          pending: { clientMsgId: 'x', conversationId: 'c1', body: 'hi', private: false, createdAt: '' },
          error: new ParleyError('conversation_closed', 'closed'),
        },
      },
      0,
    );
    expect(s.composer.draft('c1').notice).toBe('Not sent: this conversation is closed. Reopen it to reply.');
    applyEvent(s, event({ type: 'bye', payload: { t: 'bye', reason: 'shutdown', reconnect: true } }), 0);
    expect(ends).toEqual([]);
    applyEvent(s, event({ type: 'bye', payload: { t: 'bye', reason: 'deactivated', reconnect: false } }), 0);
    applyEvent(s, event({ type: 'authFailed', payload: { closeCode: 4401, reason: 'x' } }), 0);
    expect(ends.map((e) => e.to)).toEqual(['start', 'signin']);
  });

  test('the connection goes from reconnecting to catching up to connected', () => {
    const { s } = stores();
    const state = (payload: 'connecting' | 'open' | 'reconnecting'): void =>
      applyEvent(s, { type: 'state', payload }, 0);
    state('connecting');
    expect(s.connection.view().text).toBe('Connecting…');
    state('open');
    expect(s.connection.view()).toEqual({ text: 'Connected', tone: 'ok', degraded: false });
    state('reconnecting');
    s.connection.waiting(1);
    expect(s.connection.view().text).toBe('Reconnecting… your replies will be sent');
    state('open');
    expect(s.connection.view().text).toBe('Catching up…');
    s.connection.caughtUp();
    expect(s.connection.view().text).toBe('Connected');
    s.connection.network(false);
    expect(s.connection.view().text).toBe('Offline — your replies will be sent');
  });

  test('a visitor frame replaces the visitor shown and adds the new page to the visit', () => {
    const { s } = stores();
    const visitor = {
      id: 'visitor-1',
      siteId: 'site-1',
      name: null,
      email: null,
      externalId: null,
      verified: false,
      attributes: {},
      firstSeenAt: '2026-01-01T12:00:00.000Z',
      lastSeenAt: '2026-01-01T12:00:00.000Z',
      lastPageUrl: 'https://shop.example/',
      lastPageTitle: 'Shop',
      userAgent: null,
    };
    // Not on screen: nothing is kept (it is loaded fresh when its conversation is opened).
    applyEvent(s, { type: 'visitor', payload: visitor }, 0);
    expect(s.visitors.entry('visitor-1')).toBeUndefined();
    s.visitors.loaded({
      visitor,
      pageViews: [{ url: 'https://shop.example/', title: 'Shop', referrer: null, at: 'a' }],
      events: [],
    });
    applyEvent(
      s,
      {
        type: 'visitor',
        payload: { ...visitor, name: 'Ada', lastPageUrl: 'https://shop.example/cart', lastPageTitle: 'Cart' },
      },
      60_000,
    );
    const details = s.visitors.entry('visitor-1')?.details;
    expect(details?.visitor.name).toBe('Ada');
    expect(details?.pageViews.map((p) => p.url)).toEqual([
      'https://shop.example/cart',
      'https://shop.example/',
    ]);
  });

  test('a visitor frame moves a listed live visitor to its new page, first in the list', async () => {
    const visitor = (id: string, page: string) => ({
      id,
      siteId: 'site-1',
      name: null,
      email: null,
      externalId: null,
      verified: false,
      attributes: {},
      firstSeenAt: '2026-01-01T12:00:00.000Z',
      lastSeenAt: '2026-01-01T12:00:00.000Z',
      lastPageUrl: page,
      lastPageTitle: null,
      userAgent: null,
    });
    const entry = (id: string, page: string) => ({
      visitor: visitor(id, page),
      connected: true,
      page: { url: page, title: null, since: '2026-01-01T12:00:00.000Z' },
      visitStartedAt: '2026-01-01T12:00:00.000Z',
      visits: 1,
      pagesThisVisit: 1,
      conversationId: null,
    });
    const { s } = stores();
    Object.assign(s, {
      live: new LiveVisitorsStore(() =>
        Promise.resolve({
          visitors: [entry('a', 'https://shop.example/'), entry('b', 'https://shop.example/')],
          truncated: false,
          windowSeconds: 300,
        }),
      ),
    });
    await s.live.refresh();
    applyEvent(
      s,
      { type: 'visitor', payload: visitor('b', 'https://shop.example/cart') },
      Date.UTC(2026, 0, 1, 12, 5),
    );
    expect(s.live.visitors.map((v) => [v.visitor.id, v.page?.url, v.page?.since, v.pagesThisVisit])).toEqual([
      ['b', 'https://shop.example/cart', '2026-01-01T12:05:00.000Z', 2],
      ['a', 'https://shop.example/', '2026-01-01T12:00:00.000Z', 1],
    ]);
    applyEvent(s, { type: 'visitor', payload: visitor('unknown', 'https://shop.example/') }, 0);
    expect(s.live.visitors).toHaveLength(2);
  });
});

describe('deleted conversations', () => {
  test('leave the inbox at once', () => {
    const { s } = stores();
    s.inbox.upsert(buildConversation({ id: 'c1' }));
    s.inbox.upsert(buildConversation({ id: 'c2' }));
    applyEvent(s, { type: 'removed', payload: { conversationIds: ['c1'], reason: 'retention' } }, 0);
    expect(s.inbox.get('c1')).toBeUndefined();
    expect(s.inbox.get('c2')).toBeDefined();
  });
});
