import { useEffect, useState } from 'preact/hooks';
import { errorText } from '../../api/ApiError';
import type { ConsoleRuntime } from '../../state/ConsoleRuntime';
import { useStores } from '../hooks';

export function SitesPage({ runtime }: { runtime: ConsoleRuntime }) {
  const { directory } = runtime;
  useStores(directory);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    runtime.api.sites().then(
      (sites) => directory.setSites(sites),
      (e: unknown) => setError(errorText(e)),
    );
  }, [runtime, directory]);
  const create = (event: Event): void => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    runtime.api
      .createSite({ name: name.trim() })
      .then((site) => {
        directory.putSite(site);
        setName('');
        location.hash = `#/admin/sites/${encodeURIComponent(site.id)}`;
      })
      .catch((e: unknown) => setError(errorText(e)))
      .finally(() => setBusy(false));
  };
  return (
    <>
      <div class="page-head">
        <h1>Sites</h1>
      </div>
      <table class="table">
        <thead>
          <tr>
            <th>Name</th>
            <th>Key</th>
            <th>Allowed origins</th>
          </tr>
        </thead>
        <tbody>
          {directory.sites.map((site) => (
            <tr key={site.id}>
              <td>
                <a href={`#/admin/sites/${encodeURIComponent(site.id)}`}>{site.name}</a>
              </td>
              <td>
                <code>{site.key}</code>
              </td>
              <td>{site.allowedOrigins.length === 0 ? 'Any' : site.allowedOrigins.join(', ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <form class="card form" onSubmit={create}>
        <h2>New site</h2>
        <label for="new-site-name">Name</label>
        <input
          id="new-site-name"
          value={name}
          maxLength={200}
          required
          onInput={(e) => setName(e.currentTarget.value)}
        />
        {error !== null && (
          <p class="form-error" role="alert">
            {error}
          </p>
        )}
        <div class="form-actions">
          <button class="primary" type="submit" disabled={busy}>
            Create site
          </button>
        </div>
      </form>
    </>
  );
}
