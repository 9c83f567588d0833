// Public API of the gregor package: the embeddable broker, plus the building blocks for those who want them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Broker, createLogger } from './broker/index.js';
import { loadBrokerConfig } from './config/index.js';
import { Gateway, gatewayOptions } from './gateway/index.js';
import { InMemoryCluster } from './metadata/index.js';

export { Broker } from './broker/index.js';
export { loadBrokerConfig, ConfigError } from './config/index.js';

export interface StartBrokerOptions {
  /** Broker configs by Kafka name, e.g. { 'num.partitions': '3' }. */
  config?: Record<string, string | number | boolean>;
  /** Data directory; a fresh temporary one (removed by stop()) when omitted. */
  logDir?: string;
  /** Log level of the broker's own logs (default: warn). */
  logLevel?: string;
}

export interface EmbeddedBroker {
  /** host:port to give Kafka clients as their bootstrap server. */
  readonly bootstrap: string;
  readonly host: string;
  readonly port: number;
  readonly logDir: string;
  /** Base URL of the HTTP/WebSocket gateway when `gateway.listeners` was configured, e.g. http://127.0.0.1:41234. */
  readonly gatewayUrl: string | undefined;
  /** Stops the broker; removes the data directory if it was a temporary one. */
  stop(): Promise<void>;
}

/**
 * Starts an in-process broker on a free loopback port with a temporary data directory:
 * a real Kafka for your test suite without Docker or a JVM.
 */
export async function startBroker(options: StartBrokerOptions = {}): Promise<EmbeddedBroker> {
  const temporary = options.logDir === undefined;
  const logDir = options.logDir ?? mkdtempSync(join(tmpdir(), 'gregor-'));
  const overrides: Record<string, string> = { listeners: 'PLAINTEXT://127.0.0.1:0', 'log.dirs': logDir };
  for (const [k, v] of Object.entries(options.config ?? {})) overrides[k] = String(v);
  const config = loadBrokerConfig({ overrides });
  const broker = await Broker.start(config, { logger: createLogger(options.logLevel ?? 'warn') });
  const gwOptions = gatewayOptions(config);
  let gateway: Gateway | undefined;
  try {
    gateway = gwOptions ? await Gateway.start(broker, gwOptions) : undefined;
  } catch (e) {
    await broker.stop();
    throw e;
  }
  return {
    bootstrap: broker.bootstrap,
    host: broker.host,
    port: broker.port,
    logDir,
    gatewayUrl: gateway ? `http://${gwOptions!.host === '0.0.0.0' ? '127.0.0.1' : gwOptions!.host}:${gateway.port}` : undefined,
    async stop() {
      await gateway?.stop();
      await broker.stop();
      if (temporary) rmSync(logDir, { recursive: true, force: true });
    },
  };
}

export interface StartClusterOptions {
  /** Number of brokers (ids 0..n-1). */
  brokers: number;
  /** Broker configs by Kafka name for every broker, e.g. { 'min.insync.replicas': 2 }. */
  config?: Record<string, string | number | boolean>;
  /** Log level of the brokers' own logs (default: warn). */
  logLevel?: string;
  /**
   * A ZooKeeper the caller runs (`zookeeper.connect`: host:port list with an optional chroot, e.g.
   * `127.0.0.1:2181/my-suite`): the brokers keep their metadata there, in Kafka's znode layout, instead of
   * in this process's memory. Without it the cluster is coordinated in memory.
   */
  zookeeperConnect?: string;
}

export interface EmbeddedCluster {
  /** Comma-separated host:port of every broker, for Kafka clients' bootstrap servers. */
  readonly bootstrap: string;
  /** Broker ids with their addresses; `running` false while killed. */
  readonly brokers: ReadonlyArray<{ id: number; host: string; port: number; running: boolean }>;
  /** Stops broker `id` as a crash would: no controlled shutdown, its session simply ends. */
  kill(id: number): Promise<void>;
  /** Stops broker `id` with a controlled shutdown (leadership moves away first). */
  stopBroker(id: number): Promise<void>;
  /** Starts broker `id` again on its port with its data. */
  restart(id: number): Promise<void>;
  /** Stops every broker and removes the data directories. */
  stop(): Promise<void>;
}

/**
 * Starts a cluster of `brokers` in-process brokers coordinated in memory (no ZooKeeper), or through the
 * caller's ZooKeeper (`zookeeperConnect`), each on a free loopback port with a temporary data directory, so
 * a test suite can exercise replication and failover — kill a broker, watch leaders move, restart it —
 * without Docker or a JVM.
 */
export async function startCluster(options: StartClusterOptions): Promise<EmbeddedCluster> {
  const n = options.brokers;
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`brokers must be an integer >= 1, got ${n}`);
  const zookeeper = options.zookeeperConnect;
  if (zookeeper !== undefined && (typeof zookeeper !== 'string' || zookeeper.trim() === '')) throw new RangeError('zookeeperConnect must be a host:port[,host:port...][/chroot] string');
  const shared = zookeeper === undefined ? new InMemoryCluster() : undefined;
  const root = mkdtempSync(join(tmpdir(), 'gregor-cluster-'));
  const slots: Array<{ id: number; dir: string; port: number; broker: Broker | undefined }> = [];
  const logger = createLogger(options.logLevel ?? 'warn');
  const launch = async (slot: { id: number; dir: string; port: number; broker: Broker | undefined }) => {
    const overrides: Record<string, string> = { listeners: `PLAINTEXT://127.0.0.1:${slot.port}`, 'log.dirs': slot.dir, 'broker.id': String(slot.id) };
    if (zookeeper !== undefined) overrides['zookeeper.connect'] = zookeeper;
    for (const [k, v] of Object.entries(options.config ?? {})) overrides[k] = String(v);
    const config = loadBrokerConfig({ overrides });
    // Through ZooKeeper each broker opens its own session (and store), as a broker process does.
    slot.broker = await Broker.start(config, { logger: logger.child({ broker: slot.id }), metadata: shared?.store() });
    slot.port = slot.broker.port;
  };
  try {
    for (let id = 0; id < n; id++) {
      const slot = { id, dir: join(root, `broker-${id}`), port: 0, broker: undefined };
      slots.push(slot);
      await launch(slot);
    }
  } catch (e) {
    for (const s of slots) await s.broker?.stop({ controlled: false });
    rmSync(root, { recursive: true, force: true });
    throw e;
  }
  const slot = (id: number) => {
    const s = slots.find((x) => x.id === id);
    if (!s) throw new RangeError(`no broker ${id} in this cluster (0..${n - 1})`);
    return s;
  };
  return {
    bootstrap: slots.map((s) => `127.0.0.1:${s.port}`).join(','),
    get brokers() {
      return slots.map((s) => ({ id: s.id, host: '127.0.0.1', port: s.port, running: s.broker !== undefined }));
    },
    async kill(id) {
      const s = slot(id);
      const b = s.broker;
      s.broker = undefined;
      await b?.stop({ controlled: false });
    },
    async stopBroker(id) {
      const s = slot(id);
      const b = s.broker;
      s.broker = undefined;
      await b?.stop();
    },
    async restart(id) {
      const s = slot(id);
      if (s.broker) throw new Error(`broker ${id} is running`);
      await launch(s);
    },
    async stop() {
      for (const s of slots) {
        const b = s.broker;
        s.broker = undefined;
        await b?.stop({ controlled: false });
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
}
