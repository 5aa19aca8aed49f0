import type { Attachment } from '@parley/protocol';
import type { JSX } from 'preact';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { dayLabel, fullTime, shortTime } from '../../lib/time';
import type { ThreadRow } from '../../state/thread';
import { MessageText } from './MessageText';

const DELIVERY_TEXT = { sending: 'Sending…', sent: 'Sent', seen: 'Seen' } as const;
/** Within this many pixels of the end counts as "at the bottom". */
const BOTTOM_SLACK = 48;

/**
 * The log. New messages keep the view pinned to the end only when the agent is already there; an
 * agent reading older messages stays where they are and gets a "new messages" button instead.
 */
export function MessageList({
  rows,
  complete,
  typing,
}: {
  rows: readonly ThreadRow[];
  complete: boolean;
  typing: { who: string; preview: string | null } | null;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const [unseen, setUnseen] = useState(0);
  const seenCount = useRef(rows.length);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (el === null) return;
    if (atBottom.current) {
      el.scrollTop = el.scrollHeight;
      seenCount.current = rows.length;
      if (unseen !== 0) setUnseen(0);
    } else if (rows.length > seenCount.current) {
      setUnseen(rows.length - seenCount.current);
    }
  }, [rows, typing?.preview, typing === null, unseen]);

  const onScroll = (): void => {
    const el = scroller.current;
    if (el === null) return;
    atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < BOTTOM_SLACK;
    if (atBottom.current && unseen !== 0) {
      seenCount.current = rows.length;
      setUnseen(0);
    }
  };
  const toBottom = (): void => {
    const el = scroller.current;
    if (el === null) return;
    atBottom.current = true;
    el.scrollTop = el.scrollHeight;
    seenCount.current = rows.length;
    setUnseen(0);
  };

  // One flat keyed list (day separators between rows), so that a new row never re-creates the others.
  const items: JSX.Element[] = [];
  let lastDay = '';
  for (const row of rows) {
    const day = dayLabel(row.at);
    if (day !== lastDay) {
      items.push(
        <li class="day" key={`d:${row.key}`} role="separator">
          {day}
        </li>,
      );
      lastDay = day;
    }
    items.push(<Row key={row.key} row={row} />);
  }
  return (
    <div class="messages-wrap">
      <div class="messages" ref={scroller} onScroll={onScroll} tabIndex={0} aria-label="Messages">
        {!complete && rows.length === 0 && <p class="messages-loading">Loading the conversation…</p>}
        <ol class="message-list" id="thread-messages">
          {items}
        </ol>
        {typing !== null && (
          <div class="typing" id="thread-typing" aria-live="polite">
            <p class="typing-who">{typing.who} is typing…</p>
            {typing.preview !== null && typing.preview !== '' && (
              <p
                class="typing-preview"
                id="thread-typing-preview"
                title="What the visitor is typing (sneak peek)"
              >
                {typing.preview}
              </p>
            )}
          </div>
        )}
      </div>
      {unseen > 0 && (
        <button type="button" class="new-messages" onClick={toBottom}>
          {unseen === 1 ? '1 new message' : `${unseen} new messages`} ↓
        </button>
      )}
    </div>
  );
}

function Row({ row }: { row: ThreadRow }) {
  if (row.kind === 'system') {
    return (
      <li class="msg msg-system" data-kind="system">
        <span class="msg-body">{row.body}</span> · <time dateTime={row.at}>{shortTime(row.at)}</time>
      </li>
    );
  }
  return (
    <li class={`msg msg-${row.kind}`} data-kind={row.kind} data-delivery={row.delivery ?? undefined}>
      <p class="msg-head">
        <span class="msg-author">{row.author}</span>
        <time class="msg-time" dateTime={row.at} title={fullTime(row.at)}>
          {shortTime(row.at)}
        </time>
      </p>
      {row.body !== '' && (
        <p class="msg-body">
          <MessageText text={row.body} />
        </p>
      )}
      {row.attachments.length > 0 && (
        <ul class="msg-files">
          {row.attachments.map((a) => (
            <File key={a.id} file={a} />
          ))}
        </ul>
      )}
      {row.delivery !== null && <p class="msg-delivery">{DELIVERY_TEXT[row.delivery]}</p>}
    </li>
  );
}

function File({ file }: { file: Attachment }) {
  const image = /^image\/(png|jpeg|gif|webp)$/.test(file.contentType);
  return (
    <li class="msg-file">
      <a href={file.url} target="_blank" rel="noopener noreferrer">
        {image ? <img src={file.url} alt={file.name} loading="lazy" /> : <span class="file-icon">📎</span>}
        <span class="file-name">{file.name}</span> <span class="file-size">{bytes(file.size)}</span>
      </a>
    </li>
  );
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  return `${(n / 1048576).toFixed(1)} MB`;
}
