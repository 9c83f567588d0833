// Helpers for the gateway integration tests: a broker process with the gateway on, HTTP calls with
// bounded time, and a WebSocket client that collects what it receives.
import WebSocket from 'ws';
import { BrokerProcess, freePort } from '../helpers/broker-process.js';

export interface GatewayBroker {
  broker: BrokerProcess;
  http: string;
  ws: string;
}

export async function startGatewayBroker(overrides: Record<string, string | number | boolean> = {}, opts: { onDisk?: boolean } = {}): Promise<GatewayBroker> {
  const port = await freePort();
  const broker = await BrokerProcess.start({ overrides: { 'gateway.listeners': `HTTP://127.0.0.1:${port}`, ...overrides }, onDisk: opts.onDisk });
  // The gateway logs after the broker's start line; give it a moment, bounded. A broker whose gateway did not
  // start is stopped here: the caller never gets it to close.
  const deadline = Date.now() + 10_000;
  while (!broker.output.includes('"gateway started"')) {
    if (Date.now() > deadline) {
      await broker.close();
      throw new Error(`gateway did not start:\n${broker.output}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return { broker, http: `http://127.0.0.1:${port}`, ws: `ws://127.0.0.1:${port}/ws` };
}

export interface HttpAnswer {
  status: number;
  body: any;
  text: string;
}

export async function http(method: string, url: string, body?: string | Buffer, contentType = 'application/json', headers: Record<string, string> = {}): Promise<HttpAnswer> {
  const res = await fetch(url, { method, body, headers: body !== undefined ? { 'content-type': contentType, ...headers } : headers, signal: AbortSignal.timeout(30_000) });
  const text = await res.text();
  let parsed: unknown = undefined;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: parsed, text };
}

export const postJson = (url: string, doc: unknown, query = '') => http('POST', url + query, JSON.stringify(doc));

/** A WebSocket client that keeps every message and lets a test wait for a condition, bounded. */
export class WsClient {
  readonly messages: Array<{ text?: any; binary?: Buffer }> = [];
  readonly #waiters: Array<() => void> = [];
  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      this.messages.push(isBinary ? { binary: Buffer.from(data) } : { text: JSON.parse(data.toString('utf8')) });
      for (const w of this.#waiters.splice(0)) w();
    });
  }

  static open(url: string): Promise<WsClient> {
    return new Promise((resolve, reject) => {
      const s = new WebSocket(url);
      const timer = setTimeout(() => reject(new Error(`websocket ${url} did not open`)), 10_000);
      s.once('open', () => {
        clearTimeout(timer);
        resolve(new WsClient(s));
      });
      s.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
  }

  send(msg: unknown): void {
    this.socket.send(JSON.stringify(msg));
  }

  get texts(): any[] {
    return this.messages.filter((m) => m.text !== undefined).map((m) => m.text);
  }

  /** Records of every JSON records message, in arrival order. */
  get records(): Array<{ partition: number; offset: number; key: string | null; value: string | null; timestamp: number; headers: Array<[string, string | null]> }> {
    return this.texts.filter((t) => t.type === 'records').flatMap((t) => t.records.map((r: any) => ({ ...r, partition: t.partition })));
  }

  async until(what: string, cond: () => boolean, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!cond()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; got ${this.messages.length} messages, last: ${JSON.stringify(this.messages.at(-1)?.text ?? this.messages.at(-1)?.binary?.length)}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, Math.min(left, 200));
        this.#waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.readyState === WebSocket.CLOSED) return resolve();
      const t = setTimeout(() => {
        this.socket.terminate();
        resolve();
      }, 5000);
      this.socket.once('close', () => {
        clearTimeout(t);
        resolve();
      });
      this.socket.close();
    });
  }
}
