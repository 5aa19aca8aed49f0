import type { Logger } from 'pino';
import type { Clock } from '../shared/clock';
import type { Registry } from './recipients';
import { CLOSE } from './socket';

/**
 * After a gap in the cluster's event stream (see cluster/redisBus.ts), sockets that were open
 * before it may have missed messages, conversation changes or read marks of other nodes. They are
 * asked to reconnect (`bye {reason: "resync", reconnect: true}`): the new hello resumes from each
 * conversation's last seq and the welcome carries every conversation's current state, so the
 * client converges on the database — the same path as any reconnect, nothing special to get wrong.
 *
 * Gaps come in bursts (every node notices a Redis outage, and each may also announce that it
 * could not publish): they are gathered for `settleMs`, then every socket opened before the
 * latest gap is asked once. Clients spread their returns over a few seconds (random delay).
 */
export class Resync {
  #cutoff: number | null = null;
  #timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly registry: Registry,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly settleMs = 1000,
  ) {}

  gap(at: number): void {
    this.#cutoff = Math.max(this.#cutoff ?? at, at);
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#run(), this.settleMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #run(): void {
    this.#timer = null;
    const cutoff = this.#cutoff;
    this.#cutoff = null;
    if (cutoff === null) return;
    let asked = 0;
    for (const c of [...this.registry.all]) {
      if (c.openedAt > cutoff || c.closed) continue;
      c.send({ t: 'bye', reason: 'resync', reconnect: true });
      c.close(CLOSE.goingAway, 'events missed; reconnect and resume');
      asked++;
    }
    this.log.info({ sockets: asked, gapAgoMs: this.clock.now() - cutoff }, 'asked sockets to resync');
  }
}
