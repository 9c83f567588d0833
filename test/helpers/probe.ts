// A raw Kafka connection from a chosen source address (127.0.0.2, ...) that asks ApiVersions whenever told to:
// whether a broker serves a new connection or closes it unanswered (connection limits), and whether one it
// accepted earlier is still served.
import { connect, type Socket } from 'node:net';

/** A v0 ApiVersions request frame (header v1: api key, version, correlation id, client id; empty body). */
function apiVersionsFrame(correlationId: number): Buffer {
  const clientId = Buffer.from('connlimits-probe');
  const body = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length);
  body.writeInt16BE(18, 0);
  body.writeInt16BE(0, 2);
  body.writeInt32BE(correlationId, 4);
  body.writeInt16BE(clientId.length, 8);
  clientId.copy(body, 10);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
}

/** A connection from one source address that asks ApiVersions whenever told to. */
export class Probe {
  #buf = Buffer.alloc(0);
  #waiter: ((r: 'served' | 'closed') => void) | undefined;
  #closed = false;
  #next = 1;

  private constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.#buf = Buffer.concat([this.#buf, d]);
      while (this.#buf.length >= 4 && this.#buf.length >= 4 + this.#buf.readInt32BE(0)) {
        this.#buf = this.#buf.subarray(4 + this.#buf.readInt32BE(0));
        this.#settle('served');
      }
    });
    socket.on('close', () => {
      this.#closed = true;
      this.#settle('closed');
    });
    socket.on('error', () => socket.destroy());
  }

  #settle(r: 'served' | 'closed'): void {
    const w = this.#waiter;
    this.#waiter = undefined;
    w?.(r);
  }

  /** Connects from `localAddress` and asks once: the probe and whether it was answered or closed unanswered. */
  static async open(port: number, localAddress: string): Promise<{ probe: Probe; result: 'served' | 'closed' }> {
    const socket = connect({ host: '127.0.0.1', port, localAddress });
    const probe = new Probe(socket);
    await new Promise<void>((resolve) => {
      socket.once('connect', () => resolve());
      socket.once('close', () => resolve());
    });
    return { probe, result: await probe.ask() };
  }

  /** Sends ApiVersions; 'served' when an answer comes, 'closed' when the connection closes first (20 s bound). */
  ask(): Promise<'served' | 'closed'> {
    if (this.#closed) return Promise.resolve('closed');
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no answer and no close within 20 s')), 20_000);
      this.#waiter = (r) => {
        clearTimeout(timer);
        resolve(r);
      };
      this.socket.write(apiVersionsFrame(this.#next++));
    });
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Opens `n` connections from `localAddress` one after another; the served ones stay open. */
export async function openMany(port: number, localAddress: string, n: number): Promise<{ served: Probe[]; closed: number }> {
  const served: Probe[] = [];
  let closed = 0;
  for (let i = 0; i < n; i++) {
    const { probe, result } = await Probe.open(port, localAddress);
    if (result === 'served') served.push(probe);
    else closed++;
  }
  return { served, closed };
}

export async function allStillServed(probes: readonly Probe[]): Promise<boolean> {
  return (await Promise.all(probes.map((p) => p.ask()))).every((r) => r === 'served');
}

export function closeAll(probes: readonly Probe[]): void {
  for (const p of probes) p.close();
}
