import { randomUuid } from '@parley/client';
import type { LiveVisitor } from '@parley/protocol';
import { useEffect, useState } from 'preact/hooks';
import { errorText } from '../../api/ApiError';
import { safeHref } from '../../lib/richText';
import { routeHash } from '../../lib/router';
import { duration, shortTime } from '../../lib/time';
import type { ConsoleRuntime } from '../../state/ConsoleRuntime';
import { useNow, useStores } from '../hooks';

/** The list is read again this often while the screen is shown (page changes come live between). */
const REFRESH_MS = 10_000;

/** Who is on the sites right now, on which page and for how long; an agent can write to them first. */
export function LiveVisitorsPage({ runtime }: { runtime: ConsoleRuntime }) {
  const { live, directory } = runtime;
  useStores(live, directory);
  const now = useNow(5000);
  const [siteId, setSiteId] = useState('');
  useEffect(() => {
    void live.refresh();
    const timer = setInterval(() => void live.refresh(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [live]);
  const shown = live.visitors.filter((v) => siteId === '' || v.visitor.siteId === siteId);
  return (
    <main class="page wide" aria-labelledby="live-title">
      <div class="page-head">
        <h1 id="live-title">Visitors on your sites now</h1>
        {directory.sites.length > 1 && (
          <label class="site-filter">
            <span>Site</span>
            <select value={siteId} onChange={(e) => setSiteId(e.currentTarget.value)}>
              <option value="">All sites</option>
              {directory.sites.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      {live.error !== null && (
        <p class="form-error" role="alert">
          {live.error}
        </p>
      )}
      {!live.loaded ? (
        <p class="page-loading">Loading…</p>
      ) : shown.length === 0 ? (
        <p class="muted">Nobody is on your sites right now.</p>
      ) : (
        <table class="table" id="live-visitors">
          <thead>
            <tr>
              <th>Visitor</th>
              <th>Page</th>
              <th>On it for</th>
              <th>This visit</th>
              <th>
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {shown.map((v) => (
              <Row
                key={v.visitor.id}
                entry={v}
                runtime={runtime}
                now={now}
                site={directory.sites.length > 1 ? directory.siteName(v.visitor.siteId) : null}
              />
            ))}
          </tbody>
        </table>
      )}
      {live.truncated && <p class="muted">More visitors are on the sites than listed here.</p>}
    </main>
  );
}

function Row({
  entry,
  runtime,
  now,
  site,
}: {
  entry: LiveVisitor;
  runtime: ConsoleRuntime;
  now: number;
  site: string | null;
}) {
  const { visitor, page } = entry;
  const [writing, setWriting] = useState(false);
  const name = visitor.name ?? `Visitor ${visitor.id.slice(0, 8)}`;
  const href = page === null ? null : safeHref(page.url);
  return (
    <tr data-visitor-id={visitor.id}>
      <td>
        <span
          class="presence"
          data-connected={entry.connected ? 'true' : undefined}
          title={entry.connected ? 'Widget open now' : 'Seen in the last minutes'}
        />
        <strong>{name}</strong>
        {visitor.verified && (
          <span class="badge" data-tone="ok">
            {' '}
            Verified
          </span>
        )}
        {visitor.email !== null && (
          <>
            <br />
            <span class="muted">{visitor.email}</span>
          </>
        )}
        {site !== null && (
          <>
            <br />
            <span class="tag">{site}</span>
          </>
        )}
      </td>
      <td class="live-page">
        {page === null ? (
          '—'
        ) : href === null ? (
          <span title={page.url}>{page.title ?? page.url}</span>
        ) : (
          <a href={href} target="_blank" rel="noopener noreferrer nofollow" title={page.url}>
            {page.title !== null && page.title !== '' ? page.title : page.url}
          </a>
        )}
      </td>
      <td>{page === null ? '—' : duration(now - Date.parse(page.since))}</td>
      <td>
        since {shortTime(entry.visitStartedAt, new Date(now))} · {entry.pagesThisVisit}{' '}
        {entry.pagesThisVisit === 1 ? 'page' : 'pages'} · visit {entry.visits}
      </td>
      <td>
        {entry.conversationId !== null ? (
          <a href={routeHash({ name: 'inbox', conversationId: entry.conversationId })}>
            Open the conversation
          </a>
        ) : writing ? (
          <ProactiveForm
            runtime={runtime}
            visitorId={visitor.id}
            name={name}
            onDone={() => setWriting(false)}
          />
        ) : (
          <button type="button" onClick={() => setWriting(true)}>
            Write to {name}…
          </button>
        )}
      </td>
    </tr>
  );
}

/** The agent's first message: a new conversation (or the visitor's open one), then it opens. */
function ProactiveForm({
  runtime,
  visitorId,
  name,
  onDone,
}: {
  runtime: ConsoleRuntime;
  visitorId: string;
  name: string;
  onDone: () => void;
}) {
  const [body, setBody] = useState('');
  // One id per message, kept across retries: a resend after a lost answer is not a second message.
  const [clientMsgId] = useState(randomUuid);
  const [state, setState] = useState<{ busy: boolean; error: string | null }>({ busy: false, error: null });
  const submit = (event: Event): void => {
    event.preventDefault();
    setState({ busy: true, error: null });
    runtime.api.messageVisitor(visitorId, clientMsgId, body).then(
      (r) => {
        runtime.inbox.upsert(r.conversation);
        runtime.live.conversationStarted(visitorId, r.conversation.id);
        onDone();
        location.hash = routeHash({ name: 'inbox', conversationId: r.conversation.id });
      },
      (e: unknown) => setState({ busy: false, error: errorText(e) }),
    );
  };
  return (
    <form class="form proactive" onSubmit={submit}>
      <label for={`proactive-${visitorId}`}>Message to {name}</label>
      <textarea
        id={`proactive-${visitorId}`}
        rows={2}
        maxLength={10_000}
        required
        value={body}
        onInput={(e) => setBody(e.currentTarget.value)}
      />
      {state.error !== null && (
        <p class="form-error" role="alert">
          {state.error}
        </p>
      )}
      <div class="row">
        <button class="primary" type="submit" disabled={state.busy || body.trim() === ''}>
          Send
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
