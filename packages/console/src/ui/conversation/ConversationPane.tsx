import type { ConversationForAgent } from '@parley/protocol';
import type { ConsoleRuntime } from '../../state/ConsoleRuntime';
import { visitorTitle } from '../../state/InboxStore';
import { useNow, useStores } from '../hooks';
import { VisitorPanel } from '../visitor/VisitorPanel';
import { useState } from 'preact/hooks';
import { Composer } from './Composer';
import { SnoozeControl, TagBar, TransferDialog } from './ThreadTools';
import { MessageList } from './MessageList';

const STATUS_TEXT: Record<ConversationForAgent['status'], string> = {
  open: 'Open',
  pending: 'Pending',
  closed: 'Closed',
};

export function ConversationPane({ runtime }: { runtime: ConsoleRuntime }) {
  const { inbox, directory, typing } = runtime;
  // Not the composer: typing a reply redraws the composer only, not the log.
  useStores(runtime, inbox, directory, typing);
  const now = useNow(5000);
  const id = runtime.selectedId;
  const summary = id === null ? undefined : inbox.get(id);
  if (id === null || summary === undefined) {
    return (
      <section class="conversation conversation-empty" aria-label="Conversation">
        <p>
          {id === null
            ? 'Select a conversation on the left.'
            : runtime.notice === null
              ? 'Loading…'
              : runtime.notice}
        </p>
      </section>
    );
  }
  const thread = runtime.thread(id);
  const me = directory.me;
  const mine = summary.assigneeId === me.id;
  const typist = typing.active(id, now);
  const assigneeText =
    summary.assigneeId === null
      ? 'Unassigned'
      : mine
        ? 'Assigned to you'
        : `Assigned to ${directory.agentName(summary.assigneeId) ?? 'a colleague'}`;
  return (
    <section class="conversation" aria-labelledby="thread-title">
      <div class="thread">
        <header class="thread-header">
          <a class="back-link" href="#/" aria-label="Back to the inbox">
            ←
          </a>
          <div class="thread-heading">
            <h2 id="thread-title">{visitorTitle(summary)}</h2>
            <p class="thread-status" id="thread-status">
              {STATUS_TEXT[summary.status]} · {assigneeText}
              {summary.source === 'offline_form' && ' · Left with the offline form'}
            </p>
          </div>
          <ThreadActions runtime={runtime} summary={summary} />
        </header>
        <TagBar runtime={runtime} summary={summary} />
        {summary.rating !== null && (
          <p class="rating" data-rating={summary.rating} id="thread-rating">
            {summary.rating === 'good'
              ? '👍 The visitor rated this conversation good'
              : '👎 The visitor rated this conversation bad'}
            {summary.ratingComment ? `: “${summary.ratingComment}”` : '.'}
          </p>
        )}
        <MessageList
          key={id}
          rows={thread?.rows ?? []}
          complete={thread?.complete ?? false}
          typing={
            typist === undefined
              ? null
              : {
                  who:
                    typist.author.kind === 'visitor'
                      ? visitorTitle(summary)
                      : (typist.author.name ?? 'A colleague'),
                  preview: typist.preview ?? null,
                }
          }
        />
        <Composer runtime={runtime} id={id} closed={closed} />
      </div>
      <VisitorPanel runtime={runtime} summary={summary} now={now} />
    </section>
  );
}

/** Assign, close, reopen: disabled while one of them is on its way (the composer store knows). */
function ThreadActions({ runtime, summary }: { runtime: ConsoleRuntime; summary: ConversationForAgent }) {
  const { composer, directory } = runtime;
  useStores(composer, directory);
  const id = summary.id;
  const busy = composer.draft(id).busy;
  const me = directory.me;
  const mine = summary.assigneeId === me.id;
  const closed = summary.status === 'closed';
  const colleagues = directory.assignableFor(summary.siteId).filter((a) => a.id !== summary.assigneeId);
  const [transferring, setTransferring] = useState(false);
  return (
    <div class="thread-actions">
      {transferring && (
        <TransferDialog runtime={runtime} summary={summary} onClose={() => setTransferring(false)} />
      )}
      {!mine && !closed && (
        <button type="button" class="primary" disabled={busy} onClick={() => runtime.assign(id, me.id)}>
          Assign to me
        </button>
      )}
      {!closed && colleagues.length > 0 && (
        <label class="assign-to">
          <span class="visually-hidden">Assign to</span>
          <select
            aria-label="Assign to"
            disabled={busy}
            onFocus={() => runtime.refreshAgents()}
            value=""
            onChange={(e) => {
              const value = e.currentTarget.value;
              if (value !== '') runtime.assign(id, value === 'none' ? null : value);
            }}
          >
            <option value="">Assign to…</option>
            {colleagues.map((a) => (
              <option key={a.id} value={a.id}>
                {a.id === me.id ? `${a.name} (me, ${a.status})` : `${a.name} (${a.status})`}
              </option>
            ))}
            {summary.assigneeId !== null && <option value="none">Nobody (unassign)</option>}
          </select>
        </label>
      )}
      {!closed && (
        <button type="button" disabled={busy} onClick={() => setTransferring(true)}>
          Transfer…
        </button>
      )}
      <SnoozeControl runtime={runtime} summary={summary} />
      {summary.status === 'open' && (
        <button
          type="button"
          disabled={busy}
          title="Waiting for the visitor: out of the open view until they write"
          onClick={() => runtime.setPending(id, true)}
        >
          Mark pending
        </button>
      )}
      {summary.status === 'pending' && (
        <button
          type="button"
          disabled={busy}
          title="Back to the open view"
          onClick={() => runtime.setPending(id, false)}
        >
          Open again
        </button>
      )}
      {closed ? (
        <button type="button" disabled={busy} onClick={() => runtime.reopen(id)}>
          Reopen
        </button>
      ) : (
        <button type="button" disabled={busy} onClick={() => runtime.close(id)}>
          Close
        </button>
      )}
    </div>
  );
}
