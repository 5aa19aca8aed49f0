import type { ConversationForAgent, Visitor } from '@parley/protocol';
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { errorText } from '../../api/ApiError';
import { routeHash } from '../../lib/router';
import { describeUserAgent } from '../../lib/userAgent';
import { safeHref } from '../../lib/richText';
import { fullTime, localTimeIn, shortTime } from '../../lib/time';
import type { ConsoleRuntime } from '../../state/ConsoleRuntime';
import { useStores } from '../hooks';

/** Who the visitor is and where they are: from the conversation, then the visitor's details when loaded. */
export function VisitorPanel({
  runtime,
  summary,
  now,
}: {
  runtime: ConsoleRuntime;
  summary: ConversationForAgent;
  now: number;
}) {
  const { visitors, directory } = runtime;
  useStores(visitors);
  useEffect(() => runtime.loadVisitor(summary.visitorId), [runtime, summary.visitorId]);
  const entry = visitors.entry(summary.visitorId);
  const details = entry?.details ?? null;
  const visitor = details?.visitor ?? null;
  const name = visitor?.name ?? summary.visitorName;
  const email = visitor?.email ?? summary.visitorEmail;
  const emailHref = email === null ? null : safeHref(`mailto:${email}`);
  const timeZone = visitor === null ? null : visitorTimeZone(visitor);
  const localTime = timeZone === null ? null : localTimeIn(timeZone, new Date(now));
  const firstPage = details?.pageViews.at(-1);
  return (
    <aside class="visitor-panel" aria-label="Visitor">
      <h3>{name ?? 'Anonymous visitor'}</h3>
      <dl class="facts">
        <Fact term="E-mail">
          {email === null ? 'Not given' : emailHref === null ? email : <a href={emailHref}>{email}</a>}
        </Fact>
        {visitor !== null && visitor.externalId !== null && (
          <Fact term="User id">
            {visitor.externalId}{' '}
            <span class="badge" data-tone={visitor.verified ? 'ok' : 'warn'}>
              {visitor.verified ? 'Verified' : 'Not verified'}
            </span>
          </Fact>
        )}
        <Fact term="Site">{directory.siteName(summary.siteId) ?? '—'}</Fact>
        {visitor?.lastPageUrl != null && (
          <Fact term="Current page">
            <PageLink url={visitor.lastPageUrl} title={visitor.lastPageTitle} />
          </Fact>
        )}
        {firstPage?.referrer != null && firstPage.referrer !== '' && (
          <Fact term="Came from">
            <PageLink url={firstPage.referrer} title={null} />
          </Fact>
        )}
        {visitor?.userAgent != null && <Fact term="Device">{describeUserAgent(visitor.userAgent)}</Fact>}
        {localTime !== null && <Fact term="Local time">{localTime}</Fact>}
        {visitor !== null && (
          <>
            <Fact term="First seen">
              <time dateTime={visitor.firstSeenAt} title={fullTime(visitor.firstSeenAt)}>
                {shortTime(visitor.firstSeenAt, new Date(now))}
              </time>
            </Fact>
            <Fact term="Last seen">
              <time dateTime={visitor.lastSeenAt} title={fullTime(visitor.lastSeenAt)}>
                {shortTime(visitor.lastSeenAt, new Date(now))}
              </time>
            </Fact>
          </>
        )}
        <Fact term="Conversation started">
          <time dateTime={summary.createdAt} title={fullTime(summary.createdAt)}>
            {shortTime(summary.createdAt, new Date(now))}
          </time>
        </Fact>
      </dl>
      {entry?.state === 'loading' && details === null && <p class="muted">Loading the visitor’s details…</p>}
      {entry?.state === 'failed' && <p class="form-error">{entry.error}</p>}
      {visitor !== null && Object.keys(visitor.attributes).length > 0 && (
        <>
          <h4>Attributes</h4>
          <dl class="facts attributes">
            {Object.entries(visitor.attributes).map(([key, value]) => (
              <Fact key={key} term={key}>
                {value === null ? '—' : String(value)}
              </Fact>
            ))}
          </dl>
        </>
      )}
      {details !== null && details.pageViews.length > 0 && (
        <>
          <h4>Pages visited</h4>
          <ol class="pages">
            {details.pageViews.slice(0, 20).map((p) => (
              <li key={`${p.at}:${p.url}`}>
                <time dateTime={p.at}>{shortTime(p.at, new Date(now))}</time>{' '}
                <PageLink url={p.url} title={p.title} />
              </li>
            ))}
          </ol>
        </>
      )}
      <PreviousConversations runtime={runtime} summary={summary} />
      {directory.isAdmin && <VisitorData runtime={runtime} visitorId={summary.visitorId} />}
    </aside>
  );
}

