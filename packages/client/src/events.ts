import type { ClientEvents } from './clientTypes';
import type { ParleyClientCore } from './ParleyClientCore';

/** Every event of a ParleyClient as one discriminated union, for a UI with a single dispatcher. */
export type ClientEvent = {
  [K in keyof ClientEvents]: { type: K; payload: ClientEvents[K] };
}[keyof ClientEvents];

// A record, not a list: adding an event to ClientEvents without naming it here fails to compile.
const ALL: Record<keyof ClientEvents, true> = {
  state: true,
  welcome: true,
  message: true,
  activity: true,
  ack: true,
  sendFailed: true,
  conversation: true,
  typing: true,
  read: true,
  error: true,
  bye: true,
  authFailed: true,
  visitor: true,
  removed: true,
};

/** All event names of a ParleyClient. */
export const CLIENT_EVENT_TYPES = Object.keys(ALL) as readonly (keyof ClientEvents)[];

/** Subscribes `handler` to every event, in emission order; returns the unsubscribe function. */
export function onEveryEvent(client: ParleyClientCore, handler: (event: ClientEvent) => void): () => void {
  const offs = CLIENT_EVENT_TYPES.map((type) =>
    // TypeScript cannot correlate `type` with its payload across the mapped union; the pair is right by construction.
    client.on(type, (payload) => handler({ type, payload } as ClientEvent)),
  );
  return () => {
    for (const off of offs) off();
  };
}
