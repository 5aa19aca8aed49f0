/**
 * The chat UI, loaded by the loader when the visitor opens the chat or a trigger fires (or at once
 * when a conversation is under way). Renders the panel with Preact into the widget's shadow root.
 */
import { render } from 'preact';
import { adoptCss } from '../shared/css';
import type { Shell, WidgetUi } from '../shared/shell';
import { key, local, read, write } from '../shared/storage';
import { App, type Actions, type View } from './App';
import { Chat } from './chat';
import texts from 'parley:texts';

export function mount(shell: Shell): WidgetUi {
  adoptCss(shell.root, __PANEL_CSS__);
  const t = texts;
  const chat = new Chat(shell);
  const view: View = {
    open: false,
    invitation: null,
    teaser: false,
    prechatDone: read(local, key('prechat', shell.siteKey)) !== null,
    offlineSent: false,
  };
  let unread = -1;
  let rowCount = 0;
  let typingTimer: ReturnType<typeof setTimeout> | undefined;

  const focusFirst = (): void => {
    requestAnimationFrame(() => {
      // The composer, else the form's first field, else the close button.
      const first = ['#parley-input', '.form input, .form select, .form textarea', '.x']
        .map((selector) => shell.root.querySelector<HTMLElement>(selector))
        .find((el) => el !== null);
      first?.focus();
    });
  };

  const actions: Actions = {
    open() {
      if (view.open) return;
      view.open = true;
      view.teaser = false;
      update();
      shell.panelChanged(true);
      focusFirst();
    },
    close() {
      if (!view.open) return;
      view.open = false;
      update();
      shell.panelChanged(false);
      shell.launcher.focus();
    },
    dismissTeaser() {
      view.teaser = false;
      update();
    },
    prechatDone() {
      view.prechatDone = true;
      write(local, key('prechat', shell.siteKey), '1');
      update();
      focusFirst();
    },
    offlineSent() {
      view.offlineSent = true;
      update();
    },
  };

  function update(): void {
    const store = chat.store;
    if (view.open && document.visibilityState === 'visible') chat.markRead();
    render(<App chat={chat} shell={shell} t={t} view={view} actions={actions} />, shell.mount);
    const rows = store.rows().length;
    if (rows !== rowCount) {
      rowCount = rows;
      const scroll = shell.root.querySelector('.scroll');
      if (scroll !== null) scroll.scrollTop = scroll.scrollHeight;
    }
    const count = store.unread();
    if (count !== unread) {
      unread = count;
      shell.setUnread(count);
    }
    clearTimeout(typingTimer);
    const typing = store.typing;
    if (typing !== null && typing.until > Date.now())
      typingTimer = setTimeout(update, typing.until - Date.now() + 50);
  }

  chat.store.subscribe(update);
  document.addEventListener('visibilitychange', update);
  chat.start();
  update();

  return {
    open: actions.open,
    close: actions.close,
    invite(message) {
      view.invitation = message;
      view.teaser = !view.open;
      update();
    },
    tokenChanged: () => chat.restart(),
    modeChanged: update,
  };
}
