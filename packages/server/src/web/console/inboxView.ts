import { el, reconcile, setText, type ListRenderer } from '../shared/dom';
import { fullTime, shortTime } from '../shared/format';
import type { InboxItem } from './consoleStore';

const STATUS_BADGE: Record<InboxItem['status'], string> = { open: '', pending: 'Pending', closed: 'Closed' };

/** Inbox entries keep their element (and keyboard focus) while their texts change. */
const inboxRenderer = (selectedId: string | null): ListRenderer<InboxItem> => ({
  key: (item) => item.id,
  signature: () => '',
  build: (item) =>
    el('li', {}, [
      el('button', { className: 'inbox-item', attrs: { type: 'button', 'data-conversation-id': item.id } }, [
        el('span', { className: 'inbox-line' }, [
          el('span', { className: 'inbox-title' }),
          el('time', { className: 'inbox-time' }),
        ]),
        el('span', { className: 'inbox-line' }, [
          el('span', { className: 'inbox-preview' }),
          el('span', { className: 'inbox-badge' }),
          el('span', { className: 'inbox-unread' }),
        ]),
      ]),
    ]),
  update(node, item) {
    const button = node.firstElementChild as HTMLButtonElement;
    const part = (name: string): HTMLElement => button.querySelector(`.${name}`) as HTMLElement;
    const selected = item.id === selectedId;
    button.classList.toggle('selected', selected);
    if (selected) button.setAttribute('aria-current', 'true');
    else button.removeAttribute('aria-current');
    setText(part('inbox-title'), item.title);
    const time = part('inbox-time') as HTMLTimeElement;
    time.dateTime = item.lastActivity;
    time.title = fullTime(item.lastActivity);
    setText(time, shortTime(item.lastActivity));
    const preview = part('inbox-preview');
    preview.classList.toggle('typing', item.typing);
    setText(preview, item.typing ? 'typing…' : (item.preview ?? 'No messages yet'));
    setText(part('inbox-badge'), STATUS_BADGE[item.status]);
    const unread = part('inbox-unread');
    unread.hidden = item.unread === 0;
    setText(unread, String(item.unread));
    unread.setAttribute('aria-label', `${item.unread} unread`);
    button.classList.toggle('unread', item.unread > 0);
  },
});

export function renderInbox(
  list: HTMLElement,
  empty: HTMLElement,
  items: readonly InboxItem[],
  selectedId: string | null,
): void {
  empty.hidden = items.length > 0;
  reconcile(list, items, inboxRenderer(selectedId));
}
