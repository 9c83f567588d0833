// One client connection: splits the byte stream into size-prefixed frames, hands each to the handler,
// and writes responses in the order their requests arrived (DESIGN.md §3 rule 3), however they finish.
//
// Memory rule (§3 rule 4): a frame larger than socket.request.max.bytes, or a negative size, closes the
// connection; reading pauses while this connection has too many requests in flight or the broker-wide
// budget of request bytes is spent, and while the socket's write buffer is full.
import diagnostics_channel from 'node:diagnostics_channel';
import type { Socket } from 'node:net';

/**
 * Published when a response is handed to the socket (or nothing is answered): where the request's time at
 * this broker went, in ms from `performance.now()`. Costs nothing while nobody subscribes.
 */
export const responseChannel = diagnostics_channel.channel('gregor:network:response');

export interface ResponseEvent {
  readonly conn: number;
  /** API key and request size (first bytes of the frame). */
  readonly apiKey: number;
  readonly requestBytes: number;
  /** The read that completed the frame returned. */
  readonly receivedAt: number;
  /** The frame went to the handler (later than `receivedAt` while the connection was paused). */
  readonly dispatchedAt: number;
  /** The handler's answer was ready. */
  readonly doneAt: number;
  /** The response's turn to be written came (after every earlier response on the connection). */
  readonly writtenAt: number;
  /**
   * Its last byte was handed to the kernel: the same as `writtenAt` for responses in memory (Node writes them
   * at once, or queues them when the socket is full); for file ranges, when the addon's sendfile finished.
   */
  readonly sentAt: number;
}

/** Response bytes that are not in memory (a segment file range); only the transport that knows them can write them. */
export interface ExternalPart {
  readonly external: true;
  readonly byteLength: number;
}

export type ResponsePart = Buffer | ExternalPart;

/** What the connection needs from the layer above: frame in, response parts (without size prefix) out. */
export interface FrameHandler {
  /** Returns the response body parts, or null when the request gets no response (acks=0 produce). Throw to close the connection. */
  handleFrame(frame: Buffer, conn: ConnectionInfo): ResponsePart[] | null | Promise<ResponsePart[] | null>;
}

/**
 * Writes responses with external parts (file ranges) to a socket: the hot path's job (src/hotpath), handed
 * to the listener by whoever wires the broker. Without one, responses may hold in-memory parts only.
 */
export interface ExternalTransport {
  /**
   * Writes `parts` (some external) to socket descriptor `fd` from native code, off the event loop. Called
   * only while Node has nothing queued on the socket; the connection writes nothing until it settles.
   * Resolves with null when all was written, or with where it stopped when the reader took nothing for
   * `waitMs` (the connection then writes the rest itself). Rejects when the connection failed (it is
   * then closed).
   */
  writeParts(fd: number, parts: readonly ResponsePart[], waitMs: number): Promise<StoppedAt | null>;
  /** Makes a `writeParts` in progress on `fd` fail now (the connection is closing): shuts the socket down. */
  abortWrites(fd: number): void;
  /** Up to `length` bytes of an external part from `offset` (default: all), for writing them from memory. */
  readExternal(part: ExternalPart, offset?: number, length?: number): Buffer;
  /** The external part without its first `bytes` bytes. */
  skipExternal(part: ExternalPart, bytes: number): ExternalPart;
}

/** Where a native write stopped: part `index` of the parts it was given, `offset` bytes into it. */
export interface StoppedAt {
  readonly index: number;
  readonly offset: number;
}

/** How long a native write waits for a reader that takes no bytes before handing the rest back (ms). */
const NATIVE_WAIT_MS = 20;
/** Bytes of a slow reader's response written from memory at a time before native writing resumes. */
const SLOW_READER_CHUNK = 256 * 1024;

/** Longest a response waits for a reader that accepts no bytes before the connection closes. */
const STALL_MS = 60_000;

/** The socket's file descriptor, or -1 (not a plain TCP socket, or already closed). */
function socketFd(socket: Socket): number {
  const fd = (socket as unknown as { _handle?: { fd?: unknown } })._handle?.fd;
  return typeof fd === 'number' && fd >= 0 ? fd : -1;
}

