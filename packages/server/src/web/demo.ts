/**
 * The demo host page: a visitor's chat box on a pretend shop page, proving the whole round trip
 * (visitor session, realtime client, outbox, read marks, typing) with the shared client library.
 */
import './shared/strictCsp';
import { ParleyError, onEveryEvent } from '@parley/client';
import { MAX_PREVIEW_CHARS } from '@parley/protocol';
import { createAlarm } from './shared/alarm';
import { renderScheduler } from './shared/dom';
import { clientSource, outboxSource, visitorClient } from './demo/chatSource';
import { VisitorChatStore } from './demo/chatStore';
import { chatElements, renderChat } from './demo/chatView';
import { applyEvent } from './demo/dispatch';
import { ChatUnavailable, forgetToken, resolveToken } from './demo/visitorSession';

const els = chatElements();
const store = new VisitorChatStore();
const expireTyping = createAlarm(() => render());
const render = renderScheduler(() => {
  renderChat(els, store.view(Date.now()));
  expireTyping(store.typing.nextExpiry());
  markShownAsRead();
});

/** What the page shows while it is in front of the visitor has been read. */
function markShownAsRead(): void {
  if (document.visibilityState !== 'visible') return;
  for (const [conversationId, seq] of store.shownSeqs()) store.source.markRead(conversationId, seq);
}

async function start(siteKey: string, mayStartOver: boolean): Promise<void> {
  store.attach(outboxSource(siteKey));
  render();
  let token: string;
  try {
    token = await resolveToken(siteKey, render);
  } catch (error) {
    store.unavailable(error instanceof ChatUnavailable ? error.message : 'The chat could not start.');
    render();
    return;
  }
  const client = visitorClient(siteKey, token);
  store.attach(clientSource(client));
  const unsubscribe = onEveryEvent(client, (event) => {
    applyEvent(store, event, Date.now());
    render();
  });
  client.on('authFailed', ({ closeCode }) => {
    unsubscribe();
    // A stored token the server no longer knows (it was used while the server was unreachable):
    // start over as a new visitor, once. The outbox is kept and goes out with the new identity.
    if (closeCode === 4401 && mayStartOver) {
      forgetToken(siteKey);
      void start(siteKey, false);
    } else {
      store.unavailable(
        closeCode === 4403 ? 'This chat is not available on this address.' : 'The chat could not start.',
      );
      render();
    }
  });
  client.connect();
}

function send(): void {
  const body = els.input.value;
  if (body.trim() === '') return;
  try {
    store.source.send(body);
    els.input.value = '';
  } catch (error) {
    store.sendFailed(error instanceof ParleyError ? error.message : String(error));
  }
  render();
}

els.form.addEventListener('submit', (event) => {
  event.preventDefault();
  send();
});
els.input.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    send();
  }
});
els.input.addEventListener('input', () => {
  const conversationId = store.currentConversationId();
  const draft = els.input.value;
  if (conversationId !== undefined && draft.trim() !== '') {
    store.source.typing(conversationId, draft.slice(0, MAX_PREVIEW_CHARS));
  }
});
const network = (): void => {
  store.network(navigator.onLine);
  render();
};
addEventListener('online', network);
addEventListener('offline', network);
network();
document.addEventListener('visibilitychange', () => render());

const siteKey = new URLSearchParams(location.search).get('site');
if (siteKey === null || siteKey === '') {
  store.unavailable(
    'No site key: open this page as /demo?site=<site key> (the address is printed at start).',
  );
  render();
} else {
  void start(siteKey, true);
}
