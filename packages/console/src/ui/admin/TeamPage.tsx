import type { Agent, AgentRole, Site } from '@parley/protocol';
import { useEffect, useState } from 'preact/hooks';
import { errorText } from '../../api/ApiError';
import type { AgentChange } from '../../api/ConsoleApi';
import type { ConsoleRuntime } from '../../state/ConsoleRuntime';
import { useStores } from '../hooks';
import { Choice, TextField } from './fields';
import { Invitations } from './Invitations';

const ROLES = [
  ['agent', 'Agent'],
  ['admin', 'Admin'],
  ['owner', 'Owner'],
] as const;

export function TeamPage({ runtime }: { runtime: ConsoleRuntime }) {
  const { directory } = runtime;
  useStores(directory);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  useEffect(() => {
    Promise.all([runtime.api.agents(), runtime.api.sites()]).then(
      ([agents, sites]) => {
        directory.setAgents(agents);
        directory.setSites(sites);
      },
      (e: unknown) => setError(errorText(e)),
    );
  }, [runtime, directory]);
  const change = async (agent: Agent, patch: AgentChange): Promise<void> => {
    setError(null);
    try {
      directory.putAgent(await runtime.api.updateAgent(agent.id, patch));
    } catch (e) {
      setError(errorText(e));
    }
  };
  return (
    <>
      <div class="page-head">
        <h1>Team</h1>
      </div>
      {error !== null && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      <table class="table" id="team-table">
        <thead>
          <tr>
            <th>Name</th>
            <th>Role</th>
            <th>Sites</th>
            <th>Status</th>
            <th>
              <span class="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {directory.agents.map((agent) => (
            <tr key={agent.id} data-agent-id={agent.id} data-inactive={agent.active ? undefined : 'true'}>
              <td>
                <strong>{agent.name}</strong>
                <br />
                <span class="muted">{agent.email}</span>
              </td>
              <td>
                {editing === agent.id ? (
                  <Choice
                    label="Role"
                    value={agent.role}
                    options={ROLES}
                    onChange={(role: AgentRole) => void change(agent, { role })}
                  />
                ) : (
                  agent.role
                )}
              </td>
              <td>
                {editing === agent.id && agent.role === 'agent' ? (
                  <SitePicker
                    sites={directory.sites}
                    chosen={agent.siteIds}
                    onChange={(siteIds) => void change(agent, { siteIds })}
                  />
                ) : agent.role === 'agent' ? (
                  agent.siteIds.map((id) => directory.siteName(id) ?? id).join(', ') || 'None'
                ) : (
                  'All'
                )}
              </td>
              <td>{agent.active ? agent.status : 'Deactivated'}</td>
              <td>
                <div class="row">
                  {agent.id !== directory.me.id && (
                    <button type="button" onClick={() => setEditing(editing === agent.id ? null : agent.id)}>
                      {editing === agent.id ? 'Done' : 'Edit'}
                    </button>
                  )}
                  {agent.id !== directory.me.id &&
                    (agent.active ? (
                      <DeactivateButton
                        agent={agent}
                        onConfirm={() => void change(agent, { active: false })}
                      />
                    ) : (
                      <button type="button" onClick={() => void change(agent, { active: true })}>
                        Reactivate
                      </button>
                    ))}
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Invitations runtime={runtime} sites={directory.sites} />
      <NewAgent runtime={runtime} sites={directory.sites} />
    </>
  );
}

function DeactivateButton({ agent, onConfirm }: { agent: Agent; onConfirm: () => void }) {
  const [confirming, setConfirming] = useState(false);
  return confirming ? (
    <>
      <button type="button" class="danger" onClick={onConfirm}>
        Deactivate {agent.name}
      </button>
      <button type="button" onClick={() => setConfirming(false)}>
        Cancel
      </button>
    </>
  ) : (
    <button type="button" onClick={() => setConfirming(true)} title="Ends their sessions at once">
      Deactivate…
    </button>
  );
}

function SitePicker({
  sites,
  chosen,
  onChange,
}: {
  sites: readonly Site[];
  chosen: readonly string[];
  onChange: (ids: string[]) => void;
}) {
  return (
    <fieldset class="site-picker">
      <legend class="visually-hidden">Sites</legend>
      {sites.map((site) => (
        <label key={site.id} class="check">
          <input
            type="checkbox"
            checked={chosen.includes(site.id)}
            onChange={(e) =>
              onChange(e.currentTarget.checked ? [...chosen, site.id] : chosen.filter((id) => id !== site.id))
            }
          />{' '}
          {site.name}
        </label>
      ))}
    </fieldset>
  );
}

function NewAgent({ runtime, sites }: { runtime: ConsoleRuntime; sites: readonly Site[] }) {
  const blank = {
    email: '',
    name: '',
    role: 'agent' as AgentRole,
    password: '',
    siteIds: sites.map((s) => s.id),
  };
  const [form, setForm] = useState(blank);
  const [state, setState] = useState<{ busy: boolean; message: string | null; error: boolean }>({
    busy: false,
    message: null,
    error: false,
  });
  const submit = (event: Event): void => {
    event.preventDefault();
    setState({ busy: true, message: null, error: false });
    runtime.api
      .createAgent({ ...form, email: form.email.trim(), name: form.name.trim() })
      .then((agent) => {
        runtime.directory.putAgent(agent);
        setForm(blank);
        setState({
          busy: false,
          message: `${agent.name} can sign in now with the password you chose.`,
          error: false,
        });
      })
      .catch((e: unknown) => setState({ busy: false, message: errorText(e), error: true }));
  };
  return (
    <form class="card form" onSubmit={submit} aria-labelledby="new-agent-title">
      <h2 id="new-agent-title">Add an agent</h2>
      <TextField
        label="Name"
        value={form.name}
        maxLength={200}
        required
        onChange={(name) => setForm({ ...form, name })}
      />
      <TextField
        label="E-mail"
        type="email"
        value={form.email}
        maxLength={254}
        required
        onChange={(email) => setForm({ ...form, email })}
      />
      <TextField
        label="Password"
        type="password"
        value={form.password}
        maxLength={200}
        required
        onChange={(password) => setForm({ ...form, password })}
        hint="At least 10 characters. Give it to them safely."
      />
      <Choice
        label="Role"
        value={form.role}
        options={ROLES}
        onChange={(role) => setForm({ ...form, role })}
      />
      {form.role === 'agent' && (
        <SitePicker
          sites={sites}
          chosen={form.siteIds}
          onChange={(siteIds) => setForm({ ...form, siteIds })}
        />
      )}
      <div class="form-actions">
        <button class="primary" type="submit" disabled={state.busy}>
          Add agent
        </button>
        {state.message !== null && (
          <span class={state.error ? 'form-error' : 'form-ok'} role="status">
            {state.message}
          </span>
        )}
      </div>
    </form>
  );
}
