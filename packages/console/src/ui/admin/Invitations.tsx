import type { AgentRole, Invitation, Site } from '@parley/protocol';
import { useEffect, useState } from 'preact/hooks';
import { errorText } from '../../api/ApiError';
import { shortTime } from '../../lib/time';
import type { ConsoleRuntime } from '../../state/ConsoleRuntime';
import { Choice, TextField } from './fields';

const ROLES = [
  ['agent', 'Agent'],
  ['admin', 'Admin'],
  ['owner', 'Owner'],
] as const;

const STATUS_TEXT: Record<Invitation['status'], string> = {
  pending: 'Waiting',
  accepted: 'Accepted',
  revoked: 'Withdrawn',
  expired: 'Expired',
};

/** Invite by a one-time link (e-mailed when the server can send mail); pending ones can be withdrawn. */
export function Invitations({ runtime, sites }: { runtime: ConsoleRuntime; sites: readonly Site[] }) {
  const [list, setList] = useState<Invitation[]>([]);
  const [error, setError] = useState<string | null>(null);
  const load = (): void => {
    runtime.api.invitations().then(setList, (e: unknown) => setError(errorText(e)));
  };
  useEffect(load, [runtime]);
  const revoke = (id: string): void => {
    setError(null);
    runtime.api.revokeInvitation(id).then(load, (e: unknown) => setError(errorText(e)));
  };
  return (
    <section class="card" aria-labelledby="invitations-title">
      <h2 id="invitations-title">Invitations</h2>
      <InviteForm runtime={runtime} sites={sites} created={load} />
      {error !== null && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      {list.length > 0 && (
        <table class="table" id="invitations-table">
          <thead>
            <tr>
              <th>E-mail</th>
              <th>Role</th>
              <th>Status</th>
              <th>
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.map((inv) => (
              <tr key={inv.id} data-invitation-id={inv.id}>
                <td>{inv.email}</td>
                <td>{inv.role}</td>
                <td>
                  {STATUS_TEXT[inv.status]}
                  {inv.status === 'pending' && <span class="muted"> · until {shortTime(inv.expiresAt)}</span>}
                  {inv.invitedBy !== null && <span class="muted"> · by {inv.invitedBy.name}</span>}
                </td>
                <td>
                  {inv.status === 'pending' && (
                    <button type="button" onClick={() => revoke(inv.id)}>
                      Withdraw
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function InviteForm({
  runtime,
  sites,
  created,
}: {
  runtime: ConsoleRuntime;
  sites: readonly Site[];
  created: () => void;
}) {
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<AgentRole>('agent');
  const [days, setDays] = useState('7');
  const [sendEmail, setSendEmail] = useState(true);
  const [state, setState] = useState<{ busy: boolean; error: string | null }>({ busy: false, error: null });
  const [link, setLink] = useState<{ url: string; note: string } | null>(null);
  const [copied, setCopied] = useState(false);
  const submit = (event: Event): void => {
    event.preventDefault();
    setState({ busy: true, error: null });
    setLink(null);
    runtime.api
      .inviteAgent({
        email: email.trim(),
        role,
        siteIds: sites.map((s) => s.id),
        expiresInDays: Number(days),
        sendEmail,
      })
      .then((r) => {
        const note = r.emailed
          ? `E-mailed to ${r.invitation.email}. You can also pass the link on yourself:`
          : r.emailError === 'mail_not_configured' || !sendEmail
            ? 'Pass this link on to them (this server sends no e-mail):'
            : 'The e-mail could not be sent; pass this link on to them:';
        setLink({ url: r.url, note: sendEmail ? note : 'Pass this link on to them:' });
        setEmail('');
        setState({ busy: false, error: null });
        setCopied(false);
        created();
      })
      .catch((e: unknown) => setState({ busy: false, error: errorText(e) }));
  };
  return (
    <form class="form" onSubmit={submit} aria-label="Invite someone">
      <p class="muted">
        The link works once, until it expires. New agents get every site; change that once they have joined.
      </p>
      <TextField
        label="E-mail address"
        type="email"
        value={email}
        maxLength={254}
        required
        onChange={setEmail}
      />
      <Choice label="Role" value={role} options={ROLES} onChange={setRole} />
      <Choice
        label="The link expires after"
        value={days}
        options={[
          ['1', '1 day'],
          ['7', '7 days'],
          ['30', '30 days'],
        ]}
        onChange={setDays}
      />
      <label class="check">
        <input type="checkbox" checked={sendEmail} onChange={(e) => setSendEmail(e.currentTarget.checked)} />{' '}
        E-mail the link (when this server can send e-mail)
      </label>
      {state.error !== null && (
        <p class="form-error" role="alert">
          {state.error}
        </p>
      )}
      <div class="form-actions">
        <button class="primary" type="submit" disabled={state.busy}>
          Create the invitation
        </button>
      </div>
      {link !== null && (
        <div class="invite-link" role="status">
          <p>{link.note}</p>
          <code class="snippet" id="invitation-url">
            {link.url}
          </code>
          <div class="form-actions">
            <button
              type="button"
              onClick={() => {
                navigator.clipboard.writeText(link.url).then(
                  () => setCopied(true),
                  () => setCopied(false),
                );
              }}
            >
              Copy the link
            </button>
            {copied && <span>Copied.</span>}
          </div>
        </div>
      )}
    </form>
  );
}
