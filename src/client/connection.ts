// One TCP connection to one broker. Frames are int32-size-prefixed; every request
// carries a correlation id and many may be in flight at once (pipelined): the
// broker answers in request order, but responses are matched by correlation id,
// not position. On connect the client asks ApiVersions and, for each API, uses
// the highest version both sides support. A request that outlives its timeout
// closes the connection (as the Java client does), failing everything in flight.

import * as net from 'node:net';
import * as tls from 'node:tls';
import { ApiVersions, decodeResponseHeader, encodeRequestHeader, ErrorCode, Reader, SaslAuthenticate, SaslHandshake, SaslPlain, Scram, Writer, errorName } from '../protocol/index.js';
import { KafkaClientError, KafkaProtocolError } from './errors.js';

/** What the connection needs of a protocol API module (`Produce`, `Fetch`, ... from src/protocol). */
export interface ClientApi<Req, Res> {
  readonly apiKey: number;
  readonly apiName: string;
  readonly minVersion: number;
  readonly maxVersion: number;
  encodeRequest(w: Writer, version: number, body: Req): void;
  decodeResponse(r: Reader, version: number): Res;
}

export interface ConnectionOptions {
  host: string;
  port: number;
  clientId?: string;
  /** Default 10 s. */
  connectTimeoutMs?: number;
  /** Default 30 s; a request may extend it (fetch long polls add their wait). */
  requestTimeoutMs?: number;
  /** Node id from metadata, for messages; -1 for bootstrap connections. */
  nodeId?: number;
  /** TLS (security.protocol SSL or SASL_SSL): Node's TLS client options (ca, key, cert, servername, ...). */
  tls?: tls.ConnectionOptions;
  /** SASL (security.protocol SASL_PLAINTEXT or SASL_SSL), authenticated right after ApiVersions. */
  sasl?: SaslCredentials;
}

export interface SaslCredentials {
  readonly mechanism: string;
  readonly username: string;
  readonly password: string;
}

export interface SendOptions {
  /** Use this version instead of the negotiated one. */
  version?: number;
  timeoutMs?: number;
  /** False for requests the broker does not answer (Produce with acks=0). */
  expectResponse?: boolean;
}

interface Pending {
  apiKey: number;
  apiName: string;
  version: number;
  decode: (r: Reader, version: number) => unknown;
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

const MAX_CORRELATION_ID = 0x7fffffff;
const CLIENT_SOFTWARE_NAME = 'gregor-client';
const CLIENT_SOFTWARE_VERSION = '0.1.0';

export class Connection {
  readonly host: string;
  readonly port: number;
  readonly nodeId: number;
  readonly clientId: string;
  readonly #requestTimeoutMs: number;
  readonly #socket: net.Socket;
  readonly #pending = new Map<number, Pending>();
  #correlationId = 0;
  #closedError: KafkaClientError | null = null;
  /** Broker-supported version ranges by API key, from ApiVersions. */
  #brokerVersions = new Map<number, { min: number; max: number }>();
  // Incoming bytes not yet forming a whole frame.
  #chunks: Buffer[] = [];
  #buffered = 0;
  #frameSize = -1;
  readonly #closeListeners: Array<(err: Error | null) => void> = [];

