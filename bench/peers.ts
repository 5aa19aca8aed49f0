/**
 * The generator's side of a connection, over plain WebSocket (Parley, the raw relay) or Socket.IO
 * (the relay-with-rooms baseline): JSON frames in, JSON frames out, whatever carries them.
 */
import WebSocket from 'ws';
import { io as ioClient } from 'socket.io-client';

export type Frame = Record<string, unknown> & { t: string };

export interface Peer {
  send(frame: Frame): void;
  onFrame(cb: (f: Frame) => void): () => void;
  close(): void;
  /** Drops the connection without a closing handshake (a network cut). */
  terminate(): void;
}

export type Transport = 'ws' | 'socketio';

export interface OpenOptions {
  headers?: Record<string, string>;
  /** Source address on 127.0.0.0/8: each one has its own ~28k ephemeral ports. */
  localAddress?: string;
}

export function openPeer(transport: Transport, url: string, o: OpenOptions = {}): Promise<Peer> {
  return transport === 'ws' ? openWs(url, o) : openSocketIo(url, o);
}

function openWs(url: string, o: OpenOptions): Promise<Peer> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, {
      headers: o.headers ?? {},
      perMessageDeflate: false,
      ...(o.localAddress !== undefined && { localAddress: o.localAddress }),
    });
    ws.once('error', reject);
    ws.once('open', () => {
      ws.off('error', reject);
      ws.on('error', () => undefined);
      resolve({
        send: (f) => ws.send(JSON.stringify(f)),
        onFrame: (cb) => {
          const on = (d: Buffer) => cb(JSON.parse(d.toString()) as Frame);
          ws.on('message', on);
          return () => ws.off('message', on);
        },
        close: () => ws.close(),
        terminate: () => ws.terminate(),
      });
    });
  });
}

function openSocketIo(url: string, o: OpenOptions): Promise<Peer> {
  return new Promise((resolve, reject) => {
    const s = ioClient(url, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      extraHeaders: o.headers ?? {},
    });
    s.once('connect_error', reject);
    s.once('connect', () => {
      resolve({
        send: (f) => s.emit('frame', f),
        onFrame: (cb) => {
          s.on('frame', cb);
          return () => s.off('frame', cb);
        },
        close: () => s.close(),
        terminate: () => s.disconnect(),
      });
    });
  });
}

/** The next frame of type `t` (or an error frame, which rejects). */
export function nextFrame(peer: Peer, t: string, timeoutMs = 15_000): Promise<Frame> {
  return new Promise((resolve, reject) => {
    const off = peer.onFrame((f) => {
      if (f.t !== t && f.t !== 'error') return;
      clearTimeout(timer);
      off();
      if (f.t === 'error') reject(new Error(`server refused: ${JSON.stringify(f)}`));
      else resolve(f);
    });
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no ${t} frame within ${timeoutMs} ms`));
    }, timeoutMs);
  });
}

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function pool<T, R>(
  items: T[],
  limit: number,
  fn: (item: T, i: number) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i] as T, i);
      }
    }),
  );
  return out;
}
