import { useEffect, useState } from 'preact/hooks';
import { errorText } from '../../api/ApiError';
import type { ConsoleRuntime } from '../../state/ConsoleRuntime';
import { useStores } from '../hooks';
import type { Department } from '@parley/protocol';
import { TextField } from './fields';

export function DepartmentsPage({ runtime }: { runtime: ConsoleRuntime }) {
  const { directory } = runtime;
  useStores(directory);
  const [error, setError] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [siteId, setSiteId] = useState('');
  const [members, setMembers] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    Promise.all([runtime.api.departments(), runtime.api.agents(), runtime.api.sites()]).then(
      ([departments, agents, sites]) => {
        directory.setDepartments(departments);
        directory.setAgents(agents);
        directory.setSites(sites);
      },
      (e: unknown) => setError(errorText(e)),
    );
  }, [runtime, directory]);
  const create = (event: Event): void => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    runtime.api
      .createDepartment({ name: name.trim(), siteId: siteId === '' ? null : siteId, agentIds: members })
      .then((department) => {
        directory.putDepartment(department);
        runtime.inbox.setMyDepartments(directory.myDepartmentIds());
        setName('');
        setMembers([]);
      })
      .catch((e: unknown) => setError(errorText(e)))
      .finally(() => setBusy(false));
  };
  const activeAgents = directory.agents.filter((a) => a.active);
  return (
    <>
      <div class="page-head">
        <h1>Departments</h1>
      </div>
      <table class="table">
        <thead>
          <tr>
            <th>Name</th>
            <th>Site</th>
            <th>Members</th>
            <th>
              <span class="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {directory.departments.map((d) => (
            <DepartmentRow key={d.id} department={d} runtime={runtime} onError={setError} />
          ))}
        </tbody>
      </table>
      {directory.departments.length === 0 && <p class="muted">No departments yet.</p>}
      <form class="card form" onSubmit={create} aria-labelledby="new-department-title">
        <h2 id="new-department-title">New department</h2>
        <TextField label="Name" value={name} maxLength={200} required onChange={setName} />
        <label for="department-site">Site</label>
        <select id="department-site" value={siteId} onChange={(e) => setSiteId(e.currentTarget.value)}>
          <option value="">All sites</option>
          {directory.sites.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
        <fieldset>
          <legend>Members</legend>
          {activeAgents.map((a) => (
            <label key={a.id} class="check">
              <input
                type="checkbox"
                checked={members.includes(a.id)}
                onChange={(e) =>
                  setMembers(
                    e.currentTarget.checked ? [...members, a.id] : members.filter((id) => id !== a.id),
                  )
                }
              />{' '}
              {a.name}
            </label>
          ))}
        </fieldset>
        {error !== null && (
          <p class="form-error" role="alert">
            {error}
          </p>
        )}
        <div class="form-actions">
          <button class="primary" type="submit" disabled={busy}>
            Create department
          </button>
        </div>
        <p class="field-hint">
          The server offers no way yet to rename a department or change its members afterwards.
        </p>
      </form>
    </>
  );
}

function DepartmentRow({
  department,
  runtime,
  onError,
}: {
  department: Department;
  runtime: ConsoleRuntime;
  onError: (error: string | null) => void;
}) {
  const { directory } = runtime;
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [name, setName] = useState(department.name);
  const [members, setMembers] = useState(department.agentIds);
  const done = (work: Promise<unknown>): void => {
    onError(null);
    work
      .then(() => {
        runtime.inbox.setMyDepartments(directory.myDepartmentIds());
        setEditing(false);
      })
      .catch((e: unknown) => onError(errorText(e)));
  };
  return (
    <tr data-department-id={department.id}>
      <td>
        {editing ? (
          <input
            aria-label="Department name"
            value={name}
            maxLength={200}
            onInput={(e) => setName(e.currentTarget.value)}
          />
        ) : (
          department.name
        )}
      </td>
      <td>
        {department.siteId === null
          ? 'All sites'
          : (directory.siteName(department.siteId) ?? department.siteId)}
      </td>
      <td>
        {editing ? (
          <fieldset class="site-picker">
            <legend class="visually-hidden">Members</legend>
            {directory.agents
              .filter((a) => a.active || members.includes(a.id))
              .map((a) => (
                <label key={a.id} class="check">
                  <input
                    type="checkbox"
                    checked={members.includes(a.id)}
                    onChange={(e) =>
                      setMembers(
                        e.currentTarget.checked ? [...members, a.id] : members.filter((id) => id !== a.id),
                      )
                    }
                  />{' '}
                  {a.name}
                </label>
              ))}
          </fieldset>
        ) : (
          department.agentIds.map((id) => directory.agentName(id) ?? 'a former agent').join(', ') || 'Nobody'
        )}
      </td>
      <td>
        <div class="row">
          {editing ? (
            <>
              <button
                type="button"
                class="primary"
                onClick={() =>
                  done(
                    runtime.api
                      .updateDepartment(department.id, { name: name.trim(), agentIds: members })
                      .then((d) => directory.putDepartment(d)),
                  )
                }
              >
                Save
              </button>
              <button type="button" onClick={() => setEditing(false)}>
                Cancel
              </button>
            </>
          ) : (
            <button type="button" onClick={() => setEditing(true)}>
              Edit
            </button>
          )}
          {confirming ? (
            <>
              <button
                type="button"
                class="danger"
                onClick={() =>
                  done(
                    runtime.api
                      .deleteDepartment(department.id)
                      .then(() =>
                        directory.setDepartments(directory.departments.filter((x) => x.id !== department.id)),
                      ),
                  )
                }
              >
                Delete {department.name}
              </button>
              <button type="button" onClick={() => setConfirming(false)}>
                Cancel
              </button>
            </>
          ) : (
            <button
              type="button"
              onClick={() => setConfirming(true)}
              title="Its conversations stay, without a department"
            >
              Delete…
            </button>
          )}
        </div>
      </td>
    </tr>
  );
}
