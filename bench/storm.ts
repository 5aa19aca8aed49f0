/**
 * Reconnect storm: N visitors, each in its own conversation, all lose their socket at the same
 * instant; while they are away the agent answers every one of them; then all reconnect at once
 * with `resume`. Measured: time until every visitor is welcomed again and holds the answer it
 * missed; answers lost or received twice.
 */
import { randomUUID } from 'node:crypto';
import { nextFrame, openPeer, pool, type Peer } from './peers';

export interface StormOptions {
  wsUrl: string;
  visitors: { siteKey: string; token: string }[];
  agentCookie: string;
}

export interface StormResult {
  visitors: number;
  /** First reconnect attempt → last visitor holding its missed answer. */
  allResumedMs: number;
  resumeP50Ms: number;
  resumeP99Ms: number;
  lost: number;
  duplicates: number;
  errors: number;
  errorCodes: Record<string, number>;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

export async function runStorm(o: StormOptions): Promise<StormResult> {
  const agent = await openPeer('ws', o.wsUrl, { headers: { cookie: o.agentCookie } });
  const welcomed = nextFrame(agent, 'welcome');
  agent.send({ t: 'hello', v: 1, role: 'agent' });
  await welcomed;

  // Everyone connected, each with a conversation (seq 1 = their opening message).
  const first = await pool(o.visitors, 100, async (v) => {
    const peer = await openPeer('ws', o.wsUrl);
    const welcome = nextFrame(peer, 'welcome');
    peer.send({ t: 'hello', v: 1, role: 'visitor', siteKey: v.siteKey, token: v.token });
    await welcome;
    const acked = nextFrame(peer, 'ack');
    peer.send({ t: 'send', clientMsgId: randomUUID(), body: 'before the storm' });
    const ack = await acked;
    return { peer, conversationId: String(ack.conversationId), seq: Number(ack.seq) };
  });

  // All drop at once, without a closing handshake.
  for (const f of first) f.peer.terminate();
  // The agent answers each of them while they are away, keeping at most 200 sends in flight (the
  // server refuses a socket's frames beyond 256 queued).
  let acked = 0;
  let sentAnswers = 0;
  await new Promise<void>((resolve, reject) => {
    const sendNext = () => {
      const f = first[sentAnswers++];
      if (!f) return;
      agent.send({
        t: 'send',
        clientMsgId: randomUUID(),
        conversationId: f.conversationId,
        body: 'while you were away',
      });
    };
    agent.onFrame((f) => {
      if (f.t === 'error') reject(new Error(`agent send refused: ${JSON.stringify(f)}`));
      if (f.t !== 'ack') return;
      acked++;
      if (acked === first.length) resolve();
      else sendNext();
    });
    for (let i = 0; i < Math.min(200, first.length); i++) sendNext();
  });

  // All come back at once, each resuming after the seq it had.
  let errors = 0;
  const errorCodes = new Map<string, number>();
  const t0 = performance.now();
  const times = await Promise.all(
    first.map(async (f, i) => {
      const v = o.visitors[i];
      if (!v) return { ms: NaN, got: 0, peer: null as Peer | null };
      let peer: Peer;
      try {
        peer = await openPeer('ws', o.wsUrl);
      } catch {
        errors++;
        return { ms: NaN, got: 0, peer: null };
      }
      const seen: number[] = [];
      const done = new Promise<number>((resolve) => {
        const timer = setTimeout(() => resolve(NaN), 30_000);
        peer.onFrame((fr) => {
          if (fr.t === 'error') {
            errors++;
            errorCodes.set(String(fr.code), (errorCodes.get(String(fr.code)) ?? 0) + 1);
          }
          if (fr.t === 'msg' && fr.conversationId === f.conversationId) {
            seen.push(Number(fr.seq));
            if (seen.includes(f.seq + 1)) {
              clearTimeout(timer);
              resolve(performance.now() - t0);
            }
          }
        });
      });
      peer.send({
        t: 'hello',
        v: 1,
        role: 'visitor',
        siteKey: v.siteKey,
        token: v.token,
        resume: { [f.conversationId]: f.seq },
      });
      const ms = await done;
      // Frames still in flight (a duplicate would follow right behind).
      await new Promise((r) => setTimeout(r, 50));
      return { ms, got: seen.length, peer };
    }),
  );
  const ok = times.filter((t) => Number.isFinite(t.ms)).map((t) => t.ms);
  ok.sort((a, b) => a - b);
  for (const t of times) t.peer?.close();
  agent.close();
  const r1 = (x: number) => Math.round(x * 10) / 10;
  return {
    visitors: first.length,
    allResumedMs: r1(ok.at(-1) ?? NaN),
    resumeP50Ms: r1(percentile(ok, 50)),
    resumeP99Ms: r1(percentile(ok, 99)),
    lost: first.length - ok.length,
    duplicates: times.reduce((n, t) => n + Math.max(0, t.got - 1), 0),
    errors,
    errorCodes: Object.fromEntries(errorCodes),
  };
}
