import { useEffect, useState } from 'preact/hooks';
import { ApiError, errorText } from '../../api/ApiError';
import type { ConsoleApi } from '../../api/ConsoleApi';
import type { AuthStore } from '../../state/AuthStore';

type Preview = Awaited<ReturnType<ConsoleApi['invitationPreview']>>;

/**
 * `#/invite/<token>`: what the invitation offers, then a name and a password; accepting creates
 * the agent and signs it in. The token stays in the fragment and is posted, never put in a URL.
 */
export function InviteAccept({ api, auth, token }: { api: ConsoleApi; auth: AuthStore; token: string }) {
  const [preview, setPreview] = useState<Preview | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [state, setState] = useState<{ busy: boolean; error: string | null }>({ busy: false, error: null });
  useEffect(() => {
    api
      .invitationPreview(token)
      .then(setPreview, (e: unknown) =>
        setProblem(
          e instanceof ApiError && e.status === 404
            ? 'This invitation link cannot be used: it was used already, withdrawn, replaced by a newer one, or it expired. Ask your admin for a new one.'
            : errorText(e),
        ),
      );
  }, [api, token]);
  const submit = (event: Event): void => {
    event.preventDefault();
    if (password !== repeat) {
      setState({ busy: false, error: 'The two passwords are not the same.' });
      return;
    }
    setState({ busy: true, error: null });
    api.acceptInvitation(token, name.trim(), password).then(
      (session) => {
        // Out of the history too: the link is spent.
        location.replace('#/');
        auth.accepted(session);
      },
      (e: unknown) => setState({ busy: false, error: errorText(e) }),
    );
  };
  return (
    <main class="auth" id="screen-invite">
      <form class="auth-card" onSubmit={submit}>
        <h1>Join the team</h1>
        {problem !== null ? (
          <>
            <p class="form-error" role="alert">
              {problem}
            </p>
            <a href="#/">Go to the sign-in page</a>
          </>
        ) : preview === null ? (
          <p class="auth-lead">Checking the invitation…</p>
        ) : (
          <>
            <p class="auth-lead">
              {preview.invitedByName ?? 'An admin'} invites <strong>{preview.email}</strong> to answer
              visitors as {preview.role === 'agent' ? 'an agent' : `an ${preview.role}`}. The link works until{' '}
              {new Date(preview.expiresAt).toLocaleString()}.
            </p>
            <label for="invite-name">Your name (visitors see it)</label>
            <input
              id="invite-name"
              value={name}
              maxLength={200}
              required
              autocomplete="name"
              onInput={(e) => setName(e.currentTarget.value)}
            />
            <label for="invite-password">Choose a password</label>
            <input
              id="invite-password"
              type="password"
              autocomplete="new-password"
              minLength={10}
              maxLength={200}
              required
              value={password}
              onInput={(e) => setPassword(e.currentTarget.value)}
            />
            <p class="field-hint">At least 10 characters.</p>
            <label for="invite-repeat">Repeat the password</label>
            <input
              id="invite-repeat"
              type="password"
              autocomplete="new-password"
              required
              value={repeat}
              onInput={(e) => setRepeat(e.currentTarget.value)}
            />
            {state.error !== null && (
              <p class="form-error" role="alert">
                {state.error}
              </p>
            )}
            <button class="primary" type="submit" disabled={state.busy}>
              Join and sign in
            </button>
          </>
        )}
      </form>
    </main>
  );
}