export interface ConnectionInfo {
  readonly id: number;
  /** The listener the connection came in on (`PLAINTEXT`, `SASL_SSL`, a custom name). */
  readonly listenerName: string;
  /** The listener's security protocol (listener.security.protocol.map). */
  readonly securityProtocol: string;
  /** Authentication of the connection, kept by the listener's authenticator (src/broker). */
  readonly auth: ConnectionAuth;
  /** Answers what is queued, then closes (a failed authentication). */
  closeAfterResponses(reason: string): void;
  /** Records a successful authentication: the principal, and when the session ends (0: never). */
  setAuthenticated(principal: string, expiresAtMs: number): void;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localPort: number;
  /**
   * Who the peer is, as Kafka names principals (`User:alice`). `User:ANONYMOUS` until a listener's
   * authentication (TLS client certificate, SASL) says otherwise.
   */
  readonly principal: string;
  /**
   * Quota throttling (KIP-219): stop reading requests from the peer for `ms` (the response that says
   * throttle_time_ms still goes out); a later call extends the mute, never shortens it.
   */
  throttle?(ms: number): void;
}

/**
 * Authentication state of one connection. The network layer enforces only what it must before any
 * request is parsed: frames above `maxPreAuthFrameBytes` close the connection, and one request at a time
 * is handled, until `authenticated`. What may be asked before then is the authenticator's rule.
 */
export interface ConnectionAuth {
  /** The listener needs SASL (SASL_PLAINTEXT, SASL_SSL) before other requests. */
  readonly saslRequired: boolean;
  authenticated: boolean;
  /** The authenticator's state for this connection (mechanism, exchange step). */
  session: unknown;
  /** When the SASL session ends (connections.max.reauth.ms, KIP-368); 0: never. */
  expiresAtMs: number;
  /** The TLS client certificate's subject DN (RFC 2253 order), when the peer presented one. */
  readonly peerCertificateDn: string | null;
}

/** What a listener tells each of its connections. */
export interface ConnectionSecurity {
  readonly listenerName: string;
  readonly securityProtocol: string;
  /** TLS socket: responses are written through it (file ranges read in bounded chunks), never with sendfile. */
  readonly tls: boolean;
  readonly saslRequired: boolean;
  /** sasl.server.max.receive.size: the largest frame before authentication. */
  readonly maxPreAuthFrameBytes: number;
}

const PLAINTEXT_SECURITY: ConnectionSecurity = { listenerName: 'PLAINTEXT', securityProtocol: 'PLAINTEXT', tls: false, saslRequired: false, maxPreAuthFrameBytes: 524288 };

/** The principal of a connection nobody authenticated (Kafka's KafkaPrincipal.ANONYMOUS). */
export const ANONYMOUS_PRINCIPAL = 'User:ANONYMOUS';

export interface ConnectionLimits {
  readonly maxFrameBytes: number;
  readonly maxInflightRequests: number;
  readonly idleMs: number;
  /** Where frames that span several socket reads are assembled (shared memory that worker threads can use). */
  readonly frames?: FrameAllocator;
}

/**
 * Memory for request frames that must be assembled from several socket reads. A frame taken here is
 * given back with `release` once its request has completed (its handler settled), and not before.
 */
export interface FrameAllocator {
  /** A buffer of exactly `size` bytes for a frame of API `apiKey`, or undefined for an ordinary Buffer. */
  take(apiKey: number, size: number): Buffer | undefined;
  release(frame: Buffer): void;
}

export interface ConnectionLogger {
  warn(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
  error?(obj: object, msg: string): void;
}

/** A broker-wide budget of request bytes in flight; connections pause reading while it is spent. */
export class InflightBudget {
  #used = 0;
  readonly #waiting = new Set<() => void>();
  constructor(readonly capacity: number) {}
  get used(): number {
    return this.#used;
  }
  get exhausted(): boolean {
    return this.#used >= this.capacity;
  }
  take(n: number): void {
    this.#used += n;
  }
  give(n: number): void {
    this.#used -= n;
    if (this.#used < this.capacity && this.#waiting.size > 0) {
      const waiting = [...this.#waiting];
      this.#waiting.clear();
      for (const w of waiting) w();
    }
  }
  whenAvailable(fn: () => void): void {
    this.#waiting.add(fn);
  }
  cancel(fn: () => void): void {
    this.#waiting.delete(fn);
  }
}

interface Slot {
  done: boolean;
  chunks: ResponsePart[] | null;
  /** Timing for responseChannel; null while nobody subscribes. */
  timing: { apiKey: number; requestBytes: number; receivedAt: number; dispatchedAt: number; doneAt: number } | null;
}

/** Byte offset of the API key in a frame taken with its 4-byte size prefix. */
const API_KEY_AT = 4;

export class Connection implements ConnectionInfo {
  readonly id: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localPort: number;
  readonly listenerName: string;
  readonly securityProtocol: string;
  readonly auth: ConnectionAuth;
  /** Set by the listener's authentication once it succeeds. */
  principal: string = ANONYMOUS_PRINCIPAL;
  readonly #tls: boolean;
  readonly #maxPreAuthFrameBytes: number;
  /** Close once every queued response is written. */
  #closeWhenFlushed: string | null = null;
  readonly #socket: Socket;
  readonly #handler: FrameHandler;
  readonly #transport: ExternalTransport | undefined;
  readonly #limits: ConnectionLimits;
  readonly #budget: InflightBudget;
  readonly #log: ConnectionLogger;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #queue: Slot[] = [];
  /** When the last read returned (performance.now()), for responseChannel. */
  #receivedAt = 0;
  #inflightBytes = 0;
  #writeBlocked = false;
  /** Native code owns the socket's write side (a response with file ranges is being sent). */
  #nativeWriting = false;
  #closed = false;
  /** Muted by quota throttling until this time (Date.now()), with the timer that unmutes. */
  #mutedUntil = 0;
  #muteTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #resume = () => this.#updateFlow();

