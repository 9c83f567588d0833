// The HTTP/WebSocket gateway: a uWebSockets.js server started beside the broker (gateway.listeners)
// that calls the broker in-process — appends and reads go straight to the partition logs, no loopback
// hop through the Kafka protocol. Routes:
//   POST /topics/{topic}[/partitions/{p}]   produce (ingest.ts)          GET  /topics[?details=true]
//   GET  /topics/{topic}                    partitions, offsets, sizes    POST /topics  create a topic
//   GET  /topics/{topic}/partitions/{p}/records?offset|timestamp&limit    message browser
//   WS   /ws                                streaming consumers (stream.ts), live stats for the console
//   GET  /metrics /healthz /readyz /openapi.json, / (web console)
// All handlers run on the main thread and never block: bodies stream in with caps, appends are awaited.
import { ANONYMOUS_PRINCIPAL, bearerCheck, GATEWAY_LISTENER, listenerKeyStorePem, parseListener, type BearerCheck, type Broker, type PasswordCheck, type Requester } from '../broker/index.js';
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listenerConfig, type BrokerConfig } from '../config/index.js';
import { BrokerError, decodeAssignment, ErrorCode } from '../protocol/index.js';
import { CONSOLE_HTML } from './console-page.js';
import { badRequest, GatewayError } from './errors.js';
import { BodyBudget, readBody, Reply, requestInfo, type RequestInfo } from './http.js';
import { binaryRecord, bodyFormat, gatewayClientId, httpRequester, ingest, parseAcks, parseJsonRecords, produceStatus, type IngestRecord } from './ingest.js';
import { GatewayMetrics } from './metrics.js';
import { OPENAPI } from './openapi.js';
import { StickyPartitioner } from './partitioner.js';
import { decodeBatches } from './record-batch.js';
import { ChunkCache, groupCoordinator, parseIsolation, StreamSession, wsRequester, type Isolation, type WsUserData } from './stream.js';
import { uws, uwsBuild, type HttpRequest, type HttpResponse, type ListenSocket, type TemplatedApp, type WebSocket } from './uws.js';

/** The gateway's own reads for /metrics gauges (not a client's request); listings use the request's principal. */
/** The /metrics gauges' view of groups: the broker's own, under no ACL (who may read /metrics is checked per request). */
const OBSERVER: Requester = { ingress: 'http', listener: GATEWAY_LISTENER, clientId: 'gateway', remote: 'local', principal: ANONYMOUS_PRINCIPAL, internal: true };

export interface GatewayOptions {
  host: string;
  port: number;
  maxRequestBytes: number;
  maxInflightRequestBytes: number;
  wsMaxBufferedBytes: number;
  wsMaxPayloadBytes: number;
  wsIdleTimeoutMs: number;
  /**
   * HTTPS:// listener: a PEM key store file uWebSockets.js reads itself (key and chain in one file), or the
   * key and chain as PEM text (a PKCS12 store, or inline ssl.keystore.key/certificate.chain), which it
   * gets through files in a private temporary directory, removed once read.
   */
  tls?: { keyFile: string; certFile: string; passphrase?: string } | { pem: { key: string; cert: string; passphrase?: string } };
  /** gateway.authentication=basic: HTTP Basic credentials of PLAIN or SCRAM users on every request. */
  basicAuth: boolean;
  /**
   * gateway.authentication=bearer: `Authorization: Bearer <token>` on every request, checked by the
   * OAUTHBEARER validator the gateway listener's settings choose (listener.name.<gateway listener>.oauthbearer.*).
   */
  bearer?: BearerCheck;
  /** The gateway listener's name (its listener.name.<name>.* keys). */
  listenerName: string;
  /** gateway.cors.allowed.origins: browser origins allowed to call the gateway (* any); empty: no CORS. */
  corsOrigins?: readonly string[];
}

/** Request headers a CORS preflight may ask for (besides kafka-header-<name>). */
const CORS_ALLOWED_HEADERS = ['authorization', 'content-type', 'client-id', 'x-client-id'];

/**
 * The key store of an HTTPS gateway listener. A PEM file is handed to uWebSockets.js (which reads files
 * itself); a PKCS12 store or an inline PEM key store is decoded as the Kafka listeners' (tls-context.ts).
 */
function gatewayTls(config: BrokerConfig, listener: string): GatewayOptions['tls'] {
  const lc = listenerConfig(config, listener);
  const location = lc['ssl.keystore.location'];
  const inline = lc['ssl.keystore.key'] !== null || lc['ssl.keystore.certificate.chain'] !== null;
  if (location === null && !inline) {
    throw new Error(`gateway listener ${listener}: HTTPS needs a key store: ssl.keystore.location (or listener.name.${listener.toLowerCase()}.ssl.keystore.location), PEM or PKCS12, or ssl.keystore.key + ssl.keystore.certificate.chain`);
  }
  if (lc['ssl.keystore.type'] === 'PEM' && location !== null && !inline) return { keyFile: location, certFile: location, passphrase: lc['ssl.key.password'] ?? undefined };
  return { pem: listenerKeyStorePem(config, listener) };
}

