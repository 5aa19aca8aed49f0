import type { ConnectionState } from '@parley/client';

/** "14:05" today, "3 Mar, 14:05" on other days: chat times are read at a glance. */
export function shortTime(iso: string, now: Date = new Date()): string {
  const date = new Date(iso);
  const time = date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  if (date.toDateString() === now.toDateString()) return time;
  return `${date.toLocaleDateString([], { day: 'numeric', month: 'short' })}, ${time}`;
}

export function fullTime(iso: string): string {
  return new Date(iso).toLocaleString();
}

export type ConnectionTone = 'ok' | 'busy' | 'offline' | 'error';

/**
 * What a person should read about the connection. `waiting`: they have unsent messages. `online`:
 * the browser's opinion; when it reports no network, an open socket is stale and says nothing more
 * until the client notices.
 */
export function connectionLabel(
  state: ConnectionState,
  waiting: boolean,
  online: boolean,
): { text: string; tone: ConnectionTone } {
  if (!online && state !== 'closed') {
    return {
      text: waiting ? 'Offline — your message will be sent' : 'Offline — waiting for the network',
      tone: 'offline',
    };
  }
  switch (state) {
    case 'open':
      return { text: 'Connected', tone: 'ok' };
    case 'idle':
    case 'connecting':
      return waiting
        ? { text: 'Offline — your message will be sent', tone: 'offline' }
        : { text: 'Connecting…', tone: 'busy' };
    case 'reconnecting':
      return waiting
        ? { text: 'Offline — your message will be sent', tone: 'offline' }
        : { text: 'Reconnecting…', tone: 'busy' };
    case 'closed':
      return { text: 'Disconnected', tone: 'error' };
  }
}
