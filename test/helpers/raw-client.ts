// A bare TCP connection for sending hand-built frames: for edge cases and bad input only
// (compatibility is proven with real clients elsewhere).
import { connect, type Socket } from 'node:net';
import { Reader, Writer, encodeRequestHeader, decodeResponseHeader } from '../../src/protocol/index.js';

export class RawConnection {
  readonly #socket: Socket;
  /** Received bytes not yet returned, as chunks (joined only once a whole frame is there). */
  #chunks: Buffer[] = [];
  #len = 0;
  #waiters: Array<() => void> = [];
  #closed = false;
  #correlation = 1;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.on('data', (d: Buffer) => {
      this.#chunks.push(d);
      this.#len += d.length;
      this.#wake();
    });
    socket.on('close', () => {
      this.#closed = true;
      this.#wake();
    });
    socket.on('error', () => {});
  }

  static open(port: number): Promise<RawConnection> {
    return new Promise((res, rej) => {
      const s = connect(port, '127.0.0.1', () => res(new RawConnection(s)));
      s.once('error', rej);
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  writeRaw(bytes: Buffer): void {
    this.#socket.write(bytes);
  }

  /** Sends a size-prefixed frame. */
  sendFrame(body: Buffer): void {
    const size = Buffer.alloc(4);
    size.writeInt32BE(body.length);
    this.#socket.write(Buffer.concat([size, body]));
  }

  /** Encodes a request with our codecs (header + body) and returns its correlation id. */
  send<T>(api: { apiKey: number; encodeRequest(w: Writer, v: number, body: T): void }, version: number, body: T): number {
    const w = new Writer();
    const correlationId = this.#correlation++;
    encodeRequestHeader(w, { apiKey: api.apiKey, apiVersion: version, correlationId, clientId: 'raw-test' });
    api.encodeRequest(w, version, body);
    this.sendFrame(w.toBuffer());
    return correlationId;
  }

  async request<T, R>(api: { apiKey: number; encodeRequest(w: Writer, v: number, body: T): void; decodeResponse(r: Reader, v: number): R }, version: number, body: T): Promise<R> {
    const id = this.send(api, version, body);
    const frame = await this.readFrame();
    if (!frame) throw new Error('connection closed before a response');
    const r = new Reader(frame);
    const header = decodeResponseHeader(r, api.apiKey, version);
    if (header.correlationId !== id) throw new Error(`correlation id ${header.correlationId}, expected ${id}`);
    return api.decodeResponse(r, version);
  }

  /** The next response frame (without its size), or null when the broker closed the connection. */
  async readFrame(timeoutMs = 10_000): Promise<Buffer | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.#len >= 4) {
        if (this.#chunks[0]!.length < 4) this.#chunks = [Buffer.concat(this.#chunks)];
        const n = this.#chunks[0]!.readInt32BE(0);
        if (this.#len >= 4 + n) {
          const all = this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks, this.#len);
          const frame = all.subarray(4, 4 + n);
          const rest = all.subarray(4 + n);
          this.#chunks = rest.length > 0 ? [rest] : [];
          this.#len = rest.length;
          return frame;
        }
      }
      if (this.#closed) return null;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('timed out waiting for a response frame');
      await new Promise<void>((res) => {
        const t = setTimeout(res, left);
        this.#waiters.push(() => {
          clearTimeout(t);
          res();
        });
      });
    }
  }

  /** Resolves true once the broker closed the connection (within the timeout). */
  async waitClosed(timeoutMs = 10_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.#closed && Date.now() < deadline) {
      await new Promise<void>((res) => {
        const t = setTimeout(res, 100);
        this.#waiters.push(() => {
          clearTimeout(t);
          res();
        });
      });
    }
    return this.#closed;
  }

  /** Stops reading from the socket (a slow reader: the broker's writes back up), until `resume`. */
  pause(): void {
    this.#socket.pause();
  }

  resume(): void {
    this.#socket.resume();
  }

  close(): void {
    this.#socket.destroy();
  }

  #wake(): void {
    const w = this.#waiters;
    this.#waiters = [];
    for (const f of w) f();
  }
}
