import type { ConnectionState } from '@parley/client';
import { Observable } from '../lib/observable';

export type ConnectionTone = 'ok' | 'busy' | 'offline' | 'error';

export interface ConnectionView {
  text: string;
  tone: ConnectionTone;
  /** Worth a banner: the console is not (yet) showing everything live. */
  degraded: boolean;
}

/**
 * What the agent should read about the connection. The client library reconnects and resumes by
 * itself; this only tells the phases apart: connecting, reconnecting (with unsent replies or not),
 * offline according to the browser, and "catching up" between a welcome after a drop and the
 * moment the console has fetched what it missed (see `ConsoleRuntime.#checkCaughtUp`).
 */
export class ConnectionStore extends Observable {
  #state: ConnectionState = 'idle';
  #online = true;
  #waiting = 0;
  #dropped = false;
  #catchingUp = false;

  get state(): ConnectionState {
    return this.#state;
  }

  get catchingUp(): boolean {
    return this.#catchingUp;
  }

  clientState(state: ConnectionState): void {
    if (state === 'reconnecting') this.#dropped = true;
    // A welcome after a drop: what happened meanwhile is being fetched.
    if (state === 'open' && this.#dropped) this.#catchingUp = true;
    if (state !== 'open') this.#catchingUp = false;
    this.#state = state;
    this.changed();
  }

  /** The browser's `online`/`offline` events. */
  network(online: boolean): void {
    this.#online = online;
    this.changed();
  }

  /** Replies in the outbox, not yet stored by the server. */
  waiting(count: number): void {
    if (count === this.#waiting) return;
    this.#waiting = count;
    this.changed();
  }

  caughtUp(): void {
    if (!this.#catchingUp) return;
    this.#catchingUp = false;
    this.#dropped = false;
    this.changed();
  }

  view(): ConnectionView {
    const waiting = this.#waiting > 0;
    const offlineText = waiting ? 'Offline — your replies will be sent' : 'Offline — waiting for the network';
    if (!this.#online && this.#state !== 'closed')
      return { text: offlineText, tone: 'offline', degraded: true };
    switch (this.#state) {
      case 'open':
        return this.#catchingUp
          ? { text: 'Catching up…', tone: 'busy', degraded: true }
          : { text: 'Connected', tone: 'ok', degraded: false };
      case 'idle':
      case 'connecting':
        return { text: 'Connecting…', tone: 'busy', degraded: true };
      case 'reconnecting':
        return waiting
          ? { text: 'Reconnecting… your replies will be sent', tone: 'offline', degraded: true }
          : { text: 'Reconnecting…', tone: 'busy', degraded: true };
      case 'closed':
        return { text: 'Disconnected', tone: 'error', degraded: true };
    }
  }
}