  constructor(id: number, socket: Socket, handler: FrameHandler, limits: ConnectionLimits, budget: InflightBudget, log: ConnectionLogger, transport?: ExternalTransport,
    security: ConnectionSecurity = PLAINTEXT_SECURITY, peerCertificateDn: string | null = null) {
    this.id = id;
    this.listenerName = security.listenerName;
    this.securityProtocol = security.securityProtocol;
    this.#tls = security.tls;
    this.#maxPreAuthFrameBytes = security.maxPreAuthFrameBytes;
    this.auth = { saslRequired: security.saslRequired, authenticated: !security.saslRequired, session: undefined, expiresAtMs: 0, peerCertificateDn };
    this.#socket = socket;
    this.#handler = handler;
    this.#transport = transport;
    this.#limits = limits;
    this.#budget = budget;
    this.#log = log;
    this.remoteAddress = socket.remoteAddress ?? '?';
    this.remotePort = socket.remotePort ?? 0;
    this.localPort = socket.localPort ?? 0;
    socket.setNoDelay(true);
    if (limits.idleMs > 0) {
      socket.setTimeout(limits.idleMs, () => {
        if (this.#queue.length === 0 && !this.#nativeWriting) this.close('idle');
      });
    }
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('drain', () => {
      this.#writeBlocked = false;
      this.#updateFlow();
    });
    socket.on('error', (err) => this.#log.debug({ conn: this.id, err: err.message }, 'socket error'));
    socket.on('close', () => this.#onClose());
  }

  get closed(): boolean {
    return this.#closed;
  }

  close(reason: string): void {
    if (this.#closed) return;
    this.#log.debug({ conn: this.id, reason }, 'closing connection');
    this.#closed = true;
    if (this.#nativeWriting) {
      // Native code writes through its own duplicate of the descriptor, which destroy() would leave open.
      const fd = socketFd(this.#socket);
      if (fd >= 0) this.#transport?.abortWrites(fd);
    }
    this.#socket.destroy();
  }

  throttle(ms: number): void {
    if (this.#closed || !(ms > 0)) return;
    const until = Date.now() + ms;
    if (until <= this.#mutedUntil) return;
    this.#mutedUntil = until;
    clearTimeout(this.#muteTimer);
    this.#muteTimer = setTimeout(() => {
      this.#mutedUntil = 0;
      this.#muteTimer = undefined;
      this.#updateFlow();
    }, ms);
    this.#updateFlow();
  }

  setAuthenticated(principal: string, expiresAtMs: number): void {
    this.principal = principal;
    this.auth.authenticated = true;
    this.auth.expiresAtMs = expiresAtMs;
  }

  closeAfterResponses(reason: string): void {
    if (this.#closed) return;
    this.#closeWhenFlushed = reason;
    this.#socket.pause();
    this.#flushResponses();
  }

  /** Before SASL completes, frames are capped by sasl.server.max.receive.size. */
  get #maxFrameBytes(): number {
    return this.auth.authenticated ? this.#limits.maxFrameBytes : Math.min(this.#limits.maxFrameBytes, this.#maxPreAuthFrameBytes);
  }

  #onData(chunk: Buffer): void {
    if (responseChannel.hasSubscribers) this.#receivedAt = performance.now();
    this.#pending.push(chunk);
    this.#pendingBytes += chunk.length;
    this.#drainFrames();
  }

  #drainFrames(): void {
    while (!this.#closed && this.#pendingBytes >= 4 && !this.#mustPause()) {
      const size = this.#peekSize();
      const max = this.#maxFrameBytes;
      if (size < 0 || size > max) {
        this.#log.warn({ conn: this.id, remote: `${this.remoteAddress}:${this.remotePort}`, size, max },
          size < 0 ? 'negative request size; closing connection'
            : max < this.#limits.maxFrameBytes ? 'request before authentication larger than sasl.server.max.receive.size; closing connection' : 'request larger than socket.request.max.bytes; closing connection');
        this.close('bad frame size');
        return;
      }
      if (this.#pendingBytes < 4 + size) return;
      const { frame, allocated } = this.#take(4 + size);
      this.#dispatch(frame.subarray(4), allocated);
    }
    this.#updateFlow();
  }

  #peekSize(): number {
    const first = this.#pending[0];
    if (first.length >= 4) return first.readInt32BE(0);
    const head = Buffer.concat(this.#pending, Math.min(4, this.#pendingBytes));
    return head.readInt32BE(0);
  }

  /**
   * Takes n bytes off the front. A frame that lies within one chunk is a view, not a copy; else it is
   * copied once, into memory from `limits.frames` when that allocator wants it (`allocated` is then set).
   */
  #take(n: number): { frame: Buffer; allocated: boolean } {
    const first = this.#pending[0];
    if (first.length >= n) {
      const out = first.subarray(0, n);
      if (first.length === n) this.#pending.shift();
      else this.#pending[0] = first.subarray(n);
      this.#pendingBytes -= n;
      return { frame: out, allocated: false };
    }
    const fromAllocator = first.length >= API_KEY_AT + 2 ? this.#limits.frames?.take(first.readInt16BE(API_KEY_AT), n) : undefined;
    const out = fromAllocator ?? Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const c = this.#pending[0];
      const used = Math.min(c.length, n - filled);
      c.copy(out, filled, 0, used);
      filled += used;
      if (used === c.length) this.#pending.shift();
      else this.#pending[0] = c.subarray(used);
    }
    this.#pendingBytes -= n;
    return { frame: out, allocated: fromAllocator !== undefined };
  }

  #dispatch(frame: Buffer, allocated: boolean): void {
    const timing = responseChannel.hasSubscribers && frame.length >= 2
      ? { apiKey: frame.readInt16BE(0), requestBytes: frame.length, receivedAt: this.#receivedAt, dispatchedAt: performance.now(), doneAt: 0 }
      : null;
    const slot: Slot = { done: false, chunks: null, timing };
    this.#queue.push(slot);
    const cost = frame.length;
    this.#inflightBytes += cost;
    this.#budget.take(cost);
    const finish = (chunks: ResponsePart[] | null) => {
      this.#inflightBytes -= cost;
      this.#budget.give(cost);
      // The handler has settled: nothing uses the frame's memory any more.
      if (allocated) this.#limits.frames!.release(frame);
      if (slot.timing) slot.timing.doneAt = performance.now();
      slot.done = true;
      slot.chunks = chunks;
      this.#flushResponses();
    };
    try {
      const result = this.#handler.handleFrame(frame, this);
      if (result instanceof Promise) result.then(finish, (err) => this.#fail(err, finish));
      else finish(result);
    } catch (err) {
      this.#fail(err, finish);
    }
  }

  #fail(err: unknown, finish: (c: null) => void): void {
    this.#log.warn({ conn: this.id, remote: `${this.remoteAddress}:${this.remotePort}`, err: (err as Error)?.message ?? String(err) }, 'bad request; closing connection');
    finish(null);
    this.close('request failed');
  }

  #flushResponses(): void {
    while (!this.#nativeWriting && this.#queue.length > 0 && this.#queue[0].done) {
      const slot = this.#queue.shift()!;
      const timing = slot.timing;
      const writtenAt = timing ? performance.now() : 0;
      const sent = timing ? (sentAt: number) => responseChannel.publish({ conn: this.id, ...timing, writtenAt, sentAt } satisfies ResponseEvent) : null;
      if (this.#closed || slot.chunks === null) {
        sent?.(writtenAt);
        continue;
      }
      let size = 0;
      let external = false;
      for (const c of slot.chunks) {
        if (Buffer.isBuffer(c)) size += c.length;
        else {
          size += c.byteLength;
          external = true;
        }
      }
      const prefix = Buffer.allocUnsafe(4);
      prefix.writeInt32BE(size, 0);
      if (external && this.#tls) {
        this.#writeStreaming(prefix, slot.chunks, sent);
        continue;
      }
      if (external) {
        this.#writeWithNative(prefix, slot.chunks, sent);
        continue;
      }
      this.#socket.cork();
      let ok = this.#socket.write(prefix);
      for (const c of slot.chunks as Buffer[]) ok = this.#socket.write(c);
      this.#socket.uncork();
      if (!ok) this.#writeBlocked = true;
      sent?.(writtenAt);
    }
    if (this.#closeWhenFlushed !== null && !this.#closed && !this.#nativeWriting && this.#queue.length === 0) {
      const reason = this.#closeWhenFlushed;
      this.#log.debug({ conn: this.id, reason }, 'closing connection after its responses');
      this.#closed = true;
      this.#socket.end();
      // A peer that never reads must not keep the socket open.
      setTimeout(() => this.#socket.destroy(), 5000).unref();
      return;
    }
    this.#updateFlow();
  }

  /**
   * A response with file ranges on a TLS socket (sendfile cannot encrypt): the ranges are read in chunks of
   * SLOW_READER_CHUNK and written through the TLS socket, the next chunk only once the socket has taken the
   * last (bounded memory per connection); nothing else is written meanwhile, so bytes stay in order.
   */
  #writeStreaming(prefix: Buffer, parts: ResponsePart[], sent: ((at: number) => void) | null): void {
    this.#nativeWriting = true;
    let index = 0;
    let offset = 0;
    let stall: NodeJS.Timeout | undefined;
    const step = () => {
      clearTimeout(stall);
      if (this.#closed) {
        this.#nativeWriting = false;
        return;
      }
      let ok = true;
      while (ok && index < parts.length) {
        const part = parts[index]!;
        if (Buffer.isBuffer(part)) {
          ok = this.#socket.write(part);
          index++;
          continue;
        }
        const length = Math.min(SLOW_READER_CHUNK, part.byteLength - offset);
        let chunk: Buffer;
        try {
          chunk = this.#readExternal(part, offset, length);
        } catch (e) {
          this.#nativeWriting = false;
          this.#log.warn({ conn: this.id, err: (e as Error)?.message ?? String(e) }, 'reading fetched records failed; closing connection');
          this.close('file read failed');
          return;
        }
        offset += length;
        if (offset >= part.byteLength) {
          index++;
          offset = 0;
        }
        ok = this.#socket.write(chunk);
      }
      if (index >= parts.length) {
        this.#nativeWriting = false;
        if (!ok) this.#writeBlocked = true;
        sent?.(performance.now());
        this.#flushResponses();
        return;
      }
      stall = setTimeout(() => this.close('reader stalled'), STALL_MS);
      this.#socket.once('drain', step);
    };
    // A socket that closes while a chunk waits for 'drain' gets no 'drain': drop the waiter and its timer.
    this.#socket.once('close', () => {
      clearTimeout(stall);
      this.#socket.off('drain', step);
    });
    this.#socket.write(prefix);
    step();
  }

