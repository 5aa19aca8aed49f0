import type { ConversationForAgent } from '@parley/protocol';
import { useEffect, useRef, useState } from 'preact/hooks';
import { shortTime } from '../../lib/time';
import type { ConsoleRuntime } from '../../state/ConsoleRuntime';
import { useStores } from '../hooks';
import { TagChip } from '../TagChip';

/** Presets of "Snooze until…", as times from now. */
export function snoozePresets(now: Date): { label: string; until: Date }[] {
  const inHour = new Date(now.getTime() + 3600_000);
  const tomorrow = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1, 9, 0);
  const daysToMonday = ((8 - now.getDay()) % 7) + (now.getDay() === 1 ? 7 : 0);
  const monday = new Date(now.getFullYear(), now.getMonth(), now.getDate() + (daysToMonday || 7), 9, 0);
  return [
    { label: 'For an hour', until: inHour },
    { label: 'Until tomorrow, 9:00', until: tomorrow },
    { label: 'Until Monday, 9:00', until: monday },
  ];
}

/** Snooze: presets or a chosen time; a snoozed conversation can be woken now. */
export function SnoozeControl({
  runtime,
  summary,
}: {
  runtime: ConsoleRuntime;
  summary: ConversationForAgent;
}) {
  const [open, setOpen] = useState(false);
  const [custom, setCustom] = useState('');
  const busy = runtime.composer.draft(summary.id).busy;
  if (summary.status === 'closed') return null;
  if (summary.snoozedUntil !== null) {
    return (
      <button type="button" disabled={busy} onClick={() => runtime.unsnooze(summary.id)}>
        Wake up now
      </button>
    );
  }
  const snooze = (until: Date): void => {
    setOpen(false);
    runtime.snooze(summary.id, until);
  };
  return (
    <div class="menu">
      <button type="button" aria-expanded={open} disabled={busy} onClick={() => setOpen(!open)}>
        Snooze…
      </button>
      {open && (
        <div class="menu-panel" role="group" aria-label="Snooze until">
          {snoozePresets(new Date()).map((p) => (
            <button key={p.label} type="button" onClick={() => snooze(p.until)}>
              {p.label}
            </button>
          ))}
          <form
            class="row"
            onSubmit={(e) => {
              e.preventDefault();
              const until = new Date(custom);
              if (!Number.isNaN(until.getTime())) snooze(until);
            }}
          >
            <input
              type="datetime-local"
              aria-label="Snooze until (date and time)"
              value={custom}
              onInput={(e) => setCustom(e.currentTarget.value)}
              required
            />
            <button type="submit">Snooze</button>
          </form>
        </div>
      )}
    </div>
  );
}

/** The conversation's tags, removable, and a picker for the tags of its site. */
export function TagBar({ runtime, summary }: { runtime: ConsoleRuntime; summary: ConversationForAgent }) {
  const { directory } = runtime;
  useStores(directory);
  const tags = summary.tagIds.flatMap((id) => directory.tag(id) ?? []);
  const available = directory.tagsFor(summary.siteId).filter((t) => !summary.tagIds.includes(t.id));
  const snoozed = summary.snoozedUntil !== null && summary.status !== 'closed';
  if (!snoozed && tags.length === 0 && available.length === 0) return null;
  return (
    <div class="thread-meta">
      {snoozed && summary.snoozedUntil !== null && (
        <span class="tag" id="thread-snoozed">
          ⏰ Snoozed until {shortTime(summary.snoozedUntil)}
        </span>
      )}
      {tags.map((t) => (
        <TagChip key={t.id} tag={t} onRemove={() => runtime.untag(summary.id, t.id)} />
      ))}
      {available.length > 0 && (
        <select
          aria-label="Add a tag"
          class="tag-picker"
          value=""
          onChange={(e) => {
            const id = e.currentTarget.value;
            if (id !== '') runtime.tag(summary.id, id);
          }}
        >
          <option value="">+ Tag</option>
          {available.map((t) => (
            <option key={t.id} value={t.id}>
              {t.name}
            </option>
          ))}
        </select>
      )}
    </div>
  );
}

/** "Transfer…": to a colleague or a department of the site, with a note for the team. */
export function TransferDialog({
  runtime,
  summary,
  onClose,
}: {
  runtime: ConsoleRuntime;
  summary: ConversationForAgent;
  onClose: () => void;
}) {
  const { directory } = runtime;
  const [target, setTarget] = useState('');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const first = useRef<HTMLSelectElement>(null);
  useEffect(() => first.current?.focus(), []);
  const agents = directory.assignableFor(summary.siteId).filter((a) => a.id !== summary.assigneeId);
  const departments = directory.departmentsFor(summary.siteId);
  const submit = (event: Event): void => {
    event.preventDefault();
    const [kind, id] = target.split(':');
    if (id === undefined || id === '') return;
    setBusy(true);
    void runtime
      .transfer(summary.id, kind === 'department' ? { departmentId: id } : { agentId: id }, note)
      .then((done) => {
        setBusy(false);
        if (done) onClose();
      });
  };
  return (
    <div class="overlay" onClick={(e) => e.target === e.currentTarget && onClose()}>
      <section
        class="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="transfer-title"
        onKeyDown={(e) => e.key === 'Escape' && onClose()}
      >
        <form class="form" onSubmit={submit}>
          <h2 id="transfer-title">Transfer the conversation</h2>
          <label for="transfer-target">To</label>
          <select
            id="transfer-target"
            ref={first}
            required
            value={target}
            onChange={(e) => setTarget(e.currentTarget.value)}
          >
            <option value="">Choose…</option>
            {agents.length > 0 && (
              <optgroup label="Agents">
                {agents.map((a) => (
                  <option key={a.id} value={`agent:${a.id}`}>
                    {a.name} ({a.status})
                  </option>
                ))}
              </optgroup>
            )}
            {departments.length > 0 && (
              <optgroup label="Departments">
                {departments.map((d) => (
                  <option key={d.id} value={`department:${d.id}`}>
                    {d.name}
                  </option>
                ))}
              </optgroup>
            )}
          </select>
          <label for="transfer-note">Note for the team (only agents see it)</label>
          <textarea
            id="transfer-note"
            rows={3}
            maxLength={10_000}
            value={note}
            onInput={(e) => setNote(e.currentTarget.value)}
          />
          {runtime.composer.draft(summary.id).notice !== null && (
            <p class="form-error" role="alert">
              {runtime.composer.draft(summary.id).notice}
            </p>
          )}
          <div class="form-actions">
            <button class="primary" type="submit" disabled={busy || target === ''}>
              Transfer
            </button>
            <button type="button" onClick={onClose}>
              Cancel
            </button>
          </div>
        </form>
      </section>
    </div>
  );
}