  private constructor(socket: net.Socket, options: ConnectionOptions) {
    this.#socket = socket;
    this.host = options.host;
    this.port = options.port;
    this.nodeId = options.nodeId ?? -1;
    this.clientId = options.clientId ?? 'gregor';
    this.#requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    socket.on('data', (data: Buffer) => this.#onData(data));
    socket.on('error', (err) => this.#fail(new KafkaClientError('ERR_CLIENT_CONNECTION', `connection to ${this.address} failed: ${err.message}`, { cause: err })));
    socket.on('close', () => this.#fail(new KafkaClientError('ERR_CLIENT_CONNECTION_CLOSED', `connection to ${this.address} closed`)));
  }

  /** Opens the socket and negotiates API versions. */
  static async connect(options: ConnectionOptions): Promise<Connection> {
    const timeoutMs = options.connectTimeoutMs ?? 10_000;
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const s = options.tls ? tls.connect({ ...options.tls, host: options.host, port: options.port }) : net.connect({ host: options.host, port: options.port });
      const timer = setTimeout(() => {
        s.destroy();
        reject(new KafkaClientError('ERR_CLIENT_TIMEOUT', `could not connect to ${options.host}:${options.port} within ${timeoutMs} ms`));
      }, timeoutMs);
      s.once(options.tls ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        s.removeAllListeners('error');
        resolve(s);
      });
      s.once('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(new KafkaClientError('ERR_CLIENT_CONNECTION', `cannot connect to ${options.host}:${options.port}: ${err.code ?? err.message}`, { cause: err }));
      });
    });
    socket.setNoDelay(true);
    socket.setKeepAlive(true);
    const conn = new Connection(socket, options);
    try {
      await conn.#negotiateVersions();
      if (options.sasl) await conn.#authenticate(options.sasl);
    } catch (e) {
      conn.close();
      throw e;
    }
    return conn;
  }

  get address(): string {
    return `${this.host}:${this.port}${this.nodeId >= 0 ? ` (node ${this.nodeId})` : ''}`;
  }

  get closed(): boolean {
    return this.#closedError !== null;
  }

  get inFlight(): number {
    return this.#pending.size;
  }

  /** Called once when the connection closes, with the reason (null when closed by us). */
  onClose(listener: (err: Error | null) => void): void {
    this.#closeListeners.push(listener);
  }

  /** The broker's version range for an API, or undefined if it does not serve it. */
  brokerVersions(apiKey: number): { min: number; max: number } | undefined {
    return this.#brokerVersions.get(apiKey);
  }

  /** Highest version of `api` both sides support; throws ERR_CLIENT_UNSUPPORTED_VERSION if none. */
  versionFor(api: Pick<ClientApi<unknown, unknown>, 'apiKey' | 'apiName' | 'minVersion' | 'maxVersion'>): number {
    const broker = this.#brokerVersions.get(api.apiKey);
    if (broker === undefined) {
      throw new KafkaClientError('ERR_CLIENT_UNSUPPORTED_VERSION', `broker ${this.address} does not support ${api.apiName}`);
    }
    const version = Math.min(api.maxVersion, broker.max);
    if (version < Math.max(api.minVersion, broker.min)) {
      throw new KafkaClientError(
        'ERR_CLIENT_UNSUPPORTED_VERSION',
        `no common ${api.apiName} version: client v${api.minVersion}-${api.maxVersion}, broker ${this.address} v${broker.min}-${broker.max}`,
      );
    }
    return version;
  }

  /** Sends one request; resolves with the decoded response body. */
  send<Req, Res>(api: ClientApi<Req, Res>, body: Req, options: SendOptions = {}): Promise<Res> {
    const version = options.version ?? this.versionFor(api);
    return this.#send(api, version, body, options) as Promise<Res>;
  }

  #send<Req, Res>(api: ClientApi<Req, Res>, version: number, body: Req, options: SendOptions): Promise<unknown> {
    if (this.#closedError !== null) return Promise.reject(this.#closedError);
    const correlationId = this.#nextCorrelationId();
    const w = new Writer(256);
    w.int32(0); // frame size, patched below
    encodeRequestHeader(w, { apiKey: api.apiKey, apiVersion: version, correlationId, clientId: this.clientId });
    try {
      api.encodeRequest(w, version, body);
    } catch (e) {
      return Promise.reject(new KafkaClientError('ERR_CLIENT_INVALID_ARGUMENT', `cannot encode ${api.apiName} v${version} request: ${(e as Error).message}`, { cause: e }));
    }
    const chunks = w.toChunks();
    chunks[0]!.writeInt32BE(w.length - 4, 0);

    const expectResponse = options.expectResponse ?? true;
    const timeoutMs = options.timeoutMs ?? this.#requestTimeoutMs;
    const promise = expectResponse
      ? new Promise<unknown>((resolve, reject) => {
          const timer = setTimeout(() => {
            this.#pending.delete(correlationId);
            const err = new KafkaClientError('ERR_CLIENT_TIMEOUT', `${api.apiName} request to ${this.address} timed out after ${timeoutMs} ms`);
            reject(err);
            this.#destroy(err);
          }, timeoutMs);
          this.#pending.set(correlationId, {
            apiKey: api.apiKey,
            apiName: api.apiName,
            version,
            decode: api.decodeResponse,
            resolve,
            reject,
            timer,
          });
        })
      : null;

    const socket = this.#socket;
    socket.cork();
    let ok = true;
    for (const c of chunks) ok = socket.write(c);
    socket.uncork();
    if (promise !== null) return promise;
    // No answer coming: done once the bytes are handed to the kernel (or queued, if the socket is backed up).
    if (ok) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      const onDrain = () => {
        socket.off('close', onClose);
        resolve(undefined);
      };
      const onClose = () => {
        socket.off('drain', onDrain);
        reject(this.#closedError ?? new KafkaClientError('ERR_CLIENT_CONNECTION_CLOSED', `connection to ${this.address} closed`));
      };
      socket.once('drain', onDrain);
      socket.once('close', onClose);
    });
  }

  /** Resolves when the socket's write queue is below its high-water mark. */
  async drained(): Promise<void> {
    if (!this.#socket.writableNeedDrain || this.closed) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        this.#socket.off('drain', done);
        this.#socket.off('close', done);
        resolve();
      };
      this.#socket.once('drain', done);
      this.#socket.once('close', done);
    });
  }

  close(): void {
    this.#destroy(null);
  }

  #nextCorrelationId(): number {
    this.#correlationId = this.#correlationId >= MAX_CORRELATION_ID ? 1 : this.#correlationId + 1;
    return this.#correlationId;
  }

  async #negotiateVersions(): Promise<void> {
    const body = { clientSoftwareName: CLIENT_SOFTWARE_NAME, clientSoftwareVersion: CLIENT_SOFTWARE_VERSION };
    let res = (await this.#send(ApiVersions, ApiVersions.maxVersion, body, {})) as ApiVersions.ApiVersionsResponse;
    if (res.errorCode === ErrorCode.UNSUPPORTED_VERSION) {
      // The broker lists what it does support (in a v0 body); retry with its highest ApiVersions version.
      const theirs = res.apiKeys.find((k) => k.apiKey === ApiVersions.apiKey);
      const version = Math.min(ApiVersions.maxVersion, theirs?.maxVersion ?? 0);
      res = (await this.#send(ApiVersions, version, body, {})) as ApiVersions.ApiVersionsResponse;
    }
    if (res.errorCode !== ErrorCode.NONE) throw new KafkaProtocolError(res.errorCode, `ApiVersions from ${this.address}`);
    this.#brokerVersions = new Map(res.apiKeys.map((k) => [k.apiKey, { min: k.minVersion, max: k.maxVersion }]));
  }

  /** SaslHandshake v1, then the mechanism's tokens in SaslAuthenticate requests (KIP-152). */
  async #authenticate(sasl: SaslCredentials): Promise<void> {
    const hs = await this.send(SaslHandshake, { mechanism: sasl.mechanism }, { version: 1 });
    if (hs.errorCode !== ErrorCode.NONE) {
      throw new KafkaClientError('ERR_CLIENT_SASL', `${this.address}: SASL mechanism ${sasl.mechanism} refused (${errorName(hs.errorCode)}; enabled: ${hs.mechanisms.join(', ')})`);
    }
    const step = async (token: Buffer): Promise<Buffer> => {
      const res = await this.send(SaslAuthenticate, { authBytes: token });
      if (res.errorCode !== ErrorCode.NONE) throw new KafkaProtocolError(res.errorCode, `SaslAuthenticate to ${this.address}: ${res.errorMessage ?? ''}`);
      return res.authBytes;
    };
    if (sasl.mechanism === 'PLAIN') {
      await step(SaslPlain.formatPlain(sasl.username, sasl.password));
      return;
    }
    if (!Scram.isScramMechanism(sasl.mechanism)) throw new KafkaClientError('ERR_CLIENT_SASL', `SASL mechanism ${sasl.mechanism} is not supported by this client`);
    const m = sasl.mechanism;
    const nonce = Scram.newNonce();
    const first = Scram.formatClientFirst(sasl.username, nonce);
    const serverFirstText = (await step(Buffer.from(first.message))).toString('utf8');
    const serverFirst = Scram.parseServerFirst(serverFirstText);
    if (!serverFirst.nonce.startsWith(nonce)) throw new KafkaClientError('ERR_CLIENT_SASL', `${this.address}: SCRAM server nonce does not extend the client nonce`);
    const salted = Scram.saltedPassword(m, sasl.password, serverFirst.salt, serverFirst.iterations);
    const withoutProof = `c=biws,r=${serverFirst.nonce}`;
    const auth = Scram.authMessage(first.bare, serverFirstText, withoutProof);
    const proof = Scram.clientProof(m, salted, auth);
    const serverFinal = (await step(Buffer.from(`${withoutProof},p=${proof.toString('base64')}`))).toString('utf8');
    const expected = Scram.serverSignature(m, Scram.hmac(m, salted, 'Server Key'), auth).toString('base64');
    if (serverFinal !== `v=${expected}`) throw new KafkaClientError('ERR_CLIENT_SASL', `${this.address}: SCRAM server signature does not match`);
  }

  #onData(data: Buffer): void {
    this.#chunks.push(data);
    this.#buffered += data.length;
    for (;;) {
      if (this.#frameSize < 0) {
        if (this.#buffered < 4) return;
        this.#frameSize = this.#take(4).readInt32BE(0);
        if (this.#frameSize < 4) {
          this.#destroy(new KafkaClientError('ERR_CLIENT_BAD_RESPONSE', `invalid response frame size ${this.#frameSize} from ${this.address}`));
          return;
        }
      }
      if (this.#buffered < this.#frameSize) return;
      const frame = this.#take(this.#frameSize);
      this.#frameSize = -1;
      this.#onFrame(frame);
      if (this.closed) return;
    }
  }

  /** Removes and returns the first `n` buffered bytes (a view when they sit in one chunk). */
  #take(n: number): Buffer {
    const first = this.#chunks[0]!;
    let out: Buffer;
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.#chunks.shift();
      else this.#chunks[0] = first.subarray(n);
    } else {
      out = Buffer.allocUnsafe(n);
      let at = 0;
      while (at < n) {
        const c = this.#chunks[0]!;
        const k = Math.min(c.length, n - at);
        c.copy(out, at, 0, k);
        at += k;
        if (k === c.length) this.#chunks.shift();
        else this.#chunks[0] = c.subarray(k);
      }
    }
    this.#buffered -= n;
    return out;
  }

  #onFrame(frame: Buffer): void {
    const correlationId = frame.readInt32BE(0);
    const p = this.#pending.get(correlationId);
    if (p === undefined) return; // answer to a request that already timed out
    this.#pending.delete(correlationId);
    clearTimeout(p.timer);
    try {
      const r = new Reader(frame);
      decodeResponseHeader(r, p.apiKey, p.version);
      p.resolve(p.decode(r, p.version));
    } catch (e) {
      // ApiVersions answers an unsupported version with a v0 body.
      if (p.apiKey === ApiVersions.apiKey && p.version > 0) {
        try {
          const r = new Reader(frame, 4);
          p.resolve(ApiVersions.decodeResponse(r, 0));
          return;
        } catch {
          // fall through to the original error
        }
      }
      p.reject(new KafkaClientError('ERR_CLIENT_BAD_RESPONSE', `cannot decode ${p.apiName} v${p.version} response from ${this.address}: ${(e as Error).message}`, { cause: e }));
    }
  }

  #fail(err: KafkaClientError): void {
    this.#destroy(err);
  }

  #destroy(err: KafkaClientError | null): void {
    if (this.#closedError !== null) return;
    this.#closedError = err ?? new KafkaClientError('ERR_CLIENT_CLOSED', `connection to ${this.address} was closed by the client`);
    for (const p of this.#pending.values()) {
      clearTimeout(p.timer);
      p.reject(this.#closedError);
    }
    this.#pending.clear();
    this.#socket.destroy();
    for (const l of this.#closeListeners) l(err);
  }
}