  /**
   * A response with file ranges: Node writes the size prefix and the leading header bytes; once they have
   * left Node's queue (their write callback), native code writes the rest to the descriptor. Nothing else is
   * written until it is done, so bytes stay in order.
   */
  #writeWithNative(prefix: Buffer, parts: ResponsePart[], sent: ((at: number) => void) | null): void {
    const fd = socketFd(this.#socket);
    const transport = this.#transport;
    if (fd < 0 || !transport) {
      // No descriptor to hand over: the copying path.
      this.#socket.cork();
      let ok = this.#socket.write(prefix);
      for (const c of parts) ok = this.#socket.write(Buffer.isBuffer(c) ? c : this.#readExternal(c));
      this.#socket.uncork();
      if (!ok) this.#writeBlocked = true;
      sent?.(performance.now());
      return;
    }
    this.#nativeWriting = true;
    const lead: Buffer[] = [prefix];
    let first = 0;
    while (first < parts.length && Buffer.isBuffer(parts[first])) lead.push(parts[first++] as Buffer);
    const rest = parts.slice(first);
    this.#socket.cork();
    for (let i = 0; i < lead.length - 1; i++) this.#socket.write(lead[i]!);
    // Writes complete in order: when the last one's callback runs, Node's queue is empty.
    this.#socket.write(lead[lead.length - 1]!, (err) => {
      if (err || this.#closed) {
        this.#nativeWriting = false;
        return;
      }
      this.#sendNative(rest, sent);
    });
    this.#socket.uncork();
  }