function Fact({ term, children }: { term: string; children: ComponentChildren }) {
  return (
    <div class="fact">
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}

/** A page of the visitor's: a link only for http(s) addresses, shown by title when it has one. */
function PageLink({ url, title }: { url: string; title: string | null }) {
  const href = /^https?:/i.test(url) ? safeHref(url) : null;
  const text = title !== null && title !== '' ? title : url;
  return href === null ? (
    <span title={url}>{text}</span>
  ) : (
    <a href={href} title={url} target="_blank" rel="noopener noreferrer nofollow">
      {text}
    </a>
  );
}

/** A time zone the site or widget recorded as an attribute (`timeZone`), if this browser knows it. */
function visitorTimeZone(visitor: Visitor): string | null {
  const raw = visitor.attributes.timeZone ?? visitor.attributes.timezone;
  return typeof raw === 'string' && raw.length <= 64 ? raw : null;
}

/** The visitor's other conversations, newest first; a click opens one (its log is fetched then). */
function PreviousConversations({
  runtime,
  summary,
}: {
  runtime: ConsoleRuntime;
  summary: ConversationForAgent;
}) {
  const [list, setList] = useState<ConversationForAgent[] | null>(null);
  useEffect(() => {
    setList(null);
    runtime.api.conversations({ status: 'all', visitorId: summary.visitorId, limit: 20 }).then(
      (page) => {
        runtime.inbox.addPage(page.conversations);
        setList(page.conversations.filter((c) => c.id !== summary.id));
      },
      () => setList([]),
    );
  }, [runtime, summary.visitorId, summary.id]);
  if (list === null || list.length === 0) return null;
  return (
    <>
      <h4>Previous conversations</h4>
      <ul class="pages previous">
        {list.map((c) => (
          <li key={c.id}>
            <a href={routeHash({ name: 'inbox', conversationId: c.id })}>
              <time dateTime={c.createdAt}>{shortTime(c.createdAt)}</time> ·{' '}
              {c.status === 'closed' ? 'Closed' : 'Open'}
              {c.lastMessagePreview !== null && <span class="muted"> — {c.lastMessagePreview}</span>}
            </a>
          </li>
        ))}
      </ul>
    </>
  );
}

/** GDPR, for admins: everything about the visitor as a JSON download, or erased for good. */
function VisitorData({ runtime, visitorId }: { runtime: ConsoleRuntime; visitorId: string }) {
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setConfirming(false);
    setError(null);
  }, [visitorId]);
  const erase = (): void => {
    setError(null);
    runtime.api.eraseVisitor(visitorId).then(
      () => {
        runtime.inbox.removeVisitor(visitorId);
        location.hash = '#/';
      },
      (e: unknown) => setError(errorText(e)),
    );
  };
  return (
    <div class="visitor-data">
      <h4>Visitor data</h4>
      <a class="button-like" href={`/api/v1/visitors/${encodeURIComponent(visitorId)}/export`} download>
        Export (JSON)
      </a>{' '}
      {confirming ? (
        <>
          <button type="button" class="danger" onClick={erase}>
            Erase for good
          </button>{' '}
          <button type="button" onClick={() => setConfirming(false)}>
            Cancel
          </button>
          <p class="field-hint">
            The visitor, every conversation, message and file they left, their pages and events.
          </p>
        </>
      ) : (
        <button type="button" onClick={() => setConfirming(true)}>
          Erase…
        </button>
      )}
      {error !== null && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
