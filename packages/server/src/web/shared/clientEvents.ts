import type { ClientEvents, ParleyClient } from '@parley/client';

/** Every event of the client as one discriminated union, so that a page has a single dispatcher. */
export type ClientEvent = {
  [K in keyof ClientEvents]: { type: K; payload: ClientEvents[K] };
}[keyof ClientEvents];

const EVENT_TYPES: readonly (keyof ClientEvents)[] = [
  'state',
  'welcome',
  'message',
  'activity',
  'ack',
  'sendFailed',
  'conversation',
  'typing',
  'read',
  'error',
  'bye',
  'authFailed',
];

/** Subscribes `handler` to all of the client's events; returns the unsubscribe function. */
export function onEveryEvent(client: ParleyClient, handler: (event: ClientEvent) => void): () => void {
  const offs = EVENT_TYPES.map((type) =>
    // TypeScript cannot correlate `type` with its payload across the mapped union; the pair is right by construction.
    client.on(type, (payload) => handler({ type, payload } as ClientEvent)),
  );
  return () => {
    for (const off of offs) off();
  };
}
