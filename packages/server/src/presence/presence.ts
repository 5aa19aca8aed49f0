/**
 * Which agents have a live console connection, across the cluster. The gateway reports its own
 * agent sockets; availability (is anyone there to answer a visitor?) asks `connectedAgents`.
 *
 * One node: `LocalPresence` (this process's sockets). Several nodes: a Redis implementation with
 * heartbeat expiry, so an agent whose browser (or node) is gone stops counting as connected.
 */
export interface Presence {
  /** An agent socket completed its hello on this node. */
  agentConnected(agentId: string, connectionId: string): void;
  /** That socket closed. */
  agentDisconnected(agentId: string, connectionId: string): void;
  /** Agents with at least one live connection anywhere. */
  connectedAgents(): Promise<ReadonlySet<string>>;
  close(): Promise<void>;
}

export class LocalPresence implements Presence {
  readonly #byAgent = new Map<string, Set<string>>();

  agentConnected(agentId: string, connectionId: string): void {
    let set = this.#byAgent.get(agentId);
    if (!set) this.#byAgent.set(agentId, (set = new Set()));
    set.add(connectionId);
  }

  agentDisconnected(agentId: string, connectionId: string): void {
    const set = this.#byAgent.get(agentId);
    if (!set) return;
    set.delete(connectionId);
    if (set.size === 0) this.#byAgent.delete(agentId);
  }

  connectedAgents(): Promise<ReadonlySet<string>> {
    return Promise.resolve(new Set(this.#byAgent.keys()));
  }

  close(): Promise<void> {
    this.#byAgent.clear();
    return Promise.resolve();
  }
}
