import { useEffect, useState } from 'preact/hooks';
import type { Tag } from '@parley/protocol';
import { errorText } from '../../api/ApiError';
import type { ConsoleRuntime } from '../../state/ConsoleRuntime';
import { useStores } from '../hooks';
import { TagChip } from '../TagChip';

/** Admin-managed tags: for every site or one site; renamed, recoloured, deleted (also from conversations). */
export function TagsPage({ runtime }: { runtime: ConsoleRuntime }) {
  const { directory } = runtime;
  useStores(directory);
  const [error, setError] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [color, setColor] = useState('#64748b');
  const [siteId, setSiteId] = useState('');
  useEffect(() => {
    Promise.all([runtime.api.tags(), runtime.api.sites()]).then(
      ([tags, sites]) => {
        directory.setTags(tags);
        directory.setSites(sites);
      },
      (e: unknown) => setError(errorText(e)),
    );
  }, [runtime, directory]);
  const run = (work: Promise<unknown>): void => {
    setError(null);
    work.catch((e: unknown) => setError(errorText(e)));
  };
  const create = (event: Event): void => {
    event.preventDefault();
    run(
      runtime.api
        .createTag({ name: name.trim(), color, siteId: siteId === '' ? null : siteId })
        .then((tag) => {
          directory.putTag(tag);
          setName('');
        }),
    );
  };
  return (
    <>
      <div class="page-head">
        <h1>Tags</h1>
      </div>
      {error !== null && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      <table class="table" id="tags-table">
        <thead>
          <tr>
            <th>Tag</th>
            <th>Site</th>
            <th>
              <span class="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {directory.tags.map((tag) => (
            <TagRow key={tag.id} tag={tag} runtime={runtime} run={run} />
          ))}
        </tbody>
      </table>
      {directory.tags.length === 0 && <p class="muted">No tags yet.</p>}
      <form class="card form" onSubmit={create} aria-labelledby="new-tag-title">
        <h2 id="new-tag-title">New tag</h2>
        <label for="new-tag-name">Name</label>
        <input
          id="new-tag-name"
          value={name}
          maxLength={50}
          required
          onInput={(e) => setName(e.currentTarget.value)}
        />
        <label for="new-tag-color">Colour</label>
        <input
          id="new-tag-color"
          type="color"
          value={color}
          onInput={(e) => setColor(e.currentTarget.value)}
        />
        <label for="new-tag-site">Site</label>
        <select id="new-tag-site" value={siteId} onChange={(e) => setSiteId(e.currentTarget.value)}>
          <option value="">Every site</option>
          {directory.sites.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
        <div class="form-actions">
          <button class="primary" type="submit">
            Create tag
          </button>
        </div>
      </form>
    </>
  );
}

function TagRow({
  tag,
  runtime,
  run,
}: {
  tag: Tag;
  runtime: ConsoleRuntime;
  run: (work: Promise<unknown>) => void;
}) {
  const { directory } = runtime;
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(tag.name);
  const [color, setColor] = useState(tag.color);
  const [confirming, setConfirming] = useState(false);
  return (
    <tr data-tag-id={tag.id}>
      <td>
        {editing ? (
          <div class="row">
            <input
              aria-label="Tag name"
              value={name}
              maxLength={50}
              onInput={(e) => setName(e.currentTarget.value)}
            />
            <input
              aria-label="Tag colour"
              type="color"
              value={color}
              onInput={(e) => setColor(e.currentTarget.value)}
            />
          </div>
        ) : (
          <TagChip tag={tag} />
        )}
      </td>
      <td>{tag.siteId === null ? 'Every site' : (directory.siteName(tag.siteId) ?? tag.siteId)}</td>
      <td>
        <div class="row">
          {editing ? (
            <>
              <button
                type="button"
                class="primary"
                onClick={() =>
                  run(
                    runtime.api.updateTag(tag.id, { name: name.trim(), color }).then((t) => {
                      directory.putTag(t);
                      setEditing(false);
                    }),
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
                onClick={() => run(runtime.api.deleteTag(tag.id).then(() => directory.removeTag(tag.id)))}
              >
                Delete “{tag.name}” everywhere
              </button>
              <button type="button" onClick={() => setConfirming(false)}>
                Cancel
              </button>
            </>
          ) : (
            <button
              type="button"
              onClick={() => setConfirming(true)}
              title="Also removes it from conversations"
            >
              Delete…
            </button>
          )}
        </div>
      </td>
    </tr>
  );
}
