import { routeHash } from '../../lib/router';
import { duration, shortTime } from '../../lib/time';
import type { ConsoleRuntime } from '../../state/ConsoleRuntime';
import {
  INBOX_STATUSES,
  INBOX_VIEWS,
  type InboxRow,
  type InboxStatus,
  type InboxView,
} from '../../state/InboxStore';
import type { Tag } from '@parley/protocol';
import { useRef, useState } from 'preact/hooks';
import { useNow, useStores } from '../hooks';
import { TagChip } from '../TagChip';
import { SearchResults } from './SearchResults';

const VIEW_TEXT: Record<InboxView, string> = {
  unassigned: 'Unassigned',
  mine: 'Mine',
  departments: 'My departments',
  all: 'All',
};
const STATUS_TEXT: Record<InboxStatus, string> = {
  open: 'Open',
  pending: 'Pending',
  snoozed: 'Snoozed',
  closed: 'Closed',
};

export function InboxPane({ runtime }: { runtime: ConsoleRuntime }) {
  const { inbox, directory, typing } = runtime;
  useStores(runtime, inbox, directory, typing, runtime.search);
  const now = useNow(15_000);
  const { filter, closed } = inbox;
  const counts = inbox.counts();
  const rows = inbox.rows(runtime.selectedId);
  const sites = directory.sites;
  return (
    <nav class="inbox" aria-label="Conversations">
      <div class="inbox-filters">
        <div class="segmented" role="group" aria-label="View">
          {INBOX_VIEWS.map((view) => (
            <button
              key={view}
              type="button"
              aria-pressed={filter.view === view}
              onClick={() => runtime.setInboxFilter({ view })}
            >
              {VIEW_TEXT[view]}
              <span class="count" aria-label={`${counts[view]} conversations`}>
                {counts[view]}
              </span>
            </button>
          ))}
        </div>
        <div class="tabs" role="group" aria-label="Status">
          {INBOX_STATUSES.map((status) => (
            <button
              key={status}
              type="button"
              aria-pressed={filter.status === status}
              onClick={() => runtime.setInboxFilter({ status })}
            >
              {STATUS_TEXT[status]}
            </button>
          ))}
        </div>
        {sites.length > 1 && (
          <label class="site-filter">
            <span>Site</span>
            <select
              value={filter.siteId ?? ''}
              onChange={(e) => runtime.setInboxFilter({ siteId: e.currentTarget.value || null })}
            >
              <option value="">All sites</option>
              {sites.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </label>
        )}
        {directory.tags.length > 0 && (
          <label class="site-filter">
            <span>Tag</span>
            <select value={inbox.tagId ?? ''} onChange={(e) => inbox.setTag(e.currentTarget.value || null)}>
              <option value="">Any tag</option>
              {directory.tags.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            </select>
          </label>
        )}
        <SearchField runtime={runtime} />
      </div>
      {runtime.notice !== null && (
        <p class="form-error" role="alert">
          {runtime.notice}
        </p>
      )}
      {runtime.search.active ? (
        <SearchResults runtime={runtime} />
      ) : rows.length === 0 ? (
        <p class="inbox-empty" id="inbox-empty">
          {emptyText(filter.view, filter.status, inbox.hasDepartments, closed.loading)}
        </p>
      ) : (
        <ul class="inbox-list" id="inbox-list">
          {rows.map((row) => (
            <Item
              key={row.id}
              row={row}
              selected={row.id === runtime.selectedId}
              typing={typing.active(row.id, now) !== undefined}
              site={sites.length > 1 ? directory.siteName(row.siteId) : null}
              assignee={
                row.assigneeId === null || row.assignedToMe ? null : directory.agentName(row.assigneeId)
              }
              tags={row.tagIds.flatMap((tagId) => directory.tag(tagId) ?? [])}
              now={now}
            />
          ))}
        </ul>
      )}
      {filter.status === 'closed' && !runtime.search.active && (
        <div class="inbox-more">
          {closed.error !== null && (
            <p class="form-error" role="alert">
              {closed.error}
            </p>
          )}
          {(closed.nextCursor !== null || closed.error !== null) && (
            <button
              type="button"
              disabled={closed.loading}
              onClick={() => void runtime.loadClosed(closed.error === null)}
            >
              {closed.loading ? 'Loading…' : 'Load older conversations'}
            </button>
          )}
        </div>
      )}
    </nav>
  );
}

function Item(props: {
  row: InboxRow;
  selected: boolean;
  typing: boolean;
  site: string | null;
  assignee: string | null;
  tags: readonly Tag[];
  now: number;
}) {
  const { row, selected, typing, site, assignee, tags, now } = props;
  const waiting = row.waitingSince === null ? null : duration(now - Date.parse(row.waitingSince));
  return (
    <li class="inbox-item" data-conversation-id={row.id} aria-current={selected ? 'true' : undefined}>
      <a href={routeHash({ name: 'inbox', conversationId: row.id })} class="inbox-link">
        <span class="inbox-line">
          <span class="inbox-title">{row.title}</span>
          {waiting !== null && row.status !== 'closed' ? (
            <span
              class="inbox-waiting"
              title={`Waiting since ${new Date(row.waitingSince ?? '').toLocaleString()}`}
            >
              {waiting}
            </span>
          ) : (
            <time class="inbox-time" dateTime={row.lastActivity}>
              {shortTime(row.lastActivity, new Date(now))}
            </time>
          )}
        </span>
        <span class="inbox-line">
          <span class="inbox-preview" data-typing={typing ? 'true' : undefined}>
            {typing ? 'typing…' : (row.preview ?? 'No messages yet')}
          </span>
          {row.unread > 0 && (
            <span class="inbox-unread" aria-label={`${row.unread} unread`}>
              {row.unread}
            </span>
          )}
        </span>
        {(site !== null ||
          assignee !== null ||
          row.assignedToMe ||
          row.rating !== null ||
          tags.length > 0 ||
          row.snoozedUntil !== null) && (
          <span class="inbox-meta">
            {row.snoozedUntil !== null && row.status !== 'closed' && (
              <span class="tag">⏰ {shortTime(row.snoozedUntil, new Date(now))}</span>
            )}
            {tags.map((t) => (
              <TagChip key={t.id} tag={t} />
            ))}
            {site !== null && <span class="tag">{site}</span>}
            {row.assignedToMe && <span class="tag tag-me">Mine</span>}
            {assignee !== null && <span class="tag">{assignee}</span>}
            {row.rating !== null && (
              <span class="tag" data-rating={row.rating}>
                {row.rating === 'good' ? '👍 Good' : '👎 Bad'}
              </span>
            )}
          </span>
        )}
      </a>
    </li>
  );
}

function emptyText(view: InboxView, status: InboxStatus, hasDepartments: boolean, loading: boolean): string {
  if (loading) return 'Loading…';
  if (view === 'departments' && !hasDepartments) return 'You are not a member of any department.';
  if (status === 'closed') return 'No closed conversations here.';
  if (status === 'snoozed') return 'No snoozed conversations.';
  if (view === 'mine') return `No ${status} conversations are assigned to you.`;
  return `No ${status} conversations. New chats appear here as they start.`;
}

/** Searching starts a moment after the agent stops typing; Escape clears it. */
function SearchField({ runtime }: { runtime: ConsoleRuntime }) {
  const { search } = runtime;
  const [text, setText] = useState(search.query);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const change = (value: string): void => {
    setText(value);
    if (timer.current !== null) clearTimeout(timer.current);
    timer.current = setTimeout(() => void search.run(value), value.trim() === '' ? 0 : 300);
  };
  return (
    <div class="search-field" role="search">
      <input
        type="search"
        aria-label="Search conversations"
        placeholder="Search messages, names, e-mail…"
        value={text}
        maxLength={200}
        onInput={(e) => change(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape' && text !== '') {
            e.preventDefault();
            e.stopPropagation();
            change('');
          }
        }}
      />
    </div>
  );
}
