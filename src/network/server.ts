// The Kafka listener: accepts TCP connections and gives each a Connection (framing, ordering, flow control).
import { createServer, type Server, type Socket } from 'node:net';
import { Connection, InflightBudget, type ConnectionLimits, type ConnectionLogger, type ExternalTransport, type FrameHandler } from './connection.js';

export interface ListenerOptions extends ConnectionLimits {
  readonly host: string;
  readonly port: number;
  readonly maxQueuedBytes: number;
}

export class SocketServer {
  readonly #server: Server;
  readonly #connections = new Set<Connection>();
  readonly #budget: InflightBudget;
  #nextId = 1;

  constructor(readonly options: ListenerOptions, handler: FrameHandler, log: ConnectionLogger, transport?: ExternalTransport) {
    this.#budget = new InflightBudget(options.maxQueuedBytes);
    this.#server = createServer({ noDelay: true }, (socket: Socket) => {
      const conn = new Connection(this.#nextId++, socket, handler, options, this.#budget, log, transport);
      this.#connections.add(conn);
      socket.once('close', () => this.#connections.delete(conn));
    });
  }

  /** Binds the listener; resolves with the bound port (useful when port 0 asked for a free one). */
  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen({ host: this.options.host, port: this.options.port }, () => {
        this.#server.off('error', reject);
        const addr = this.#server.address();
        resolve(typeof addr === 'object' && addr ? addr.port : this.options.port);
      });
    });
  }

  get connectionCount(): number {
    return this.#connections.size;
  }

  /** Stops accepting and closes every connection. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.close(() => resolve());
      for (const c of this.#connections) c.close('shutdown');
    });
  }
}
