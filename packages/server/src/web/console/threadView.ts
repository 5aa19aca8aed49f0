import { byId, el, reconcile, setText, stickToBottom, type ListRenderer } from '../shared/dom';
import { fullTime, shortTime } from '../shared/format';
import type { ThreadRow, ThreadView } from './consoleStore';

export interface ThreadElements {
  placeholder: HTMLElement;
  body: HTMLElement;
  title: HTMLElement;
  status: HTMLElement;
  assign: HTMLButtonElement;
  close: HTMLButtonElement;
  reopen: HTMLButtonElement;
  notice: HTMLElement;
  messages: HTMLElement;
  typing: HTMLElement;
  typingWho: HTMLElement;
  typingPreview: HTMLElement;
  form: HTMLFormElement;
  input: HTMLTextAreaElement;
  private: HTMLInputElement;
  send: HTMLButtonElement;
}

export function threadElements(): ThreadElements {
  return {
    placeholder: byId('thread-placeholder', HTMLElement),
    body: byId('thread-body', HTMLElement),
    title: byId('thread-title', HTMLElement),
    status: byId('thread-status', HTMLElement),
    assign: byId('thread-assign', HTMLButtonElement),
    close: byId('thread-close', HTMLButtonElement),
    reopen: byId('thread-reopen', HTMLButtonElement),
    notice: byId('thread-notice', HTMLElement),
    messages: byId('thread-messages', HTMLOListElement),
    typing: byId('thread-typing', HTMLElement),
    typingWho: byId('thread-typing-who', HTMLElement),
    typingPreview: byId('thread-typing-preview', HTMLElement),
    form: byId('reply-form', HTMLFormElement),
    input: byId('reply-input', HTMLTextAreaElement),
    private: byId('reply-private', HTMLInputElement),
    send: byId('reply-send', HTMLButtonElement),
  };
}

const DELIVERY_TEXT = { sending: 'Sending…', sent: 'Sent', seen: 'Seen' } as const;

const rowRenderer: ListRenderer<ThreadRow> = {
  key: (row) => row.key,
  signature: (row) => `${row.kind}\n${row.author}\n${row.body}`,
  build(row) {
    if (row.kind === 'system') {
      return el('li', { className: 'msg msg-system' }, [
        el('span', { className: 'msg-body', text: row.body }),
        el('time', { className: 'msg-time' }),
      ]);
    }
    return el('li', { className: `msg msg-${row.kind}` }, [
      el('span', { className: 'msg-author', text: row.author }),
      el('p', { className: 'msg-body', text: row.body }),
      el('div', { className: 'msg-meta' }, [
        el('time', { className: 'msg-time' }),
        el('span', { className: 'msg-delivery' }),
      ]),
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
    if (delivery !== null) {
      setText(delivery, row.delivery === null ? '' : DELIVERY_TEXT[row.delivery]);
      if (row.delivery === null) delete delivery.dataset.state;
      else delivery.dataset.state = row.delivery;
    }
    node.classList.toggle('msg-pending', row.delivery === 'sending');
  },
};

export function renderThread(els: ThreadElements, view: ThreadView | null): void {
  els.placeholder.hidden = view !== null;
  els.body.hidden = view === null;
  if (view === null) return;
  setText(els.title, view.title);
  setText(els.status, view.status);
  els.assign.hidden = !view.canAssignToMe;
  els.close.hidden = !view.canClose;
  els.reopen.hidden = !view.canReopen;
  for (const button of [els.assign, els.close, els.reopen]) button.disabled = view.busy;
  setText(els.notice, view.notice ?? '');
  els.notice.hidden = view.notice === null;
  stickToBottom(els.messages, () => reconcile(els.messages, view.rows, rowRenderer));
  // Another conversation was opened: start at its newest message.
  if (els.messages.dataset.conversationId !== view.id) {
    els.messages.dataset.conversationId = view.id;
    els.messages.scrollTop = els.messages.scrollHeight;
  }
  els.typing.hidden = view.typing === null;
  setText(
    els.typingWho,
    view.typing === null ? '' : `${view.typing.who} is typing${view.typing.preview === null ? '…' : ':'}`,
  );
  setText(els.typingPreview, view.typing?.preview ?? '');
  els.typingPreview.hidden = view.typing?.preview == null;
}

/** The composer looks different while it writes a private note, so that nobody sends one by mistake. */
export function renderComposerMode(els: ThreadElements): void {
  const note = els.private.checked;
  els.form.classList.toggle('reply-note', note);
  els.input.placeholder = note ? 'Private note — only agents see it' : 'Reply to the visitor…';
  setText(els.send, note ? 'Add note' : 'Send');
}
