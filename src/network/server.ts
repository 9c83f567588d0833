// A Kafka listener: accepts TCP (or TLS) connections and gives each a Connection (framing, ordering, flow
// control). Several listeners share one ConnectionQuotas (max.connections, max.connections.per.ip, and the
// connection_creation_rate of IP quota entities, KIP-612).
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket, type TlsOptions } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { Connection, InflightBudget, type ConnectionLimits, type ConnectionLogger, type ConnectionSecurity, type ExternalTransport, type FrameHandler } from './connection.js';

export interface ListenerOptions extends ConnectionLimits {
  readonly host: string;
  readonly port: number;
  readonly maxQueuedBytes: number;
  /** Listener name and security protocol; PLAINTEXT without SASL when absent. */
  readonly security?: Omit<ConnectionSecurity, 'tls'>;
  /** TLS server options (key, cert or pfx, ca, requestCert, ...): set for SSL and SASL_SSL listeners. */
  readonly tls?: TlsOptions;
  /** Shared by every listener of a broker; unlimited when absent. */
  readonly quotas?: ConnectionQuotas;
  /** The principal of an SSL connection from its client certificate's DN (ssl.principal.mapping.rules). */
  readonly tlsPrincipal?: (dn: string) => string;
  /** max.connection.creation.rate of the broker and listeners: the ms this listener waits after a connection. */
  readonly acceptRate?: { readonly active: boolean; recordAccept(listener: string): number };
  /** The broker-wide budget of request bytes in flight, shared by its listeners; one of its own when absent. */
  readonly budget?: InflightBudget;
}

/** The connection-rate check of IP quotas: 0 to serve a new connection, else the ms to hold it before closing it. */
export interface ConnectionRateLimiter {
  recordConnection(ip: string): number;
}

/**
 * max.connections over all listeners and max.connections.per.ip (with per-IP overrides), as Kafka counts
 * them, and the connection-rate limiter of IP quotas.
 */
export class ConnectionQuotas {
  readonly #perIp = new Map<string, number>();
  #total = 0;
  constructor(public maxConnections: number, public maxPerIp: number, public overrides: ReadonlyMap<string, number> = new Map(), readonly rate?: ConnectionRateLimiter) {}

  /**
   * New limits (dynamic max.connections, max.connections.per.ip and its overrides), for new connections only:
   * as Kafka, connections over a lowered limit stay open, and new ones are refused until the count falls below it.
   */
  reconfigure(maxConnections: number, maxPerIp: number, overrides: ReadonlyMap<string, number>): void {
    this.maxConnections = maxConnections;
    this.maxPerIp = maxPerIp;
    this.overrides = overrides;
  }

  /** 0 when a new connection from `ip` is within its connection_creation_rate, else how long to hold it before closing it. */
  throttleMs(ip: string): number {
    return this.rate ? this.rate.recordConnection(ip) : 0;
  }

