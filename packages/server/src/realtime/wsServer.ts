import { isUtf8 } from 'node:buffer';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { MAX_FRAME_BYTES } from '@parley/protocol';
import type { Gateway } from './gateway';
import type { RealtimeSocket } from './socket';

export const WS_PATH = '/ws';
/** Frames above this are cut off by `ws` itself (close 1009); between MAX_FRAME_BYTES and this, an error frame. */
const HARD_MAX_PAYLOAD = 1024 * 1024;

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) {
      try {
        return decodeURIComponent(part.slice(i + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/** Binds the transport-agnostic gateway to `ws` on the HTTP server's upgrade event. */
export function attachWebSocket(
  server: Server,
  gateway: Gateway,
  opts: { sessionCookie: string; trustProxy: boolean },
): WebSocketServer {
  // UTF-8 is validated by us so that bad bytes earn an error frame instead of an abrupt close.
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: HARD_MAX_PAYLOAD,
    skipUTF8Validation: true,
    perMessageDeflate: false,
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== WS_PATH) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      onConnection(ws, req);
    });
  });

  function onConnection(ws: WebSocket, req: IncomingMessage): void {
    const fwd = opts.trustProxy ? req.headers['x-forwarded-for'] : undefined;
    const socket: RealtimeSocket = {
      send: (text) => ws.send(text),
      close: (code, reason) => ws.close(code, reason),
      get bufferedAmount() {
        return ws.bufferedAmount;
      },
      ping: () => ws.ping(),
    };
    const ua = req.headers['user-agent'];
    const conn = gateway.open(socket, {
      origin: req.headers.origin,
      sessionToken: cookieValue(req.headers.cookie, opts.sessionCookie),
      host: req.headers.host,
      ip:
        (typeof fwd === 'string' ? fwd.split(',')[0]?.trim() : undefined) ?? req.socket.remoteAddress ?? null,
      userAgent: typeof ua === 'string' ? ua : null,
    });
    ws.on('message', (data, isBinary) => {
      const buf = toBuffer(data);
      if (isBinary)
        return gateway.reject(
          conn,
          'bad_frame',
          'binary frames are not part of the protocol; send JSON text',
        );
      if (buf.length > MAX_FRAME_BYTES)
        return gateway.reject(conn, 'frame_too_large', `frames are limited to ${MAX_FRAME_BYTES} bytes`);
      if (!isUtf8(buf)) return gateway.reject(conn, 'invalid_utf8', 'frame is not valid UTF-8');
      gateway.receive(conn, buf.toString('utf8'));
    });
    ws.on('pong', () => gateway.pong(conn));
    ws.on('close', () => gateway.closed(conn));
    ws.on('error', () => {
      // ws emits 'close' after 'error' (e.g. payload over the hard cap → 1009); nothing else to do.
    });
  }

  return wss;
}
