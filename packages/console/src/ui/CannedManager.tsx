import { CANNED_VARIABLES, type CannedResponse } from '@parley/protocol';
import { useEffect, useState } from 'preact/hooks';
import { errorText } from '../api/ApiError';
import type { ConsoleRuntime } from '../state/ConsoleRuntime';
import { useStores } from './hooks';

/**
 * Canned responses: the agent's own (profile) or the team's shared ones (admin area). Typed in the
 * composer as `/shortcut`; their {{variables}} are filled in when inserted.
 */
export function CannedManager({ runtime, shared }: { runtime: ConsoleRuntime; shared: boolean }) {
  const { directory } = runtime;
  useStores(directory);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState<CannedResponse | null>(null);
  useEffect(() => {
    runtime.api.cannedResponses().then(
      (list) => directory.setCanned(list),
      (e: unknown) => setError(errorText(e)),
    );
  }, [runtime, directory]);
  const mine = directory.canned
    .filter((c) => (shared ? c.ownerId === null : c.ownerId === directory.me.id))
    .sort((a, b) => a.shortcut.localeCompare(b.shortcut));
  const remove = (c: CannedResponse): void => {
    setError(null);
    runtime.api.deleteCanned(c.id).then(
      () => directory.removeCanned(c.id),
      (e: unknown) => setError(errorText(e)),
    );
  };
  return (
    <>
      {error !== null && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      {mine.length === 0 ? (
        <p class="muted">
          {shared ? 'No shared canned responses yet.' : 'You have no canned responses of your own yet.'}
        </p>
      ) : (
        <table class="table canned-table">
          <thead>
            <tr>
              <th>Shortcut</th>
              <th>Text</th>
              {shared && <th>Site</th>}
              <th>
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {mine.map((c) => (
              <tr key={c.id}>
                <td>
                  <code>/{c.shortcut}</code>
                </td>
                <td class="pre">{c.body}</td>
                {shared && (
                  <td>{c.siteId === null ? 'Every site' : (directory.siteName(c.siteId) ?? c.siteId)}</td>
                )}
                <td>
                  <div class="row">
                    <button type="button" onClick={() => setEditing(c)}>
                      Edit
                    </button>
                    <button type="button" onClick={() => remove(c)}>
                      Delete
                    </button>
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <CannedForm
        key={editing?.id ?? 'new'}
        runtime={runtime}
        shared={shared}
        editing={editing}
        done={() => setEditing(null)}
      />
    </>
  );
}

function CannedForm(props: {
  runtime: ConsoleRuntime;
  shared: boolean;
  editing: CannedResponse | null;
  done: () => void;
}) {
  const { runtime, shared, editing, done } = props;
  const [shortcut, setShortcut] = useState(editing?.shortcut ?? '');
  const [body, setBody] = useState(editing?.body ?? '');
  const [siteId, setSiteId] = useState(editing?.siteId ?? '');
  const [state, setState] = useState<{ busy: boolean; error: string | null }>({ busy: false, error: null });
  const prefix = shared ? 'shared' : 'own';
  const submit = (event: Event): void => {
    event.preventDefault();
    setState({ busy: true, error: null });
    const site = shared && siteId !== '' ? siteId : null;
    const call =
      editing === null
        ? runtime.api.createCanned({ shortcut, body, shared, siteId: site })
        : runtime.api.updateCanned(editing.id, { shortcut, body, ...(shared ? { siteId: site } : {}) });
    call
      .then((saved) => {
        runtime.directory.putCanned(saved);
        setShortcut('');
        setBody('');
        setState({ busy: false, error: null });
        done();
      })
      .catch((e: unknown) => setState({ busy: false, error: errorText(e) }));
  };
  return (
    <form
      class="form canned-form"
      onSubmit={submit}
      aria-label={editing === null ? 'New canned response' : 'Edit canned response'}
    >
      <h3>{editing === null ? 'New canned response' : `Edit /${editing.shortcut}`}</h3>
      <label for={`${prefix}-canned-shortcut`}>Shortcut (typed after /)</label>
      <input
        id={`${prefix}-canned-shortcut`}
        value={shortcut}
        maxLength={32}
        required
        onInput={(e) => setShortcut(e.currentTarget.value)}
      />
      <label for={`${prefix}-canned-body`}>Text</label>
      <textarea
        id={`${prefix}-canned-body`}
        rows={3}
        maxLength={10_000}
        required
        value={body}
        onInput={(e) => setBody(e.currentTarget.value)}
      />
      <p class="field-hint">
        Variables:{' '}
        {Object.keys(CANNED_VARIABLES).map((v, i) => (
          <span key={v} title={CANNED_VARIABLES[v as keyof typeof CANNED_VARIABLES]}>
            {i > 0 && ', '}
            <code>{`{{${v}}}`}</code>
          </span>
        ))}
        . A fallback for unknown values: <code>{'{{visitor.firstName|there}}'}</code>.
      </p>
      {shared && (
        <>
          <label for={`${prefix}-canned-site`}>Site</label>
          <select
            id={`${prefix}-canned-site`}
            value={siteId}
            onChange={(e) => setSiteId(e.currentTarget.value)}
          >
            <option value="">Every site</option>
            {runtime.directory.sites.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </>
      )}
      {state.error !== null && (
        <p class="form-error" role="alert">
          {state.error}
        </p>
      )}
      <div class="form-actions">
        <button class="primary" type="submit" disabled={state.busy}>
          {editing === null ? 'Add canned response' : 'Save'}
        </button>
        {editing !== null && (
          <button type="button" onClick={done}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