  /** Counts a new connection from `ip`; false (nothing counted) when a limit is reached. */
  tryAcquire(ip: string): boolean {
    const n = this.#perIp.get(ip) ?? 0;
    if (this.#total >= this.maxConnections || n >= (this.overrides.get(ip) ?? this.maxPerIp)) return false;
    this.#perIp.set(ip, n + 1);
    this.#total++;
    return true;
  }

  release(ip: string): void {
    const n = (this.#perIp.get(ip) ?? 1) - 1;
    if (n <= 0) this.#perIp.delete(ip);
    else this.#perIp.set(ip, n);
    this.#total--;
  }
}

/** Parses max.connections.per.ip.overrides: `ip:count` pairs (IPv6 addresses keep their colons). */
export function parseIpOverrides(spec: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const entry of spec.split(',').map((e) => e.trim()).filter((e) => e !== '')) {
    const at = entry.lastIndexOf(':');
    out.set(entry.slice(0, at), Number(entry.slice(at + 1)));
  }
  return out;
}

/** The subject of a certificate as Kafka's X500Principal.getName() spells it: RFC 2253, most specific first. */
export function subjectDn(raw: Buffer): string {
  const subject = new X509Certificate(raw).subject;
  return subject.split('\n').reverse().map((rdn) => rdn.replace(/\\/g, '\\\\').replace(/([,+"<>;])/g, '\\$1')).join(',');
}

export class SocketServer {
  readonly #server: Server;
  readonly #connections = new Set<Connection>();
  /** Connections over their IP's connection_creation_rate, held until their delayed close. */
  readonly #throttled = new Map<string, Socket>();
  /** Connections waiting for the listener's accept rate (max.connection.creation.rate), in arrival order. */
  readonly #waiting: Array<{ socket: Socket; go: () => void }> = [];
  #acceptTimer: NodeJS.Timeout | undefined;
  #acceptHeld: Socket | undefined;
  #acceptWaits = 0;
  /** Accepts that failed for want of descriptors since the last log line, and when that was. */
  #acceptExhausted = 0;
  #acceptExhaustedLogged = 0;
  readonly #log: ConnectionLogger;
  /** TLS connections whose admission waits: the accept their handshake left for later, null while none. */
  readonly #gated = new Map<string, (() => void) | null>();
  readonly #budget: InflightBudget;
  #nextId = 1;

  constructor(readonly options: ListenerOptions, handler: FrameHandler, log: ConnectionLogger, transport?: ExternalTransport) {
    this.#budget = options.budget ?? new InflightBudget(options.maxQueuedBytes);
    this.#log = log;
    const security: ConnectionSecurity = { ...(options.security ?? { listenerName: 'PLAINTEXT', securityProtocol: 'PLAINTEXT', saslRequired: false, maxPreAuthFrameBytes: 524288 }), tls: options.tls !== undefined };
    const accept = (socket: Socket, peerDn: string | null) => {
      const conn = new Connection(this.#nextId++, socket, handler, options, this.#budget, log, transport, security, peerDn);
      // SSL: the certificate names the client; SASL_SSL: SASL does (Kafka's rule).
      if (peerDn !== null && !security.saslRequired) conn.principal = options.tlsPrincipal ? options.tlsPrincipal(peerDn) : `User:${peerDn}`;
      this.#connections.add(conn);
      socket.once('close', () => this.#connections.delete(conn));
    };
    const admit = (socket: Socket): boolean => {
      const ip = socket.remoteAddress ?? '?';
      const quotas = options.quotas;
      if (!quotas) return true;
      const throttleMs = quotas.throttleMs(ip);
      if (throttleMs > 0) {
        // Kafka's delayed close: the connection is neither read nor answered, and closed after the throttle
        // time, so a client that reconnects in a loop is slowed down.
        log.debug({ listener: security.listenerName, remote: ip, throttleMs }, 'connection throttled: connection_creation_rate of the IP exceeded');
        socket.pause();
        socket.on('error', () => socket.destroy());
        const key = `${ip}|${socket.remotePort}`;
        this.#throttled.set(key, socket);
        const timer = setTimeout(() => socket.destroy(), throttleMs);
        socket.once('close', () => {
          clearTimeout(timer);
          this.#throttled.delete(key);
        });
        return false;
      }
      if (!quotas.tryAcquire(ip)) {
        log.warn({ listener: security.listenerName, remote: ip }, 'connection refused: max.connections or max.connections.per.ip reached');
        socket.destroy();
        return false;
      }
      socket.once('close', () => quotas.release(ip));
      return true;
    };
    // max.connection.creation.rate: connections wait their turn while the listener is over its rate (or while
    // others still wait, after the rate was lifted at run time).
    const gated = () => options.acceptRate?.active === true || this.#waiting.length > 0 || this.#acceptTimer !== undefined;
    const gate = (socket: Socket, go: () => void) => {
      if (!gated()) return go();
      socket.on('error', () => socket.destroy());
      this.#waiting.push({ socket, go });
      this.#drain(security.listenerName);
    };
    if (options.tls) {
      const server = createTlsServer({ ...options.tls }, (socket: TLSSocket) => {
        const key = `${socket.remoteAddress}|${socket.remotePort}`;
        // A throttled connection may still finish its handshake while held: it is not served.
        if (this.#throttled.has(key)) return;
        // One still waiting for the accept rate is served once its turn comes.
        if (this.#gated.has(key)) {
          this.#gated.set(key, () => serve(socket));
          return;
        }
        serve(socket);
      });
      const serve = (socket: TLSSocket) => {
        // Only a certificate the trust store vouches for names the client (ssl.client.auth=requested lets others in anonymously).
        const raw = socket.authorized ? socket.getPeerCertificate()?.raw : undefined;
        let dn: string | null = null;
        try {
          dn = raw && raw.length > 0 ? subjectDn(raw) : null;
        } catch {
          dn = null;
        }
        accept(socket, dn);
      };
      // Quotas before the handshake: a refused client costs no TLS work.
      server.on('connection', (socket: Socket) => {
        socket.setNoDelay(true);
        if (!gated()) {
          admit(socket);
          return;
        }
        const key = `${socket.remoteAddress}|${socket.remotePort}`;
        this.#gated.set(key, null);
        socket.once('close', () => this.#gated.delete(key));
        gate(socket, () => {
          const later = this.#gated.get(key);
          this.#gated.delete(key);
          if (!socket.destroyed && admit(socket) && later) later();
        });
      });
      server.on('tlsClientError', (err, socket) => {
        log.debug({ listener: security.listenerName, remote: socket.remoteAddress, err: err.message }, 'TLS handshake failed');
        socket.destroy();
      });
      this.#server = server;
    } else {
      this.#server = createServer({ noDelay: true }, (socket: Socket) => {
        gate(socket, () => {
          if (!socket.destroyed && admit(socket)) accept(socket, null);
        });
      });
    }
  }

  /** Serves waiting connections in order until the accept rate makes the listener wait. */
  #drain(listener: string): void {
    while (this.#acceptTimer === undefined && this.#waiting.length > 0) {
      const { socket, go } = this.#waiting.shift()!;
      if (socket.destroyed) continue;
      const ms = this.options.acceptRate!.recordAccept(listener);
      if (ms > 0) {
        // As Kafka's acceptor: this connection is accepted after the wait, and the ones behind it later.
        this.#acceptHeld = socket;
        this.#acceptWaits++;
        this.#acceptTimer = setTimeout(() => {
          this.#acceptTimer = undefined;
          this.#acceptHeld = undefined;
          go();
          this.#drain(listener);
        }, ms);
        return;
      }
      go();
    }
  }

  /** Binds the listener; resolves with the bound port (useful when port 0 asked for a free one). */
  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen({ host: this.options.host, port: this.options.port }, () => {
        this.#server.off('error', reject);
        // A failed accept is logged, not thrown: the listener and its connections go on. (Out of descriptors, libuv
        // usually takes the connection on a spare descriptor and closes it without an error; DescriptorWatch
        // reports that case.)
        this.#server.on('error', (err: NodeJS.ErrnoException) => this.#acceptFailed(err));
        const addr = this.#server.address();
        resolve(typeof addr === 'object' && addr ? addr.port : this.options.port);
      });
    });
  }

  /**
   * An accept that failed: out of file descriptors (EMFILE for the process, ENFILE for the system) says what to
   * do about it, at most once per 10 s with the count since.
   */
  #acceptFailed(err: NodeJS.ErrnoException): void {
    const listener = this.options.security?.listenerName ?? 'PLAINTEXT';
    const log = this.#log;
    if (err.code !== 'EMFILE' && err.code !== 'ENFILE') {
      log.warn({ listener, err: err.message }, 'accepting a connection failed');
      return;
    }
    this.#acceptExhausted++;
    const now = Date.now();
    if (now - this.#acceptExhaustedLogged < 10_000) return;
    this.#acceptExhaustedLogged = now;
    const what = { listener, code: err.code, refused: this.#acceptExhausted, connections: this.#connections.size };
    this.#acceptExhausted = 0;
    const msg = err.code === 'EMFILE'
      ? 'connection refused: the broker is out of file descriptors (EMFILE); raise its open-file limit (ulimit -n in the shell that starts it, LimitNOFILE= in its systemd unit, nofile in /etc/security/limits.conf) and restart it; open connections keep being served'
      : 'connection refused: the system is out of file descriptors (ENFILE); raise fs.file-max or stop what holds them; open connections keep being served';
    (log.error ?? log.warn).call(log, what, msg);
  }

  get connectionCount(): number {
    return this.#connections.size;
  }

  /** Times this listener waited before accepting more connections (max.connection.creation.rate). */
  get acceptWaits(): number {
    return this.#acceptWaits;
  }

  /** Replaces the TLS key, certificate and trust (certificates reloaded without a restart); new handshakes use them. */
  setSecureContext(options: TlsOptions): void {
    if (!this.options.tls) throw new Error('not a TLS listener');
    (this.#server as ReturnType<typeof createTlsServer>).setSecureContext(options);
  }

  /** Stops accepting and closes every connection. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.close(() => resolve());
      for (const c of this.#connections) c.close('shutdown');
      for (const s of this.#throttled.values()) s.destroy();
      clearTimeout(this.#acceptTimer);
      this.#acceptHeld?.destroy();
      for (const w of this.#waiting.splice(0)) w.socket.destroy();
    });
  }
}
