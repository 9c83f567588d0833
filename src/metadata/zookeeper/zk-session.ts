// A promise-based ZooKeeper session over node-zookeeper-client: connects with `zookeeper.connect` (creating
// its chroot when missing), retries the first connect with exponential backoff until
// `zookeeper.connection.timeout.ms`, and replaces an expired session with a new one.
//
// Why node-zookeeper-client (pure JavaScript, 1.1.x) and not `zookeeper` (native binding over the C client,
// 7.x): both were tried against Debian's ZooKeeper 3.8.0 (chroot connect, ephemeral node gone 3-5 ms after
// the owner's close, data and existence watches firing in 2-5 ms, session kept across a SIGKILL + restart of
// the server within the session timeout, expiry reported about 1 s after a second client closed the same
// session). Only node-zookeeper-client offers multi (transactions): atomic topic creation and the
// controller epoch's conditional increment need it, and the native binding's API has no multi at all.
// It also installs as 3 packages with no install script (the native one compiles the C client with
// node-gyp for about a minute, needs an allowScripts entry and a rebuild per Node major) and logs
// nothing to stderr on its own.
//
// Sessions: a dropped connection is re-established by the client with the same session (watches are re-set
// by it); an expired session is gone with its ephemeral nodes and watches, so the session opens a new one
// and emits 'expired' then 'renewed': the owner re-creates its ephemeral nodes and re-reads what it watched.
import zookeeper from 'node-zookeeper-client';
import type { Client, Stat } from 'node-zookeeper-client';
import { guardClient, shutClient } from './connection-guard.js';

export type ZkErrorCode = 'NODE_EXISTS' | 'NO_NODE' | 'BAD_VERSION' | 'NOT_EMPTY' | 'CONNECTION_LOSS' | 'SESSION_EXPIRED' | 'ZOOKEEPER_ERROR';

/** A failed ZooKeeper operation, with ZooKeeper's error as a stable code. */
export class ZooKeeperError extends Error {
  readonly code: ZkErrorCode;
  readonly path: string | undefined;
  constructor(code: ZkErrorCode, message: string, path?: string) {
    super(message);
    this.name = 'ZooKeeperError';
    this.code = code;
    this.path = path;
  }
}

/** ZooKeeper could not be reached within `zookeeper.connection.timeout.ms`. */
export class ZooKeeperConnectError extends Error {
  readonly code = 'ZOOKEEPER_CONNECT_TIMEOUT';
  constructor(message: string) {
    super(message);
    this.name = 'ZooKeeperConnectError';
  }
}

const CODES: Record<number, ZkErrorCode> = { [-110]: 'NODE_EXISTS', [-101]: 'NO_NODE', [-103]: 'BAD_VERSION', [-111]: 'NOT_EMPTY', [-4]: 'CONNECTION_LOSS', [-112]: 'SESSION_EXPIRED' };

function wrap(e: unknown, path?: string): ZooKeeperError {
  const err = e as { getCode?: () => number; message?: string };
  const code = (typeof err.getCode === 'function' && CODES[err.getCode()]) || 'ZOOKEEPER_ERROR';
  return new ZooKeeperError(code, `${err.message ?? String(e)}${path !== undefined ? ` (${path})` : ''}`, path);
}

export interface ZkSessionOptions {
  /** host:port[,host:port...][/chroot] */
  readonly connect: string;
  readonly sessionTimeoutMs: number;
  /** Longest wait for the first connection (Kafka's default: the session timeout). */
  readonly connectionTimeoutMs?: number;
  /** Receives a line when the client's connection had to be dropped on a fault (default: a process warning). */
  readonly report?: (message: string) => void;
}

export interface ZkNode {
  readonly data: Buffer;
  readonly version: number;
  /** Session id (16 hex digits) of the owner of an ephemeral node, or '0000000000000000'. */
  readonly ephemeralOwner: string;
}

