import { useState } from 'preact/hooks';
import type { Conversation } from '@parley/client/core';
import type { Shell } from '../shared/shell';
import type { Chat } from './chat';
import type { Row } from './chatStore';
import type { Texts } from './i18n/en';
import { linkify } from './text';

const time = (at: string, lang: string): string =>
  new Date(at).toLocaleTimeString(lang, { hour: '2-digit', minute: '2-digit' });

function MessageRow({ row, t, shell }: { row: Row; t: Texts; shell: Shell }) {
  const who = row.mine ? t.you : (row.author ?? shell.config.appearance.teamName);
  return (
    <li class={`msg ${row.mine ? 'mine' : 'theirs'}`} data-delivery={row.delivery ?? undefined}>
      <span class="sr-only">{who}: </span>
      {row.body !== '' && <p class="bubble">{linkify(row.body)}</p>}
      {row.attachments.map((a) => {
        const href = new URL(a.url, `${shell.base}/`).href;
        return a.contentType.startsWith('image/') ? (
          <a class="file" href={href} target="_blank" rel="noopener noreferrer">
            <img src={href} alt={a.name} loading="lazy" />
          </a>
        ) : (
          <a class="file bubble" href={href} target="_blank" rel="noopener noreferrer">
            {a.name}
          </a>
        );
      })}
      <p class="meta">
        {!row.mine && row.author !== null && <span>{row.author} · </span>}
        <time dateTime={row.at}>{time(row.at, shell.lang)}</time>
        {row.delivery !== null && <span class="delivery"> · {t[row.delivery]}</span>}
      </p>
    </li>
  );
}

/** Good/bad and a comment once the team closed the conversation; may be changed. */
function Rating({ conversation, t, shell }: { conversation: Conversation; t: Texts; shell: Shell }) {
  const [rating, setRating] = useState(conversation.rating);
  const [comment, setComment] = useState('');
  const [state, setState] = useState<'idle' | 'busy' | 'done' | 'failed'>('idle');
  const submit = (value: 'good' | 'bad', text: string): void => {
    setRating(value);
    setState('busy');
    shell
      .post(`/api/v1/visitor/conversations/${encodeURIComponent(conversation.id)}/rating`, {
        rating: value,
        ...(text.trim() === '' ? {} : { comment: text }),
      })
      .then(
        () => setState('done'),
        () => setState('failed'),
      );
  };
  return (
    <form
      class="card"
      aria-label={t.rate}
      onSubmit={(e) => {
        e.preventDefault();
        if (rating !== null) submit(rating, comment);
      }}
    >
      <p>{t.rate}</p>
      <div class="row">
        {(['good', 'bad'] as const).map((value) => (
          <button
            type="button"
            class="choice"
            aria-pressed={rating === value}
            onClick={() => submit(value, comment)}
          >
            {value === 'good' ? '👍' : '👎'} {t[value]}
          </button>
        ))}
      </div>
      {rating !== null && (
        <>
          <label class="field">
            {t.comment}
            <textarea
              rows={2}
              maxLength={2000}
              value={comment}
              onInput={(e) => setComment(e.currentTarget.value)}
            />
          </label>
          <button class="primary" disabled={state === 'busy'}>
            {t.send}
          </button>
        </>
      )}
      <p role="status">{state === 'done' ? t.thanksRating : state === 'failed' ? t.failed : ''}</p>
    </form>
  );
}

function Transcript({ conversation, t, shell }: { conversation: Conversation; t: Texts; shell: Shell }) {
  const [open, setOpen] = useState(false);
  const [email, setEmail] = useState('');
  const [state, setState] = useState<'idle' | 'busy' | 'done' | 'failed'>('idle');
  if (!open) {
    return (
      <button type="button" class="link" onClick={() => setOpen(true)}>
        {t.transcript}
      </button>
    );
  }
  return (
    <form
      class="card"
      aria-label={t.transcript}
      onSubmit={(e) => {
        e.preventDefault();
        setState('busy');
        shell
          .post(`/api/v1/visitor/conversations/${encodeURIComponent(conversation.id)}/transcript`, { email })
          .then(
            () => setState('done'),
            () => setState('failed'),
          );
      }}
    >
      <label class="field">
        {t.email}
        <input
          type="email"
          required
          autoComplete="email"
          value={email}
          onInput={(e) => setEmail(e.currentTarget.value)}
        />
      </label>
      <button class="primary" disabled={state === 'busy'}>
        {t.transcript}
      </button>
      <p role="status">
        {state === 'done' ? `${t.transcriptSent} ${email}` : state === 'failed' ? t.failed : ''}
      </p>
    </form>
  );
}

export function Thread({
  chat,
  shell,
  t,
  invitation,
}: {
  chat: Chat;
  shell: Shell;
  t: Texts;
  invitation: string | null;
}) {
  const store = chat.store;
  const rows = store.rows();
  const current = store.current();
  const typing = store.typingNow(Date.now());
  const greeting =
    shell.mode() === 'offline'
      ? shell.config.appearance.awayMessage || t.away
      : shell.config.appearance.greeting || t.greeting;
  return (
    <div class="scroll">
      <ol class="log" aria-label={t.messages} tabIndex={0}>
        <li class="msg theirs intro">
          <p class="bubble">{invitation ?? greeting}</p>
        </li>
        {rows.map((row) => (
          <MessageRow key={row.key} row={row} t={t} shell={shell} />
        ))}
      </ol>
      <p class="typing" aria-hidden={typing === null}>
        {typing === null ? '' : typing.name === null ? t.someoneTyping : `${typing.name} ${t.typing}`}
      </p>
      {current !== undefined && current.status === 'closed' && (
        <Rating key={current.id} conversation={current} t={t} shell={shell} />
      )}
      {current !== undefined && shell.config.transcripts && (
        <Transcript key={current.id} conversation={current} t={t} shell={shell} />
      )}
    </div>
  );
}
