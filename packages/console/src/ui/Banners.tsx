import type { ConsoleRuntime } from '../state/ConsoleRuntime';
import { useStores } from './hooks';

/** What needs the agent's attention above everything: the connection, and blocked sound. */
export function Banners({ runtime }: { runtime: ConsoleRuntime }) {
  useStores(runtime.connection, runtime.notifications);
  const connection = runtime.connection.view();
  return (
    <>
      {connection.degraded && runtime.connection.state !== 'idle' && (
        <p class="banner" data-tone={connection.tone} id="connection-banner">
          {connection.tone === 'busy' && <span class="spinner" aria-hidden="true" />}
          {connection.text}
          {runtime.connection.catchingUp ? ' Fetching what happened while this console was away.' : ''}
        </p>
      )}
      {runtime.notifications.needsAudioUnlock && (
        <p class="banner" data-tone="info" id="audio-banner">
          Your browser blocks sounds until you interact with the page.
          <button type="button" onClick={() => void runtime.enableSound()}>
            Enable sound
          </button>
        </p>
      )}
    </>
  );
}
