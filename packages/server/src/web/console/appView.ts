import { byId, setText } from '../shared/dom';
import type { ConsoleView } from './consoleStore';
import { renderInbox } from './inboxView';
import { renderThread, threadElements, type ThreadElements } from './threadView';

export interface AppElements {
  me: HTMLElement;
  connection: HTMLElement;
  signOut: HTMLButtonElement;
  inboxList: HTMLElement;
  inboxEmpty: HTMLElement;
  thread: ThreadElements;
}

export function appElements(): AppElements {
  return {
    me: byId('me', HTMLElement),
    connection: byId('connection', HTMLElement),
    signOut: byId('signout', HTMLButtonElement),
    inboxList: byId('inbox-list', HTMLUListElement),
    inboxEmpty: byId('inbox-empty', HTMLElement),
    thread: threadElements(),
  };
}

export function renderApp(els: AppElements, view: ConsoleView): void {
  setText(els.me, view.me);
  setText(els.connection, view.connection.text);
  els.connection.dataset.tone = view.connection.tone;
  renderInbox(els.inboxList, els.inboxEmpty, view.inbox, view.selectedId);
  renderThread(els.thread, view.thread);
}
