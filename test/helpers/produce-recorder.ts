// A loopback TCP relay between real clients and a broker that keeps a copy of every record batch the
// clients sent in Produce requests, so tests can compare what a client sent with what the log serves,
// byte for byte. Start the broker with advertised.listeners pointing at the relay, so clients that
// reconnect after Metadata come back through it. Bytes are forwarded unchanged.
import { createServer, connect, type Server, type Socket } from 'node:net';
import { Produce, Reader, decodeRequestHeader } from '../../src/protocol/index.js';

export interface SentBatches {
  topic: string;
  partition: number;
  records: Buffer;
}

export class ProduceRecorder {
  readonly sent: SentBatches[] = [];
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  #target = 0;

  private constructor(server: Server) {
    this.#server = server;
  }

  /** Listens on `port` (0: any); call `forwardTo` before clients connect. */
  static async listen(port = 0): Promise<ProduceRecorder> {
    const server = createServer();
    const rec = new ProduceRecorder(server);
    server.on('connection', (s) => rec.#relay(s));
    await new Promise<void>((res) => server.listen(port, '127.0.0.1', res));
    return rec;
  }

  get port(): number {
    const a = this.#server.address();
    if (a === null || typeof a === 'string') throw new Error('not listening');
    return a.port;
  }

  forwardTo(port: number): void {
    this.#target = port;
  }

  async close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((res) => this.#server.close(() => res()));
  }

  #relay(client: Socket): void {
    const broker = connect(this.#target, '127.0.0.1');
    this.#sockets.add(client).add(broker);
    let pending: Buffer = Buffer.alloc(0);
    client.on('data', (d: Buffer) => {
      broker.write(d);
      pending = pending.length === 0 ? d : Buffer.concat([pending, d]);
      while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
        const frame = pending.subarray(4, 4 + pending.readInt32BE(0));
        pending = pending.subarray(4 + frame.length);
        this.#record(frame);
      }
    });
    broker.on('data', (d: Buffer) => client.write(d));
    const end = () => {
      client.destroy();
      broker.destroy();
      this.#sockets.delete(client);
      this.#sockets.delete(broker);
    };
    client.on('close', end).on('error', end);
    broker.on('close', end).on('error', end);
  }

  #record(frame: Buffer): void {
    const r = new Reader(frame);
    const h = decodeRequestHeader(r);
    if (h.apiKey !== Produce.apiKey) return;
    const req = Produce.decodeRequest(r, h.apiVersion);
    for (const t of req.topicData) {
      for (const p of t.partitionData) {
        if (p.records) this.sent.push({ topic: t.name, partition: p.index, records: Buffer.from(p.records) });
      }
    }
  }
}
