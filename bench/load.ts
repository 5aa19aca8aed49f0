/**
 * Open-loop load generator speaking the public protocol: V visitors send at a fixed total rate
 * (sends are scheduled by the clock, not by acks, so a slow server shows up as latency instead
 * of hiding it); one agent connection receives every message. Latency = agent receipt time −
 * visitor send time, both taken in this process (one clock).
 */
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';

export interface LoadOptions {
  wsUrl: string;
  visitors: { siteKey: string; token: string }[];
  /** Cookie of a signed-in agent; absent for the relay baseline. */
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

function open(url: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers, perMessageDeflate: false });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function nextFrame(ws: WebSocket, t: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${t} frame within 10 s`)), 10_000);
    const on = (d: Buffer) => {
      const f = JSON.parse(d.toString()) as Record<string, unknown>;
      if (f.t === t || f.t === 'error') {
        clearTimeout(timer);
        ws.off('message', on);
        if (f.t === 'error') reject(new Error(`server refused: ${JSON.stringify(f)}`));
        else resolve(f);
      }
    };
    ws.on('message', on);
  });
}

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const agent = await open(o.wsUrl, o.agentCookie ? { cookie: o.agentCookie } : {});
  agent.send(JSON.stringify({ t: 'hello', v: 1, role: 'agent' }));
  await nextFrame(agent, 'welcome');

  const visitors = await Promise.all(
    o.visitors.map(async (v) => {
      const ws = await open(o.wsUrl);
      ws.send(JSON.stringify({ t: 'hello', v: 1, role: 'visitor', siteKey: v.siteKey, token: v.token }));
      await nextFrame(ws, 'welcome');
      // The first message opens the visitor's conversation; later sends name it.
      ws.send(JSON.stringify({ t: 'send', clientMsgId: randomUUID(), body: 'hello' }));
      const ack = await nextFrame(ws, 'ack');
      return { ws, conversationId: String(ack.conversationId) };
    }),
  );

  const sentAt = new Map<string, number>();
  const measured = new Set<string>();
  const e2e: number[] = [];
  const acks: number[] = [];
  let errors = 0;
  let delivered = 0;
  let acked = 0;
  let measuring = false;

  agent.on('message', (d: Buffer) => {
    const now = performance.now();
    const f = JSON.parse(d.toString()) as { t: string; clientMsgId?: string };
    if (f.t !== 'msg' || !f.clientMsgId) return;
    const at = sentAt.get(f.clientMsgId);
    if (at === undefined || !measured.has(f.clientMsgId)) return;
    delivered++;
    e2e.push(now - at);
  });
  for (const v of visitors) {
    v.ws.on('message', (d: Buffer) => {
      const now = performance.now();
      const f = JSON.parse(d.toString()) as { t: string; clientMsgId?: string };
      if (f.t === 'error') errors++;
      if (f.t !== 'ack' || !f.clientMsgId || !measured.has(f.clientMsgId)) return;
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
        v.ws.send(
          JSON.stringify({
            t: 'send',
            clientMsgId: id,
            conversationId: v.conversationId,
            body: `load ${sent}`,
          }),
        );
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