/**
 * An SSLApp from PEM text: uWebSockets.js only reads key stores from files, so the key and chain go to
 * files (0600) in a private directory (0700) that is removed as soon as the app has read them.
 */
function sslAppFromPem(pem: { key: string; cert: string; passphrase?: string }): TemplatedApp {
  const dir = mkdtempSync(join(tmpdir(), 'gregor-gateway-tls-'));
  try {
    chmodSync(dir, 0o700);
    const keyFile = join(dir, 'key.pem');
    const certFile = join(dir, 'cert.pem');
    writeFileSync(keyFile, pem.key, { mode: 0o600 });
    writeFileSync(certFile, pem.cert, { mode: 0o600 });
    return uws().SSLApp({ key_file_name: keyFile, cert_file_name: certFile, passphrase: pem.passphrase });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The gateway's options from the broker config, or undefined when gateway.listeners is unset. */
export function gatewayOptions(config: BrokerConfig): GatewayOptions | undefined {
  const spec = config['gateway.listeners']?.[0];
  if (!spec) return undefined;
  const l = parseListener(spec);
  const https = l.name.toUpperCase() === 'HTTPS';
  return {
    tls: https ? gatewayTls(config, l.name) : undefined,
    basicAuth: config['gateway.authentication'] === 'basic',
    bearer: config['gateway.authentication'] === 'bearer' ? bearerCheck(config, l.name) : undefined,
    listenerName: l.name,
    corsOrigins: config['gateway.cors.allowed.origins'].map((o) => o.toLowerCase()),
    host: l.host === '' ? '0.0.0.0' : l.host,
    port: l.port,
    maxRequestBytes: config['gateway.max.request.bytes'],
    maxInflightRequestBytes: config['gateway.max.inflight.request.bytes'],
    wsMaxBufferedBytes: config['gateway.ws.max.buffered.bytes'],
    wsMaxPayloadBytes: config['gateway.ws.max.payload.bytes'],
    wsIdleTimeoutMs: config['gateway.ws.idle.timeout.ms'],
  };
}

const STATS_INTERVAL_MS = 1000;

export class Gateway {
  readonly broker: Broker;
  readonly options: GatewayOptions;
  readonly metrics: GatewayMetrics;
  /** The app new connections reach; a key store reload replaces it (see #reloadTls). */
  #app: TemplatedApp;
  /** Apps replaced by a reload: they keep serving the connections they accepted. */
  readonly #retiredApps: TemplatedApp[] = [];
  #tlsReloader: ((dynamic: Readonly<Record<string, string>>) => (() => void) | undefined) | undefined;
  readonly #budget: BodyBudget;
  readonly #sticky = new StickyPartitioner();
  readonly #cache = new ChunkCache(64 * 1024 * 1024);
  readonly #sockets = new Set<WebSocket<WsUserData>>();
  #passwords: PasswordCheck | undefined;
  readonly #statsSockets = new Set<WebSocket<WsUserData>>();
  #statsTimer: NodeJS.Timeout | undefined;
  #listenSocket: ListenSocket | undefined;
  #port = 0;
  #stopping = false;

  private constructor(broker: Broker, options: GatewayOptions) {
    this.broker = broker;
    this.options = options;
    this.#budget = new BodyBudget(options.maxInflightRequestBytes);
    this.metrics = new GatewayMetrics(broker, {
      wsConnections: () => this.#sockets.size,
      wsBufferedBytes: () => {
        let total = 0;
        let max = 0;
        for (const ws of this.#sockets) {
          const b = ws.getBufferedAmount();
          total += b;
          if (b > max) max = b;
        }
        return { total, max };
      },
      wsSubscriberLag: () => {
        const lag = new Map<string, number>();
        for (const ws of this.#sockets) {
          for (const c of ws.getUserData().session?.cursors ?? []) lag.set(c.topic, (lag.get(c.topic) ?? 0) + Math.max(0, c.highWatermark - c.position));
        }
        return lag;
      },
      httpInflightBodyBytes: () => this.#budget.used,
      groupLag: () => this.#groups(OBSERVER).flatMap((g) => g.partitions.map((p) => ({ group: g.group_id, topic: p.topic, partition: p.partition, lag: p.lag }))),
    });
    const tls = options.tls;
    this.#app = !tls ? uws().App() : 'pem' in tls ? sslAppFromPem(tls.pem) : uws().SSLApp({ key_file_name: tls.keyFile, cert_file_name: tls.certFile, passphrase: tls.passphrase });
    this.#routes();
  }

  static async start(broker: Broker, options: GatewayOptions): Promise<Gateway> {
    const g = new Gateway(broker, options);
    if (options.basicAuth) {
      g.#passwords = broker.passwordCheck(options.listenerName);
      await g.#passwords.start();
    }
    // The first JWKS load is awaited: a request's token is checked in the handler's tick, with the keys at hand.
    await options.bearer?.ready();
    await new Promise<void>((resolve, reject) => {
      g.#app.listen(options.host, options.port, (ls) => {
        if (!ls) {
          g.metrics.close();
          reject(new Error(`gateway cannot listen on ${options.host}:${options.port}`));
          return;
        }
        g.#listenSocket = ls;
        g.#port = uws().us_socket_local_port(ls as never);
        resolve();
      });
    });
    if (options.tls) g.#watchTls();
    broker.log.info({ ...uwsBuild() }, 'uWebSockets.js loaded');
    const scheme = options.tls ? 'https' : 'http';
    broker.log.info({ gateway: `${scheme}://${options.host}:${g.#port}`, console: `${scheme}://${options.host === '0.0.0.0' ? '127.0.0.1' : options.host}:${g.#port}/`, authentication: options.basicAuth ? 'basic' : options.bearer ? 'bearer' : 'none' }, 'gateway started');
    return g;
  }

  get port(): number {
    return this.#port;
  }

  /** Stops listening and closes every WebSocket; call before stopping the broker. */
  async stop(): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    if (this.#statsTimer) clearInterval(this.#statsTimer);
    if (this.#tlsReloader) this.broker.context.tlsReloaders.delete(this.#tlsReloader);
    if (this.#listenSocket) uws().us_listen_socket_close(this.#listenSocket);
    this.#listenSocket = undefined;
    for (const ws of [...this.#sockets]) ws.end(1001, 'broker shutting down');
    this.metrics.close();
    this.#passwords?.close();
    this.broker.log.info({}, 'gateway stopped');
  }

  // ---- key store reload ----

  /**
   * Reloads the HTTPS key store with the Kafka listeners' (AlterConfigs on the broker with
   * listener.name.<gateway listener>.ssl.keystore.*): when the gateway's entries or its key store files
   * changed, the new store is read (a store that cannot be read refuses the change with INVALID_CONFIG)
   * and a new app with it takes the listening port. uWebSockets.js cannot swap an app's certificate, so the
   * listen socket is closed and the new app listens on the same port in the same tick; connections the
   * old app accepted (HTTP keep-alive, WebSockets) stay on it with their session.
   */
  #watchTls(): void {
    const ctx = this.broker.context;
    const name = this.options.listenerName;
    const signature = (dynamic: Readonly<Record<string, string>>): string => {
      const lc = listenerConfig(ctx.staticConfig, name, dynamic);
      const prefix = `listener.name.${name.toLowerCase()}.ssl.`;
      const files = [lc['ssl.keystore.location']].filter((f): f is string => typeof f === 'string').map((f) => {
        try {
          return [f, statSync(f).mtimeMs];
        } catch {
          return [f, -1];
        }
      });
      return JSON.stringify([Object.entries(dynamic).filter(([k]) => k.startsWith(prefix)).sort(), files]);
    };
    let applied = signature({ ...ctx.metadata.brokerConfigs(''), ...ctx.metadata.brokerConfigs(String(ctx.brokerId)) });
    this.#tlsReloader = (dynamic) => {
      const next = signature(dynamic);
      if (next === applied || this.#stopping) return undefined;
      let app: TemplatedApp;
      try {
        app = sslAppFromPem(listenerKeyStorePem(ctx.staticConfig, name, dynamic));
      } catch (e) {
        throw new BrokerError('INVALID_CONFIG', `gateway listener ${name}: ${(e as Error).message}`);
      }
      return () => {
        applied = next;
        this.#replaceApp(app);
      };
    };
    ctx.tlsReloaders.add(this.#tlsReloader);
  }

  #replaceApp(app: TemplatedApp): void {
    if (this.#stopping || !this.#listenSocket) return;
    const old = this.#app;
    const oldSocket = this.#listenSocket;
    this.#app = app;
    this.#routes();
    uws().us_listen_socket_close(oldSocket);
    this.#listenSocket = undefined;
    const listen = (a: TemplatedApp) => {
      let ok = false;
      a.listen(this.options.host, this.#port, (ls) => {
        if (ls) {
          this.#listenSocket = ls;
          ok = true;
        }
      });
      return ok;
    };
    if (listen(app)) {
      this.#retiredApps.push(old);
      this.broker.log.info({ listener: this.options.listenerName, port: this.#port }, 'gateway reloaded its key store');
      return;
    }
    // The port was taken in between: keep serving with the old store rather than not at all.
    this.#app = old;
    const back = listen(old);
    this.broker.log.error({ listener: this.options.listenerName, port: this.#port, listening: back }, back
      ? 'gateway could not listen with its new key store; it keeps the old one'
      : 'gateway could not listen again after a key store reload; restart the broker');
  }

  // ---- routing ----

  /** Registers a route; the handler gets the copied request info and a Reply; errors become JSON answers. */
  #route(method: 'get' | 'post' | 'del', pattern: string, api: string, handler: (info: RequestInfo, reply: Reply) => void | Promise<void>): void {
    const params = (pattern.match(/:/g) ?? []).length;
    this.#app[method](pattern, (res: HttpResponse, req) => {
      const started = performance.now();
      const reply = new Reply(res);
      reply.common = this.#cors(req.getHeader('origin'));
      let info: RequestInfo;
      try {
        info = requestInfo(req, params, res);
      } catch {
        reply.error(badRequest('malformed URL encoding in the path'));
        return;
      }
      if (this.#stopping) {
        // Keep-alive connections outlive the listener: answer and close them rather than touch a stopping broker.
        reply.error(new GatewayError(503, ErrorCode.BROKER_NOT_AVAILABLE, 'broker is shutting down'), true);
        return;
      }
      if (this.#passwords || this.options.bearer) {
        const auth = this.#authenticate(info.headers.get('authorization'));
        if ('refused' in auth) {
          reply.send(401, JSON.stringify(new GatewayError(401, ErrorCode.SASL_AUTHENTICATION_FAILED, auth.refused).toJSON()), 'application/json', { 'www-authenticate': auth.challenge });
          return;
        }
        info = { ...info, principal: auth.principal };
      }
      const done = (error: boolean) => this.metrics.request(api, performance.now() - started, error);
      try {
        const r = handler(info, reply);
        if (r instanceof Promise) {
          r.then(() => done(false), (e) => {
            done(true);
            this.#fail(reply, e);
          });
        } else done(false);
      } catch (e) {
        done(true);
        this.#fail(reply, e);
      }
    });
  }

  /**
   * The request's Authorization header checked as gateway.authentication says: `Basic` against the PLAIN
   * and SCRAM users, or `Bearer` by the OAUTHBEARER validator. The principal (and a token's expiry), or why
   * not with the WWW-Authenticate challenge for the 401 (RFC 6750's error="invalid_token" for a bad token).
   */
  #authenticate(header: string | undefined): { principal: string; expiresAtMs?: number } | { refused: string; challenge: string } {
    if (this.options.bearer) {
      const m = header === undefined ? null : /^Bearer +([-_.A-Za-z0-9+/=~]+)\s*$/i.exec(header);
      if (!m) return { refused: 'an OAuth bearer token is required (Authorization: Bearer <token>)', challenge: 'Bearer realm="gregor"' };
      const t = this.options.bearer.check(m[1]!);
      if ('principal' in t) return t;
      // The reason quotes claims of the token: printable ASCII without quotes only, in a header.
      const description = t.reason.replace(/["\\]/g, "'").replace(/[^\x20-\x7e]/g, '?').slice(0, 300);
      return { refused: `invalid bearer token: ${t.reason}`, challenge: `Bearer realm="gregor", error="${t.error}", error_description="${description}"${t.scope ? `, scope="${t.scope}"` : ''}` };
    }
    const refused = { refused: 'HTTP Basic credentials of a PLAIN or SCRAM user are required', challenge: 'Basic realm="gregor", charset="UTF-8"' };
    const m = header === undefined ? null : /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
    if (!m) return refused;
    const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) return refused;
    const user = this.#passwords!.check(decoded.slice(0, colon), decoded.slice(colon + 1));
    return user === undefined ? refused : { principal: `User:${user}` };
  }

  /** Whether a browser origin may call the gateway (gateway.cors.allowed.origins). */
  #originAllowed(origin: string): boolean {
    const list = this.options.corsOrigins ?? [];
    return list.includes('*') || list.includes(origin.toLowerCase());
  }

  /** The CORS headers of an answer to a request from `origin` ('' when none); undefined when CORS is off. */
  #cors(origin: string): Record<string, string> | undefined {
    if (!this.options.corsOrigins?.length) return undefined;
    const h: Record<string, string> = { vary: 'Origin' };
    if (origin === '' || !this.#originAllowed(origin)) return h;
    if (this.options.corsOrigins.includes(origin.toLowerCase())) {
      // A listed origin is echoed, with credentials (HTTP Basic) allowed; the wildcard alone allows none.
      h['access-control-allow-origin'] = origin;
      h['access-control-allow-credentials'] = 'true';
    } else h['access-control-allow-origin'] = '*';
    h['access-control-expose-headers'] = THROTTLE_HEADER;
    return h;
  }

  /** A CORS preflight (OPTIONS): the methods and headers a listed origin may use; 403 for other origins. */
  #preflight(res: HttpResponse, req: HttpRequest): void {
    const reply = new Reply(res);
    const origin = req.getHeader('origin');
    const requested = req.getHeader('access-control-request-headers').split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== '');
    reply.common = this.#cors(origin);
    if (origin === '' || !this.#originAllowed(origin)) {
      reply.error(new GatewayError(403, ErrorCode.INVALID_REQUEST, `origin ${JSON.stringify(origin)} is not in gateway.cors.allowed.origins`));
      return;
    }
    const headers = [...new Set([...CORS_ALLOWED_HEADERS, ...requested.filter((h) => h.startsWith('kafka-header-'))])];
    reply.send(204, '', 'text/plain', { 'access-control-allow-methods': 'GET, POST, OPTIONS', 'access-control-allow-headers': headers.join(', '), 'access-control-max-age': '600' });
  }

  #fail(reply: Reply, e: unknown): void {
    if (!(e instanceof GatewayError)) this.broker.log.error({ err: e }, 'gateway request failed');
    // A body refused half-way was not read to its end: close the connection after the answer.
    reply.error(e, e instanceof GatewayError && e.status === 413 && !e.declared);
  }

  #routes(): void {
    const app = this.#app;
    this.#route('get', '/', 'HttpConsole', (_i, r) => r.send(200, CONSOLE_HTML, 'text/html; charset=utf-8'));
    this.#route('get', '/console', 'HttpConsole', (_i, r) => r.send(200, CONSOLE_HTML, 'text/html; charset=utf-8'));
    this.#route('get', '/healthz', 'HttpHealth', (_i, r) => r.json(200, { status: 'ok' }));
    this.#route('get', '/readyz', 'HttpHealth', (_i, r) => (this.#stopping ? r.json(503, { status: 'stopping' }) : r.json(200, { status: 'ready', brokerId: this.broker.context.brokerId })));
    // The gauges name every topic and group, so under ACLs they are for principals that may describe the cluster.
    this.#route('get', '/metrics', 'HttpMetrics', (i, r) => {
      const who = httpRequester(i);
      if (!this.broker.context.mayDescribe(who, 'cluster')) throw new GatewayError(403, ErrorCode.CLUSTER_AUTHORIZATION_FAILED, `${who.principal} may not describe the cluster, which /metrics needs`);
      r.send(200, this.metrics.render(), 'text/plain; version=0.0.4; charset=utf-8');
    });
    this.#route('get', '/openapi.json', 'HttpOpenApi', (_i, r) => r.json(200, OPENAPI));
    this.#route('get', '/topics', 'HttpListTopics', (i, r) => {
      // Only the topics the request's principal may describe, as Kafka's Metadata lists them.
      const who = httpRequester(i);
      const ctx = this.broker.context;
      const topics = ctx.metadata.listTopics().map((t) => t.name).filter((t) => ctx.mayDescribe(who, 'topic', t)).sort();
      r.json(200, i.query.get('details') === 'true' ? topics.map((t) => this.#describeTopic(who, t)) : topics);
    });
    this.#route('post', '/topics', 'HttpCreateTopic', (i, r) => this.#createTopic(i, r));
    this.#route('get', '/groups', 'HttpListGroups', (i, r) => r.json(200, this.#groups(httpRequester(i))));
    this.#route('get', '/topics/:topic', 'HttpDescribeTopic', (i, r) => r.json(200, this.#describeTopic(httpRequester(i), i.params[0]!)));
    this.#route('get', '/topics/:topic/partitions', 'HttpDescribeTopic', (i, r) => r.json(200, this.#describeTopic(httpRequester(i), i.params[0]!).partitions));
    this.#route('post', '/topics/:topic', 'HttpProduce', (i, r) => this.#produce(i, r, undefined));
    this.#route('post', '/topics/:topic/partitions/:partition', 'HttpProduce', (i, r) => {
      const p = i.params[1]!;
      if (!/^\d+$/.test(p)) throw new GatewayError(404, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `partition "${p}" is not a partition number`);
      return this.#produce(i, r, Number(p));
    });
    this.#route('get', '/topics/:topic/partitions/:partition/records', 'HttpBrowse', (i, r) => this.#browse(i, r));
    app.ws<WsUserData>('/ws', {
      maxPayloadLength: this.options.wsMaxPayloadBytes,
      // Our own send loop keeps the backlog under gateway.ws.max.buffered.bytes (plus one frame); uWS's
      // hard limit far above that only guards against a bug there.
      maxBackpressure: this.options.wsMaxBufferedBytes * 16 + 64 * 1024 * 1024,
      closeOnBackpressureLimit: true,
      idleTimeout: Math.round(this.options.wsIdleTimeoutMs / 1000),
      sendPingsAutomatically: true,
      upgrade: (res, req, context) => {
        if (this.#stopping) {
          res.writeStatus('503 Service Unavailable').end();
          return;
        }
        // Browsers send their page's Origin with the upgrade; with gateway.cors.allowed.origins set, others are refused.
        const origin = req.getHeader('origin');
        if (this.options.corsOrigins?.length && origin !== '' && !this.#originAllowed(origin)) {
          res.cork(() => res.writeStatus('403 Forbidden').end());
          return;
        }
        let principal: string | undefined;
        let expiresAtMs: number | undefined;
        if (this.#passwords || this.options.bearer) {
          const auth = this.#authenticate(req.getHeader('authorization'));
          if ('refused' in auth) {
            res.cork(() => res.writeStatus('401 Unauthorized').writeHeader('www-authenticate', auth.challenge).end());
            return;
          }
          ({ principal, expiresAtMs } = auth);
        }
        const clientId = gatewayClientId({ get: (h) => req.getHeader(h) || undefined });
        res.upgrade<WsUserData>({ principal, clientId, expiresAtMs }, req.getHeader('sec-websocket-key'), req.getHeader('sec-websocket-protocol'), req.getHeader('sec-websocket-extensions'), context);
      },
      open: (ws) => {
        this.#sockets.add(ws);
        // A bearer token's socket lasts as long as the token, as a Kafka connection's SASL session does.
        const expiresAtMs = ws.getUserData().expiresAtMs;
        if (expiresAtMs !== undefined) {
          ws.getUserData().expiryTimer = setTimeout(() => {
            if (this.#sockets.has(ws)) ws.end(1008, 'bearer token expired');
          }, Math.min(Math.max(0, expiresAtMs - Date.now()), 2 ** 31 - 1));
        }
        ws.getUserData().session = new StreamSession(this.broker, ws, this.#cache, this.options.wsMaxBufferedBytes, {
          recordsOut: (topic, records, bytes) => this.metrics.streamed(topic, records, bytes),
          throttle: (who, bytes) => this.#quota('fetch', who, bytes),
        }, wsRequester(Buffer.from(ws.getRemoteAddressAsText()).toString(), ws.getUserData().principal, ws.getUserData().clientId));
      },
      message: (ws, data, isBinary) => {
        // Console live charts ride on the same socket: {"type":"stats"} subscribes to 1 Hz snapshots.
        if (!isBinary && data.byteLength < 64 && Buffer.from(data).toString() === '{"type":"stats"}') {
          this.#statsSockets.add(ws);
          this.#startStats();
          return;
        }
        ws.getUserData().session?.onMessage(data, isBinary);
      },
      // Resume sending after uWS's writable handling has finished (see StreamSession.pump).
      drain: (ws) => {
        const session = ws.getUserData().session;
        if (session) setImmediate(() => session.pump());
      },
      close: (ws) => {
        clearTimeout(ws.getUserData().expiryTimer);
        this.#sockets.delete(ws);
        this.#statsSockets.delete(ws);
        ws.getUserData().session?.close();
      },
    });
    if (this.options.corsOrigins?.length) app.options('/*', (res, req) => this.#preflight(res, req));
    app.any('/*', (res) => new Reply(res).error(new GatewayError(404, ErrorCode.INVALID_REQUEST, 'no such resource; see /openapi.json')));
  }

  #startStats(): void {
    if (this.#statsTimer) return;
    this.metrics.snapshot();
    this.#statsTimer = setInterval(() => {
      if (this.#statsSockets.size === 0) return;
      const msg = JSON.stringify(this.metrics.snapshot());
      for (const ws of this.#statsSockets) if (ws.getBufferedAmount() < this.options.wsMaxBufferedBytes) ws.cork(() => ws.send(msg, false));
    }, STATS_INTERVAL_MS);
    this.#statsTimer.unref();
  }

  // ---- handlers ----

  /**
   * Consumer groups with committed offsets and lag per partition (none when the build has no coordinator):
   * the groups `who` may describe, with the partitions of topics it may describe.
   */
  #groups(who: Requester): Array<{ group_id: string; state: string; members: number; partitions: Array<{ topic: string; partition: number; committed: number; high_watermark: number; lag: number; member: string | null }> }> {
    const coordinator = groupCoordinator(this.broker);
    if (!coordinator) return [];
    const ctx = this.broker.context;
    return coordinator.listGroups([]).filter((g) => ctx.mayDescribe(who, 'group', g.groupId)).map((g) => {
      const d = coordinator.describeGroup(g.groupId);
      const owner = new Map<string, string>();
      for (const m of d.members) for (const p of safeAssignment(m.assignment)) owner.set(`${p.topic}/${p.partition}`, `${m.clientId} …${m.memberId.slice(-8)}`);
      const committed = coordinator.fetchOffsets(g.groupId, null).offsets.filter((o) => o.errorCode === ErrorCode.NONE);
      const keys = new Map(committed.map((o) => [`${o.topic}/${o.partition}`, o.offset]));
      for (const k of owner.keys()) if (!keys.has(k)) keys.set(k, -1);
      const partitions = [...keys].map(([k, offset]) => {
        const i = k.lastIndexOf('/');
        const topic = k.slice(0, i);
        const partition = Number(k.slice(i + 1));
        const hw = ctx.replicaManager.offsetsIfReadable(who, topic, partition)?.highWatermark ?? 0;
        return { topic, partition, committed: offset, high_watermark: hw, lag: offset < 0 ? hw : Math.max(0, hw - offset), member: owner.get(k) ?? null };
      }).filter((p) => ctx.mayDescribe(who, 'topic', p.topic)).sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
      return { group_id: g.groupId, state: d.state, members: d.members.length, partitions };
    }).sort((a, b) => (a.group_id < b.group_id ? -1 : 1));
  }

  async #produce(info: RequestInfo, reply: Reply, partition: number | undefined): Promise<void> {
    if (this.#stopping) throw new GatewayError(503, ErrorCode.BROKER_NOT_AVAILABLE, 'broker is shutting down');
    const topic = info.params[0]!;
    const acks = parseAcks(info.query.get('acks'));
    const format = bodyFormat(info.headers.get('content-type'));
    const { body, release } = await readBody(reply, info, this.options.maxRequestBytes, this.#budget);
    let records: IngestRecord[];
    try {
      records = format === 'binary' ? [binaryRecord(body, info)] : parseJsonRecords(body, format);
    } catch (e) {
      release();
      throw e;
    }
    const who = httpRequester(info);
    // producer_byte_rate: a request over the quota is still appended; its answer waits the throttle time.
    const throttleMs = this.#quota('produce', who, body.length);
    const appended = ingest(this.broker, this.#sticky, who, acks, topic, partition, records).finally(release);
    if (acks === 0) {
      appended.catch((e) => this.broker.log.warn({ topic, err: (e as Error).message }, 'acks=0 produce failed'));
      await throttled(reply, throttleMs, 202, { offsets: [], throttle_time_ms: throttleMs });
      return;
    }
    const results = await appended;
    await throttled(reply, throttleMs, produceStatus(results), { offsets: results, key_schema_id: null, value_schema_id: null, throttle_time_ms: throttleMs });
  }

  /** Records gateway traffic against the principal's and client id's byte-rate quota: the throttle time in ms. */
  #quota(type: 'produce' | 'fetch', who: Requester, bytes: number): number {
    const quotas = this.broker.context.quotas;
    return bytes > 0 && quotas.active ? quotas.record(type, who, bytes) : 0;
  }

  #describeTopic(who: Requester, name: string): { name: string; partitions: Array<Record<string, number>>; configs: Record<string, string>; size_bytes: number } {
    const ctx = this.broker.context;
    const meta = ctx.metadata.getTopic(name);
    // Denied before unknown, as Kafka answers Metadata: whether the topic exists is not told.
    if (!ctx.mayDescribe(who, 'topic', name)) throw new GatewayError(403, ErrorCode.TOPIC_AUTHORIZATION_FAILED, `Not authorized to access topics: [${name}]`);
    if (!meta) throw new GatewayError(404, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic '${name}' does not exist`);
    const partitions: Array<Record<string, number>> = [];
    let size = 0;
    for (let p = 0; p < meta.partitions; p++) {
      const log = ctx.replicaManager.offsetsIfReadable(who, name, p);
      if (!log) continue;
      size += log.sizeInBytes;
      partitions.push({ partition: p, leader: ctx.brokerId, log_start_offset: log.logStartOffset, log_end_offset: log.logEndOffset, high_watermark: log.highWatermark, size_bytes: log.sizeInBytes });
    }
    return { name, partitions, configs: { ...meta.configs }, size_bytes: size };
  }

  async #createTopic(info: RequestInfo, reply: Reply): Promise<void> {
    const { body, release } = await readBody(reply, info, 64 * 1024, this.#budget);
    release();
    let spec: { name?: unknown; partitions?: unknown; replication_factor?: unknown; configs?: unknown };
    try {
      spec = JSON.parse(body.toString('utf8'));
    } catch (e) {
      throw badRequest(`body is not valid JSON: ${(e as Error).message}`);
    }
    if (typeof spec?.name !== 'string') throw badRequest('body must be { "name": "...", "partitions"?: n, "replication_factor"?: n, "configs"?: { "key": "value" } }', ErrorCode.INVALID_TOPIC_EXCEPTION);
    const int = (v: unknown, what: string) => {
      if (v === undefined || v === null) return -1;
      if (!Number.isInteger(v)) throw badRequest(`${what} must be an integer`, what === 'partitions' ? ErrorCode.INVALID_PARTITIONS : ErrorCode.INVALID_REPLICATION_FACTOR);
      return v as number;
    };
    const configs: Record<string, string | null> = {};
    if (spec.configs !== undefined && spec.configs !== null) {
      if (typeof spec.configs !== 'object' || Array.isArray(spec.configs)) throw badRequest('configs must be an object of Kafka topic config names to values', ErrorCode.INVALID_CONFIG);
      for (const [k, v] of Object.entries(spec.configs as Record<string, unknown>)) configs[k] = v === null ? null : String(v);
    }
    try {
      await this.broker.context.createTopic({ name: spec.name, partitions: int(spec.partitions, 'partitions'), replicationFactor: int(spec.replication_factor, 'replication_factor'), configs });
    } catch (e) {
      if (e instanceof BrokerError) throw new GatewayError(e.errorCode === ErrorCode.TOPIC_ALREADY_EXISTS ? 409 : 400, e.errorCode, e.message);
      throw e;
    }
    reply.json(201, this.#describeTopic(httpRequester(info), spec.name));
  }

  /** Message browser: up to `limit` records from an offset (or the first at/after a timestamp). */
  async #browse(info: RequestInfo, reply: Reply): Promise<void> {
    const [topic, pText] = info.params as [string, string];
    const rm = this.broker.context.replicaManager;
    const who = httpRequester(info);
    const partition = Number(pText);
    const offsets = /^\d+$/.test(pText) ? rm.offsetsIfReadable(who, topic, partition) : undefined;
    if (!offsets) throw new GatewayError(404, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `This server does not host this topic-partition: ${topic}-${pText}`);
    let isolation: Isolation;
    try {
      isolation = parseIsolation(info.query.get('isolation'));
    } catch (e) {
      throw badRequest((e as Error).message);
    }
    const committed = isolation === 'read_committed';
    // read_committed (the default) browses up to the last stable offset, without aborted transactions' records.
    const end = committed ? offsets.lastStableOffset : offsets.highWatermark;
    const log = { ...offsets, offsetForTimestamp: (t: number) => rm.offsetForTimestamp(who, topic, partition, t), read: (at: number, max: number) => rm.readRecords(who, topic, partition, at, max, true, committed) };
    const num = (k: string, dflt: number) => {
      const v = info.query.get(k);
      if (v === null || v === '') return dflt;
      if (!/^-?\d+$/.test(v)) throw badRequest(`${k} must be an integer`);
      return Number(v);
    };
    const limit = Math.min(1000, Math.max(1, num('limit', 50)));
    let offset: number;
    const ts = info.query.get('timestamp');
    if (ts !== null && ts !== '') {
      const t = num('timestamp', 0);
      offset = log.offsetForTimestamp(t)?.offset ?? end;
    } else offset = num('offset', log.logStartOffset);
    if (offset < 0) offset = Math.max(log.logStartOffset, end + offset); // -n: the last n offsets
    offset = Math.max(offset, log.logStartOffset);
    const records: Array<Record<string, unknown>> = [];
    let at = offset;
    let bytes = 0;
    while (records.length < limit && at < end) {
      const r = log.read(at, 1024 * 1024);
      bytes += r.records.length;
      const decoded = await decodeBatches(r.records, at, r.abortedTransactions);
      for (const rec of decoded.records) {
        if (records.length >= limit) break;
        records.push({ offset: rec.offset, timestamp: rec.timestamp, key: rec.key?.toString('base64') ?? null, value: rec.value?.toString('base64') ?? null,
          headers: rec.headers.map(([k, v]) => [k, v?.toString('base64') ?? null]) });
      }
      if (decoded.nextOffset <= at) break;
      at = decoded.nextOffset;
    }
    const throttleMs = this.#quota('fetch', who, bytes);
    await throttled(reply, throttleMs, 200, { topic, partition, isolation, log_start_offset: log.logStartOffset, high_watermark: log.highWatermark, last_stable_offset: log.lastStableOffset, encoding: 'base64', records, throttle_time_ms: throttleMs });
  }
}

/** Header of an answer held back by a byte-rate quota: the throttle time in ms (also the body's throttle_time_ms). */
export const THROTTLE_HEADER = 'kafka-throttle-time-ms';

/** Answers `body` as JSON, after `throttleMs` when a quota throttled the request (with the throttle header). */
async function throttled(reply: Reply, throttleMs: number, status: number, body: unknown): Promise<void> {
  if (throttleMs <= 0) {
    reply.json(status, body);
    return;
  }
  await new Promise((resolve) => setTimeout(resolve, throttleMs));
  reply.send(status, JSON.stringify(body), 'application/json', { [THROTTLE_HEADER]: String(throttleMs) });
}

function safeAssignment(b: Buffer): Array<{ topic: string; partition: number }> {
  try {
    return decodeAssignment(b).assignedPartitions.flatMap((a) => a.partitions.map((partition) => ({ topic: a.topic, partition })));
  } catch {
    return [];
  }
}
