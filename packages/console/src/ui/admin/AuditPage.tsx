import { AuditLogResponse, type AuditEntry } from '@parley/protocol';
import { useEffect, useState } from 'preact/hooks';
import { errorText } from '../../api/ApiError';
import { fullTime } from '../../lib/time';
import type { ConsoleRuntime } from '../../state/ConsoleRuntime';

const ACTIONS: Record<string, string> = {
  'invitation.created': 'Invitation made',
  'invitation.revoked': 'Invitation withdrawn',
  'invitation.accepted': 'Invitation accepted',
  'visitor.exported': 'Visitor data exported',
  'visitor.erased': 'Visitor erased',
  'retention.purged': 'Old conversations deleted (retention)',
};

/** What was done to people's data and the team: newest first, paged. Details are ids and counts only. */
export function AuditPage({ runtime }: { runtime: ConsoleRuntime }) {
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [next, setNext] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = (before: number | null): void => {
    const query = before === null ? '' : `&before=${before}`;
    runtime.api.call('GET', `/api/v1/audit-log?limit=50${query}`, undefined, AuditLogResponse).then(
      (page) => {
        setEntries((old) => (before === null ? page.entries : [...old, ...page.entries]));
        setNext(page.nextCursor);
      },
      (e: unknown) => setError(errorText(e)),
    );
  };
  useEffect(() => load(null), [runtime]);
  return (
    <>
      <div class="page-head">
        <h1>Audit log</h1>
      </div>
      {error !== null && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      {entries.length === 0 ? (
        <p class="muted">Nothing recorded yet.</p>
      ) : (
        <table class="table" id="audit-table">
          <thead>
            <tr>
              <th>When</th>
              <th>What</th>
              <th>Who</th>
              <th>Details</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.id}>
                <td>{fullTime(e.at)}</td>
                <td>{ACTIONS[e.action] ?? e.action}</td>
                <td>{e.actor.kind === 'system' ? 'Parley' : (e.actor.name ?? 'a former agent')}</td>
                <td class="pre">
                  {[
                    e.targetKind !== null ? `${e.targetKind} ${e.targetId ?? ''}` : null,
                    ...detailLines(e.details),
                  ]
                    .filter((x) => x !== null)
                    .join('\n')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {next !== null && (
        <div class="form-actions">
          <button type="button" onClick={() => load(next)}>
            Older entries
          </button>
        </div>
      )}
    </>
  );
}

function detailLines(details: Record<string, unknown>): string[] {
  return Object.entries(details).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
}
