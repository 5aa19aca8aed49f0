/**
 * Baseline: a raw `ws` relay with no storage, speaking just enough of the Parley protocol (hello,
 * send → ack + msg to agents) for the same load generator to drive it. It is the ceiling: what
 * the machine does when nothing is written anywhere.
 */
import { WebSocketServer, type WebSocket } from 'ws';

const port = Number(process.env.PORT ?? 0);
const wss = new WebSocketServer({ port, host: '127.0.0.1', perMessageDeflate: false });
const agents = new Set<WebSocket>();
let seq = 0;

wss.on('connection', (ws) => {
  ws.on('message', (data: Buffer) => {
    const f = JSON.parse(data.toString()) as {
      t: string;
      role?: string;
      clientMsgId?: string;
      conversationId?: string;
      body?: string;
    };
    if (f.t === 'hello') {
      if (f.role === 'agent') agents.add(ws);
      ws.send(JSON.stringify({ t: 'welcome', conversations: [] }));
    } else if (f.t === 'send') {
      seq++;
      const conversationId = f.conversationId ?? 'c';
      ws.send(JSON.stringify({ t: 'ack', clientMsgId: f.clientMsgId, conversationId, seq }));
      const msg = JSON.stringify({ t: 'msg', conversationId, seq, clientMsgId: f.clientMsgId, body: f.body });
      for (const a of agents) a.send(msg);
    }
  });
  ws.on('close', () => agents.delete(ws));
});
wss.on('listening', () => {
  const addr = wss.address();
  process.stdout.write(`relay listening ${typeof addr === 'object' && addr !== null ? addr.port : port}\n`);
});
