// A loopback TCP proxy for tests: forwards every connection to a target port until cut(), which drops the
// open connections and refuses new ones (accepted, then closed at once) until restore(). A client behind it
// is partitioned from its server as by a network fault, while other clients reach the server directly.
import { createServer, connect, type Server, type Socket } from 'node:net';

export class TcpProxy {
  #port = 0;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  #cut = false;

  private constructor(targetPort: number) {
    this.#server = createServer((client) => {
      if (this.#cut) {
        client.destroy();
        return;
      }
      const upstream = connect(targetPort, '127.0.0.1');
      for (const s of [client, upstream]) {
        this.#sockets.add(s);
        s.on('close', () => this.#sockets.delete(s));
        s.on('error', () => {});
      }
      client.pipe(upstream);
      upstream.pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
  }

  static async start(targetPort: number): Promise<TcpProxy> {
    const proxy = new TcpProxy(targetPort);
    await new Promise<void>((res) => proxy.#server.listen(0, '127.0.0.1', res));
    proxy.#port = (proxy.#server.address() as { port: number }).port;
    return proxy;
  }

  /** The loopback port clients connect to. */
  get port(): number {
    return this.#port;
  }

  /** Drops every open connection; new ones are closed at once until restore(). */
  cut(): void {
    this.#cut = true;
    for (const s of this.#sockets) s.destroy();
  }

  restore(): void {
    this.#cut = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((res) => this.#server.close(() => res()));
  }
}
