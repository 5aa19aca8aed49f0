import type { SearchHit } from '@parley/protocol';
import { highlightParts } from '../../lib/highlight';
import { routeHash } from '../../lib/router';
import { shortTime } from '../../lib/time';
import type { ConsoleRuntime } from '../../state/ConsoleRuntime';
import { visitorTitle } from '../../state/InboxStore';
import { useStores } from '../hooks';

const FIELD_TEXT: Record<SearchHit['field'], string> = {
  body: '',
  name: 'Visitor name',
  email: 'Visitor e-mail',
};

/** Search results in place of the list: the excerpt with the matched words marked (as text). */
export function SearchResults({ runtime }: { runtime: ConsoleRuntime }) {
  const { search } = runtime;
  useStores(search, runtime);
  if (search.error !== null) {
    return (
      <p class="form-error inbox-empty" role="alert">
        {search.error}
      </p>
    );
  }
  if (search.answered === null) return <p class="inbox-empty">Searching…</p>;
  return (
    <>
      <p class="search-count" role="status">
        {search.results.length === 0
          ? `Nothing found for “${search.answered}”.`
          : `${search.results.length}${search.nextCursor === null ? '' : '+'} found for “${search.answered}”`}
      </p>
      <ul class="inbox-list" id="search-results">
        {search.results.map((hit) => (
          <Hit
            key={`${hit.conversation.id}:${hit.message?.id ?? hit.field}`}
            hit={hit}
            selected={hit.conversation.id === runtime.selectedId}
          />
        ))}
      </ul>
      {search.nextCursor !== null && (
        <div class="inbox-more">
          <button type="button" disabled={search.loading} onClick={() => void search.more()}>
            {search.loading ? 'Loading…' : 'More results'}
          </button>
        </div>
      )}
    </>
  );
}

function Hit({ hit, selected }: { hit: SearchHit; selected: boolean }) {
  const { conversation, message } = hit;
  const who =
    message === null
      ? FIELD_TEXT[hit.field]
      : `${message.private ? 'Note by ' : ''}${message.author.name ?? (message.author.kind === 'visitor' ? 'Visitor' : 'Agent')}`;
  const at = message?.at ?? conversation.lastMessageAt ?? conversation.createdAt;
  return (
    <li
      class="inbox-item search-hit"
      data-conversation-id={conversation.id}
      aria-current={selected ? 'true' : undefined}
    >
      <a href={routeHash({ name: 'inbox', conversationId: conversation.id })} class="inbox-link">
        <span class="inbox-line">
          <span class="inbox-title">{visitorTitle(conversation)}</span>
          <time class="inbox-time" dateTime={at}>
            {shortTime(at)}
          </time>
        </span>
        <span class="search-who">
          {who}
          {conversation.status === 'closed' ? ' · closed' : ''}
        </span>
        <span class="search-snippet">
          {highlightParts(hit.snippet.text, hit.snippet.highlights).map((part, i) =>
            part.mark ? <mark key={i}>{part.text}</mark> : part.text,
          )}
        </span>
      </a>
    </li>
  );
}
