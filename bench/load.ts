/**
 * Open-loop load generator speaking the public protocol: V visitors send at a fixed total rate
 * (sends are scheduled by the clock, not by acks, so a slow server shows up as latency instead
 * of hiding it); one agent connection receives every message. Latency = agent receipt time −
 * visitor send time, both taken in this process (one clock).
 */
import { randomUUID } from 'node:crypto';
import { nextFrame, openPeer, pool, type Frame, type Transport } from './peers';

export interface LoadOptions {
  transport?: Transport;
  /** Where visitors connect. */
  wsUrl: string;
  /** Where the agent connects (another node in the cluster scenario); defaults to wsUrl. */
  agentUrl?: string;
  visitors: { siteKey: string; token: string }[];
  /** Cookie of a signed-in agent; absent for the relay baselines. */
  agentCookie?: string;
  rate: number;
  warmupMs: number;
  measureMs: number;
}
export interface LoadResult {
  rate: number;
  sent: number;
  delivered: number;
  acked: number;
  errors: number;
  achievedRate: number;
  e2e: { p50: number; p95: number; p99: number; max: number };
  ack: { p50: number; p95: number; p99: number };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const transport = o.transport ?? 'ws';
  const agent = await openPeer(
    transport,
    o.agentUrl ?? o.wsUrl,
    o.agentCookie ? { headers: { cookie: o.agentCookie } } : {},
  );
  const agentWelcome = nextFrame(agent, 'welcome');
  agent.send({ t: 'hello', v: 1, role: 'agent' });
  await agentWelcome;

  const visitors = await pool(o.visitors, 50, async (v) => {
    const ws = await openPeer(transport, o.wsUrl);
    const welcome = nextFrame(ws, 'welcome');
    ws.send({ t: 'hello', v: 1, role: 'visitor', siteKey: v.siteKey, token: v.token });
    await welcome;
    // The first message opens the visitor's conversation; later sends name it.
    const acked = nextFrame(ws, 'ack');
    ws.send({ t: 'send', clientMsgId: randomUUID(), body: 'hello' });
    const ack = await acked;
    return { ws, conversationId: String(ack.conversationId) };
  });

  const sentAt = new Map<string, number>();
  const measured = new Set<string>();
  const e2e: number[] = [];
  const acks: number[] = [];
  let errors = 0;
  let delivered = 0;
  let acked = 0;
  let measuring = false;

  agent.onFrame((f: Frame) => {
    const now = performance.now();
    if (f.t !== 'msg' || typeof f.clientMsgId !== 'string') return;
    const at = sentAt.get(f.clientMsgId);
    if (at === undefined || !measured.has(f.clientMsgId)) return;
    delivered++;
    e2e.push(now - at);
  });
  for (const v of visitors) {
    v.ws.onFrame((f: Frame) => {
      const now = performance.now();
      if (f.t === 'error') errors++;
      if (f.t !== 'ack' || typeof f.clientMsgId !== 'string' || !measured.has(f.clientMsgId)) return;
      const at = sentAt.get(f.clientMsgId);
      if (at === undefined) return;
      acked++;
      acks.push(now - at);
    });
  }

  const start = performance.now();
  const end = start + o.warmupMs + o.measureMs;
  let sent = 0;
  let i = 0;
  let measuredSent = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      measuring = now >= start + o.warmupMs;
      const due = Math.floor(((now - start) / 1000) * o.rate);
      while (sent < due) {
        const v = visitors[i++ % visitors.length];
        if (!v) break;
        const id = randomUUID();
        sentAt.set(id, performance.now());
        if (measuring) {
          measured.add(id);
          measuredSent++;
        }
        v.ws.send({ t: 'send', clientMsgId: id, conversationId: v.conversationId, body: `load ${sent}` });
        sent++;
      }
      if (now >= end) resolve();
      else setImmediate(tick);
    };
    tick();
  });
  // Let the tail drain (bounded), then count.
  const drainUntil = performance.now() + 5000;
  while ((delivered < measuredSent || acked < measuredSent) && performance.now() < drainUntil) {
    await new Promise((r) => setTimeout(r, 20));
  }
  for (const v of visitors) v.ws.close();
  agent.close();
  e2e.sort((a, b) => a - b);
  acks.sort((a, b) => a - b);
  const r2 = (x: number) => Math.round(x * 100) / 100;
  return {
    rate: o.rate,
    sent: measuredSent,
    delivered,
    acked,
    errors,
    achievedRate: Math.round(delivered / (o.measureMs / 1000)),
    e2e: {
      p50: r2(percentile(e2e, 50)),
      p95: r2(percentile(e2e, 95)),
      p99: r2(percentile(e2e, 99)),
      max: r2(e2e.at(-1) ?? NaN),
    },
    ack: { p50: r2(percentile(acks, 50)), p95: r2(percentile(acks, 95)), p99: r2(percentile(acks, 99)) },
  };
}
