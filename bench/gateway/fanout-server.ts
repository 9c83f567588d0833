// Baseline fan-out servers for the WebSocket benchmark: the smallest useful broadcaster on `ws` and
// on uWebSockets.js. A client that sends "pub" becomes the publisher; every frame it sends is sent
// as-is to every subscriber whose backlog is under 1 MiB (the gateway's default), the same policy
// the gateway applies. No log, no decoding: this measures the transport alone.
//   node dist/bench/gateway/fanout-server.js ws|uws <port>
import { WebSocketServer, type WebSocket as WsSocket } from 'ws';
import { uws } from '../../src/gateway/uws.js';

const [impl, portText] = process.argv.slice(2);
const port = Number(portText);
const LIMIT = 1 << 20;

if (impl === 'ws') {
  const subs = new Set<WsSocket>();
  const wss = new WebSocketServer({ host: '127.0.0.1', port, perMessageDeflate: false });
  wss.on('connection', (ws) => {
    let role: 'sub' | 'pub' | undefined;
    ws.on('message', (data, isBinary) => {
      if (role === undefined) {
        role = data.toString() === 'pub' ? 'pub' : 'sub';
        if (role === 'sub') subs.add(ws);
        ws.send('ok');
        return;
      }
      if (role === 'pub') for (const s of subs) if (s.bufferedAmount < LIMIT) s.send(data, { binary: isBinary });
    });
    ws.on('close', () => subs.delete(ws));
  });
  wss.on('listening', () => console.log('listening'));
} else {
  const u = uws();
  const app = u.App();
  const subs = new Set<import('../../src/gateway/uws.js').WebSocket<{ role?: string }>>();
  app.ws<{ role?: string }>('/*', {
    maxPayloadLength: 16 << 20, maxBackpressure: 64 << 20,
    message: (ws, data, isBinary) => {
      const d = ws.getUserData();
      if (d.role === undefined) {
        d.role = Buffer.from(data).toString() === 'pub' ? 'pub' : 'sub';
        if (d.role === 'sub') subs.add(ws);
        ws.send('ok');
        return;
      }
      if (d.role === 'pub') for (const s of subs) if (s.getBufferedAmount() < LIMIT) s.send(data, isBinary);
    },
    close: (ws) => subs.delete(ws),
  });
  app.listen('127.0.0.1', port, (ls) => console.log(ls ? 'listening' : 'failed'));
}
