import { useEffect, useState } from 'preact/hooks';
import { errorText } from '../../api/ApiError';
import type { ConsoleRuntime } from '../../state/ConsoleRuntime';
import { useStores } from '../hooks';
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
          </tr>
        </thead>
        <tbody>
          {directory.departments.map((d) => (
            <tr key={d.id}>
              <td>{d.name}</td>
              <td>{d.siteId === null ? 'All sites' : (directory.siteName(d.siteId) ?? d.siteId)}</td>
              <td>
                {d.agentIds.map((id) => directory.agentName(id) ?? 'a former agent').join(', ') || 'Nobody'}
              </td>
            </tr>
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