export type ZkMode = 'persistent' | 'ephemeral' | 'persistent_sequential';
const MODES: Record<ZkMode, number> = { persistent: zookeeper.CreateMode.PERSISTENT, ephemeral: zookeeper.CreateMode.EPHEMERAL, persistent_sequential: zookeeper.CreateMode.PERSISTENT_SEQUENTIAL };

/** One operation of a multi: all of them apply, or none. */
export type ZkOp =
  | { readonly op: 'create'; readonly path: string; readonly data: Buffer; readonly mode?: ZkMode }
  | { readonly op: 'set'; readonly path: string; readonly data: Buffer; readonly version: number }
  | { readonly op: 'check'; readonly path: string; readonly version: number }
  | { readonly op: 'remove'; readonly path: string; readonly version?: number };

/**
 * A watch: called once when that node (or its children) changed. The client keeps one registration per
 * function and path, so passing the same function again for a path does not add a second one.
 */
export type ZkWatcher = () => void;

export type ZkSessionEvent = 'connected' | 'disconnected' | 'expired' | 'renewed';

/** Splits a connect string into its servers and chroot ('' when none); the chroot is checked as a path. */
export function parseConnectString(connect: string): { servers: string; chroot: string } {
  const slash = connect.indexOf('/');
  const servers = slash < 0 ? connect : connect.slice(0, slash);
  let chroot = slash < 0 ? '' : connect.slice(slash);
  if (chroot === '/') chroot = '';
  if (!/^([a-zA-Z0-9._\-[\]:]+:\d+)(,[a-zA-Z0-9._\-[\]:]+:\d+)*$/.test(servers)) {
    throw new Error(`zookeeper.connect "${connect}" is not host:port[,host:port...][/chroot]`);
  }
  if (chroot !== '' && (chroot.endsWith('/') || chroot.includes('//') || /\/\.\.?(\/|$)/.test(chroot))) {
    throw new Error(`zookeeper.connect "${connect}" has an invalid chroot path "${chroot}"`);
  }
  return { servers, chroot };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class ZkSession {
  readonly #opts: Required<ZkSessionOptions>;
  readonly #servers: string;
  readonly #chroot: string;
  #client: Client | undefined;
  #ready: Promise<Client>;
  #closed = false;
  readonly #listeners = new Map<ZkSessionEvent, Set<() => void>>();

  private constructor(opts: ZkSessionOptions) {
    this.#opts = {
      ...opts,
      connectionTimeoutMs: opts.connectionTimeoutMs ?? opts.sessionTimeoutMs,
      report: opts.report ?? ((message) => process.emitWarning(message, { code: 'GREGOR_ZOOKEEPER_CONNECTION' })),
    };
    ({ servers: this.#servers, chroot: this.#chroot } = parseConnectString(opts.connect));
    this.#ready = Promise.reject(new Error('not connected'));
    this.#ready.catch(() => {});
  }

  /** Connects (creating the chroot when missing); rejects with ZooKeeperConnectError after the connection timeout. */
  static async open(opts: ZkSessionOptions): Promise<ZkSession> {
    const s = new ZkSession(opts);
    const deadline = Date.now() + s.#opts.connectionTimeoutMs;
    if (s.#chroot !== '') {
      const root = await s.#connectUntil(s.#servers, deadline);
      try {
        await new Promise<void>((res, rej) => root.mkdirp(s.#chroot, (e) => (e ? rej(wrap(e, s.#chroot)) : res())));
      } finally {
        shutClient(root);
      }
    }
    const client = await s.#connectUntil(opts.connect, deadline);
    s.#adopt(client);
    return s;
  }

  /** The session id as ZooKeeper prints it (16 hex digits), which ephemeral nodes carry as their owner. */
  get sessionId(): string {
    return this.#client ? this.#client.getSessionId().toString('hex') : '';
  }

  /** Session id and password, for tests that force an expiry by closing the session from a second client. */
  get credentials(): { sessionId: Buffer; sessionPassword: Buffer } | undefined {
    return this.#client ? { sessionId: this.#client.getSessionId(), sessionPassword: this.#client.getSessionPassword() } : undefined;
  }

  on(event: ZkSessionEvent, listener: () => void): () => void {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  async create(path: string, data: Buffer, mode: ZkMode = 'persistent'): Promise<string> {
    const c = await this.#ready;
    return new Promise((res, rej) => c.create(path, data, MODES[mode], (e, p) => (e ? rej(wrap(e, path)) : res(p))));
  }

  /** Creates `path` and its missing parents (persistent, empty); an existing node is left as it is. */
  async ensurePath(path: string): Promise<void> {
    const c = await this.#ready;
    return new Promise((res, rej) => c.mkdirp(path, (e) => (e ? rej(wrap(e, path)) : res())));
  }

  /** The node's data and version, or undefined when absent; `watch` fires on change or deletion (or creation, when absent). */
  async get(path: string, watch?: ZkWatcher): Promise<ZkNode | undefined> {
    const c = await this.#ready;
    const watcher = watch;
    try {
      const [data, stat] = await new Promise<[Buffer, Stat]>((res, rej) => {
        const cb = (e: unknown, d: Buffer, s: Stat) => (e ? rej(e) : res([d, s]));
        if (watcher) c.getData(path, watcher, cb);
        else c.getData(path, cb);
      });
      return { data: data ?? Buffer.alloc(0), version: stat.version, ephemeralOwner: stat.ephemeralOwner.toString('hex') };
    } catch (e) {
      const err = wrap(e, path);
      if (err.code !== 'NO_NODE') throw err;
      // Absent: watch for its creation instead (a data watch cannot be left on a missing node).
      if (watcher) {
        const stat = await new Promise<Stat | undefined>((res, rej) => c.exists(path, watcher, (e2, s) => (e2 ? rej(wrap(e2, path)) : res(s ?? undefined))));
        if (stat) return this.get(path, watch); // created in between
      }
      return undefined;
    }
  }

  /** Child names, or undefined when the node is absent; `watch` fires when children change. */
  async children(path: string, watch?: ZkWatcher): Promise<string[] | undefined> {
    const c = await this.#ready;
    const watcher = watch;
    try {
      return await new Promise<string[]>((res, rej) => {
        const cb = (e: unknown, ch: string[]) => (e ? rej(e) : res(ch));
        if (watcher) c.getChildren(path, watcher, cb);
        else c.getChildren(path, cb);
      });
    } catch (e) {
      const err = wrap(e, path);
      if (err.code !== 'NO_NODE') throw err;
      if (watcher) {
        const stat = await new Promise<Stat | undefined>((res, rej) => c.exists(path, watcher, (e2, s) => (e2 ? rej(wrap(e2, path)) : res(s ?? undefined))));
        if (stat) return this.children(path, watch);
      }
      return undefined;
    }
  }

  /** Sets data when the node's version is `version` (-1: any); resolves the new version. */
  async set(path: string, data: Buffer, version: number): Promise<number> {
    const c = await this.#ready;
    return new Promise((res, rej) => c.setData(path, data, version, (e, s) => (e ? rej(wrap(e, path)) : res(s.version))));
  }

  async remove(path: string, version = -1): Promise<void> {
    const c = await this.#ready;
    return new Promise((res, rej) => c.remove(path, version, (e) => (e ? rej(wrap(e, path)) : res())));
  }

  /** Applies every operation or none; rejects with the error of the first one that failed. */
  async multi(ops: readonly ZkOp[]): Promise<void> {
    const c = await this.#ready;
    const t = c.transaction();
    for (const o of ops) {
      if (o.op === 'create') t.create(o.path, o.data, MODES[o.mode ?? 'persistent']);
      else if (o.op === 'set') t.setData(o.path, o.data, o.version);
      else if (o.op === 'check') t.check(o.path, o.version);
      else t.remove(o.path, o.version ?? -1);
    }
    return new Promise((res, rej) => t.commit((e) => (e ? rej(wrap(e)) : res())));
  }

  /** Closes the session: its ephemeral nodes are removed at once. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const c = this.#client;
    this.#client = undefined;
    if (!c) return;
    if (c.getState() !== zookeeper.State.SYNC_CONNECTED) {
      shutClient(c); // between connections: the session ends with its timeout
      return;
    }
    await new Promise<void>((res) => {
      const timer = setTimeout(res, 2000);
      c.once('disconnected', () => {
        clearTimeout(timer);
        res();
      });
      shutClient(c);
    });
  }

  #emit(event: ZkSessionEvent): void {
    for (const l of [...(this.#listeners.get(event) ?? [])]) l();
  }

  #adopt(client: Client): void {
    this.#client = client;
    this.#ready = Promise.resolve(client);
    let watchdog: NodeJS.Timeout | undefined;
    client.on('disconnected', () => {
      if (this.#client !== client || this.#closed) return;
      // A connect made while a restarted server is still loading its data can be accepted and then never
      // answered, and the client waits on it for good; every third of the session timeout without a session,
      // its socket is dropped so that it connects afresh (keeping the session id, so the session survives).
      clearInterval(watchdog);
      watchdog = setInterval(() => {
        if (this.#client !== client || this.#closed || client.getState() === zookeeper.State.SYNC_CONNECTED) clearInterval(watchdog);
        else (client as unknown as { connectionManager?: { socket?: { destroy(): void } } }).connectionManager?.socket?.destroy();
      }, Math.max(500, Math.floor(this.#opts.sessionTimeoutMs / 3)));
      watchdog.unref();
      this.#emit('disconnected');
    });
    client.on('connected', () => {
      clearInterval(watchdog);
      if (this.#client === client && !this.#closed) this.#emit('connected');
    });
    client.once('expired', () => {
      clearInterval(watchdog);
      if (this.#client !== client || this.#closed) return;
      shutClient(client);
      this.#client = undefined;
      let resolve!: (c: Client) => void;
      this.#ready = new Promise<Client>((r) => (resolve = r));
      this.#emit('expired');
      void this.#renew(resolve);
    });
  }

  /** After an expiry: a new session, retried with backoff for as long as the session is not closed. */
  async #renew(resolve: (c: Client) => void): Promise<void> {
    for (let backoff = 100; !this.#closed; backoff = Math.min(backoff * 2, 5000)) {
      try {
        const client = await this.#connectUntil(this.#opts.connect, Date.now() + this.#opts.connectionTimeoutMs);
        if (this.#closed) {
          shutClient(client);
          return;
        }
        this.#adopt(client);
        resolve(client);
        this.#emit('renewed');
        return;
      } catch {
        await sleep(backoff);
      }
    }
  }

  /**
   * Connects to `connect`, a fresh client per attempt, each attempt waiting twice as long as the one before
   * (250 ms, 500 ms, 1 s... up to 8 s), until `deadline`.
   */
  async #connectUntil(connect: string, deadline: number): Promise<Client> {
    for (let window = 250, attempt = 1; ; window = Math.min(window * 2, 8000), attempt++) {
      const left = deadline - Date.now();
      const client = zookeeper.createClient(connect, { sessionTimeout: this.#opts.sessionTimeoutMs, spinDelay: 100, retries: 0 });
      guardClient(client, this.#opts.report);
      const ok = await new Promise<boolean>((res) => {
        const timer = setTimeout(() => res(false), Math.max(1, Math.min(window, left)));
        client.once('connected', () => {
          clearTimeout(timer);
          res(true);
        });
        client.connect();
      });
      if (ok) return client;
      shutClient(client); // not client.close(): see connection-guard.ts
      if (Date.now() >= deadline || this.#closed) {
        throw new ZooKeeperConnectError(
          `Cannot connect to ZooKeeper at ${connect} within ${this.#opts.connectionTimeoutMs} ms (zookeeper.connection.timeout.ms; ${attempt} attempts)`,
        );
      }
    }
  }
}