  /** Native code writes `parts`; a reader too slow for it gets the next chunk from Node, then native again. */
  #sendNative(parts: ResponsePart[], sent: ((at: number) => void) | null): void {
    const done = () => {
      this.#nativeWriting = false;
      sent?.(performance.now());
      this.#flushResponses();
    };
    // The descriptor is looked up now, on the main thread, from a live socket: a number remembered from
    // before could by now belong to another connection (Node closes a socket's fd when it is destroyed).
    const fd = this.#socket.destroyed ? -1 : socketFd(this.#socket);
    if (this.#closed || fd < 0) {
      this.#nativeWriting = false;
      if (!this.#closed) this.close('socket gone during a native write');
      return;
    }
    this.#transport!.writeParts(fd, parts, NATIVE_WAIT_MS).then(
      (stopped) => {
        if (this.#closed) {
          this.#nativeWriting = false;
          return;
        }
        if (stopped === null) {
          done();
          return;
        }
        const { chunk, remaining } = this.#nextChunk(parts, stopped);
        if (!remaining.some((p) => !Buffer.isBuffer(p))) {
          // Only in-memory bytes are left: Node writes them (and waits for the reader) like any response.
          this.#socket.cork();
          let ok = this.#socket.write(chunk);
          for (const p of remaining as Buffer[]) ok = this.#socket.write(p);
          this.#socket.uncork();
          if (!ok) this.#writeBlocked = true;
          done();
          return;
        }
        // Node waits for the socket without a thread; once the chunk has left its queue, native resumes.
        const stall = setTimeout(() => this.close('reader stalled'), STALL_MS);
        this.#socket.write(chunk, (err) => {
          clearTimeout(stall);
          if (err || this.#closed) {
            this.#nativeWriting = false;
            return;
          }
          this.#sendNative(remaining, sent);
        });
      },
      (e: unknown) => {
        this.#nativeWriting = false;
        this.#log.debug({ conn: this.id, err: (e as Error)?.message ?? String(e) }, 'native response write failed');
        this.close('native write failed');
      },
    );
  }

  /** The bytes after `stopped` split into the next chunk (at most SLOW_READER_CHUNK, in memory) and the parts after it. */
  #nextChunk(parts: readonly ResponsePart[], stopped: StoppedAt): { chunk: Buffer; remaining: ResponsePart[] } {
    const part = parts[stopped.index]!;
    const after = parts.slice(stopped.index + 1);
    const size = Buffer.isBuffer(part) ? part.length : part.byteLength;
    const end = Math.min(size, stopped.offset + SLOW_READER_CHUNK);
    let chunk: Buffer;
    let tail: ResponsePart | undefined;
    if (Buffer.isBuffer(part)) {
      chunk = part.subarray(stopped.offset, end);
      if (end < size) tail = part.subarray(end);
    } else {
      chunk = this.#readExternal(part, stopped.offset, end - stopped.offset);
      if (end < size) tail = this.#transport!.skipExternal(part, end);
    }
    return { chunk, remaining: tail === undefined ? after : [tail, ...after] };
  }

  #readExternal(part: ExternalPart, offset?: number, length?: number): Buffer {
    if (!this.#transport) throw new Error('response has external parts but the listener has no transport for them');
    return this.#transport.readExternal(part, offset, length);
  }

  #mustPause(): boolean {
    // Before authentication one request at a time (Kafka mutes the channel while it authenticates).
    if (!this.auth.authenticated && this.#queue.length > 0) return true;
    if (this.#closeWhenFlushed !== null) return true;
    return this.#mutedUntil !== 0 || this.#writeBlocked || this.#nativeWriting || this.#queue.length >= this.#limits.maxInflightRequests || this.#budget.exhausted;
  }

  #updateFlow(): void {
    if (this.#closed) return;
    if (this.#mustPause()) {
      this.#socket.pause();
      if (this.#budget.exhausted) this.#budget.whenAvailable(this.#resume);
    } else {
      // Frames already buffered are handled before more bytes are read.
      if (this.#pendingBytes >= 4) {
        const size = this.#peekSize();
        if (size < 0 || this.#pendingBytes >= 4 + size) {
          queueMicrotask(() => this.#drainFrames());
          return;
        }
      }
      this.#socket.resume();
    }
  }

  #onClose(): void {
    this.#closed = true;
    clearTimeout(this.#muteTimer);
    this.#budget.cancel(this.#resume);
    this.#pending = [];
    this.#pendingBytes = 0;
  }
}
