import { byId, el, reconcile, setText, stickToBottom, type ListRenderer } from '../shared/dom';
import { fullTime, shortTime } from '../shared/format';
import type { ChatRow, ChatView, Delivery } from './chatStore';

export interface ChatElements {
  status: HTMLElement;
  list: HTMLElement;
  empty: HTMLElement;
  typing: HTMLElement;
  notice: HTMLElement;
  form: HTMLFormElement;
  input: HTMLTextAreaElement;
  hint: HTMLElement;
}

export function chatElements(): ChatElements {
  return {
    status: byId('chat-status', HTMLElement),
    list: byId('chat-messages', HTMLOListElement),
    empty: byId('chat-empty', HTMLElement),
    typing: byId('chat-typing', HTMLElement),
    notice: byId('chat-notice', HTMLElement),
    form: byId('chat-form', HTMLFormElement),
    input: byId('chat-input', HTMLTextAreaElement),
    hint: byId('chat-hint', HTMLElement),
  };
}

const DELIVERY_TEXT: Record<Delivery, string> = { sending: 'Sending…', sent: 'Sent', read: 'Read' };

const rowRenderer: ListRenderer<ChatRow> = {
  key: (row) => row.key,
  signature: (row) => `${row.kind}\n${row.author}\n${row.body}`,
  build(row) {
    if (row.kind === 'system') {
      return el('li', { className: 'msg msg-system' }, [
        el('span', { className: 'msg-body', text: row.body }),
        el('time', { className: 'msg-time' }),
      ]);
    }
    const footer = el('div', { className: 'msg-meta' }, [el('time', { className: 'msg-time' })]);
    if (row.delivery !== null) footer.append(el('span', { className: 'msg-delivery' }));
    return el('li', { className: `msg msg-${row.kind}` }, [
      el('span', { className: 'msg-author', text: row.author }),
      el('p', { className: 'msg-body', text: row.body }),
      footer,
    ]);
  },
  update(node, row) {
    const time = node.querySelector('time');
    if (time !== null) {
      time.dateTime = row.at;
      time.title = fullTime(row.at);
      setText(time, shortTime(row.at));
    }
    const delivery = node.querySelector<HTMLElement>('.msg-delivery');
    if (delivery !== null && row.delivery !== null) {
      setText(delivery, DELIVERY_TEXT[row.delivery]);
      delivery.dataset.state = row.delivery;
    }
    node.classList.toggle('msg-pending', row.delivery === 'sending');
  },
};

export function renderChat(els: ChatElements, view: ChatView): void {
  if (view.unavailable !== null) {
    setText(els.status, view.unavailable);
    els.status.dataset.tone = 'error';
    els.form.hidden = true;
    els.hint.hidden = true;
    els.empty.hidden = true;
    return;
  }
  setText(els.status, view.connection.text);
  els.status.dataset.tone = view.connection.tone;
  els.empty.hidden = view.rows.length > 0;
  stickToBottom(els.list, () => reconcile(els.list, view.rows, rowRenderer));
  setText(els.typing, view.typing ?? '');
  setText(els.notice, view.notice ?? '');
  els.notice.hidden = view.notice === null;
}
