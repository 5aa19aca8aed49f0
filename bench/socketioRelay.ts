/**
 * Baseline: what many teams build instead of a chat server — Socket.IO with rooms, no storage. The
 * same frames as Parley's protocol travel as Socket.IO events: a visitor's send is acked to it and
 * emitted to the `agents` room. Between the raw relay (the ceiling) and Parley (durable storage).
 */
import { Server } from 'socket.io';

const port = Number(process.env.PORT ?? 0);
const io = new Server(port, { transports: ['websocket'], perMessageDeflate: false, serveClient: false });
let seq = 0;

interface Frame {
  t: string;
  role?: string;
  clientMsgId?: string;
  conversationId?: string;
  body?: string;
}

io.on('connection', (socket) => {
  socket.on('frame', (f: Frame) => {
    if (f.t === 'hello') {
      if (f.role === 'agent') void socket.join('agents');
      socket.emit('frame', { t: 'welcome', conversations: [] });
    } else if (f.t === 'send') {
      seq++;
      const conversationId = f.conversationId ?? `c-${socket.id}`;
      void socket.join(`conversation:${conversationId}`);
      socket.emit('frame', { t: 'ack', clientMsgId: f.clientMsgId, conversationId, seq });
      io.to('agents')
        .except(socket.id)
        .emit('frame', { t: 'msg', conversationId, seq, clientMsgId: f.clientMsgId, body: f.body });
    }
  });
});
process.stdout.write(`socket.io relay listening ${port}\n`);
