// A single Kafka-compatible broker: loads metadata, opens (and recovers) every partition log,
// then listens for Kafka clients. stop() closes listeners first, then flushes and closes the logs.
import { listenerConfig, listenerOverrides, type BrokerConfig } from '../config/index.js';
import { closeWorkerPools, createWorkerPools, FileRangeTransport, defaultComputeThreads, native, produceFrameMemory, type PoolStats, type WorkerPools } from '../hotpath/index.js';
import { LogManager } from '../log/index.js';
import { isClusterStore, LocalMetadataStore, openZooKeeperStore, type ClusterMetadataStore, type MetadataStore } from '../metadata/index.js';
import { Controller, Replicas } from '../cluster/index.js';
import { OFFSETS_TOPIC } from '../group/index.js';
import { TRANSACTION_STATE_TOPIC } from '../txn/index.js';
import { assignReplicas } from './replica-assignment.js';
import { isReplicaThrottled, ReplicationThrottle } from './replication-throttle.js';
import { ConnectionQuotas, InflightBudget, parseIpOverrides, SocketServer } from '../network/index.js';
import { mapDistinguishedName, parseJaasConfig, plainUsers } from '../security/index.js';
import { PasswordCheck } from './password-check.js';
import { BrokerContext, effectiveBrokerConfig, type Listener } from './context.js';
import type { TlsOptions } from 'node:tls';
import { BrokerError } from '../protocol/index.js';
import { interBrokerClientSecurity, interBrokerListener, listenerSecurity, listenerSpecs, listenerTlsOptions, parseListener as parseListenerSpec, type ListenerSecurity } from './listeners.js';
import { createLogger, type Logger } from './logger.js';
import { RequestDispatcher } from './request-dispatcher.js';
import { ListenerConnectionRates } from './quotas.js';
import { DESCRIPTOR_ADVICE, DescriptorWatch } from './descriptors.js';

export interface BrokerStartOptions {
  logger?: Logger;
  /**
   * Cluster metadata shared with other brokers (startCluster's in-process cluster); without it the broker
   * keeps its metadata in a local file (single node).
   */
  metadata?: ClusterMetadataStore;
}

export function parseListener(spec: string): Listener {
  return parseListenerSpec(spec);
}

export class Broker {
  readonly config: BrokerConfig;
  readonly log: Logger;
  readonly context: BrokerContext;
  readonly #server: SocketServer;
  readonly #servers: ReadonlyMap<string, SocketServer>;
  readonly #metadata: MetadataStore;
  readonly #pools: WorkerPools;
  #listener: Listener;
  #stopping: Promise<void> | undefined;
  /** Logs when the broker nears its open-file limit. */
  #descriptors: DescriptorWatch | undefined;

  private constructor(config: BrokerConfig, log: Logger, context: BrokerContext, servers: ReadonlyMap<string, SocketServer>, metadata: MetadataStore, pools: WorkerPools, listener: Listener) {
    this.config = config;
    this.#servers = servers;
    const server = servers.get(listener.name)!;
    this.#pools = pools;
    this.log = log;
    this.context = context;
    this.#server = server;
    this.#metadata = metadata;
    this.#listener = listener;
  }

  static async start(config: BrokerConfig, opts: BrokerStartOptions = {}): Promise<Broker> {
    const log = opts.logger ?? createLogger(config['log.level']);
    const started = Date.now();
    // Segments, indexes and connections each hold a descriptor: run with the hard open-file limit, not the soft one.
    const files = native.raiseOpenFileLimit();
    const fmt = (n: number) => (n < 0 ? 'unlimited' : n);
    log.info({ openFileLimit: fmt(files.soft), hardLimit: fmt(files.hard), ...(files.before !== files.soft ? { raisedFrom: fmt(files.before) } : {}) }, 'open file limit');
    const listenerDefs = listenerSpecs(config);
    const interBroker = interBrokerListener(config, listenerDefs);
    const advertisedByName = new Map((config['advertised.listeners'] ?? []).map((a) => parseListener(a)).map((a) => [a.name, a]));
    for (const name of advertisedByName.keys()) {
      if (!listenerDefs.some((d) => d.spec.name === name)) throw new Error(`advertised.listeners names ${name}, which is not one of the listeners (${listenerDefs.map((d) => d.spec.name).join(', ')})`);
    }
    const bind = listenerDefs[0]!.spec;
    // zookeeper.connect: a cluster coordinated through ZooKeeper; otherwise a single node with a local file.
    const zk = config['zookeeper.connect'];
    const metadata: MetadataStore = opts.metadata ?? (zk
      ? await openZooKeeperStore({ connect: zk, sessionTimeoutMs: config['zookeeper.session.timeout.ms'], connectionTimeoutMs: config['zookeeper.connection.timeout.ms'] ?? undefined,
        brokerId: config['broker.id'], report: (m) => log.warn({ zookeeper: zk }, m) })
      : new LocalMetadataStore(config['log.dirs'], config['cluster.id'], config['broker.id']));
    const cluster = isClusterStore(metadata) ? metadata : undefined;
    if (cluster) {
      await cluster.start();
      log.info({ zookeeper: zk ?? 'in-process', clusterId: cluster.clusterId }, 'joined the cluster metadata');
    }
    let securities: ListenerSecurity[];
    let interBrokerClient: ReturnType<typeof interBrokerClientSecurity>;
    try {
      const dynamic = { ...metadata.brokerConfigs(''), ...metadata.brokerConfigs(String(config['broker.id'])) };
      securities = listenerDefs.map((d) => listenerSecurity(config, d.spec, d.protocol, metadata, dynamic, (m) => log.warn({ listener: d.spec.name }, m)));
      // Only brokers of a cluster log in to each other: a single node needs no inter-broker credentials.
      interBrokerClient = cluster ? interBrokerClientSecurity(config, interBroker) : {};
    } catch (e) {
      await metadata.close();
      throw e;
    }
    const effective = effectiveBrokerConfig(config, metadata);
    const pools = createWorkerPools(config['worker.pool.threads'] ?? defaultComputeThreads(), config['worker.io.threads']);
    for (const pool of [pools.compute, pools.io]) {
      pool.onError = (err) => {
        const code = (err as NodeJS.ErrnoException).code;
        const exhausted = /\b(EMFILE|ENFILE)\b/.test(`${code} ${err.message}`);
        log.error({ pool: pool.name, err: err.message }, exhausted ? `a worker thread could not start: the broker is out of file descriptors; ${DESCRIPTOR_ADVICE}` : 'a worker thread failed');
      };
    }
    const logs = new LogManager(effective, log, pools.compute, pools.io);
    logs.writeMetaProperties(metadata.clusterId);
    if (cluster) {
      // A cluster broker keeps logs only for the partitions it is a replica of; any other partition directory
      // is of a topic deleted (or a replica moved) while it was down.
      const brokerId = config['broker.id'];
      const hosted = (topic: string, partition: number) => cluster.getTopic(topic)?.replicas[partition]?.includes(brokerId) ?? false;
      logs.setHostedPartitions(hosted);
      const removed = logs.removeStrayLogs(hosted);
      if (removed.length > 0) log.warn({ logs: removed }, 'removed the logs of partitions this broker no longer hosts');
    }
    for (const t of metadata.listTopics()) logs.openTopic(t.name, t.partitions, t.configs);
    logs.checkpointRecoveryPoints();
    const advertisedSpec = advertisedByName.get(bind.name);
    const context = new BrokerContext(config, metadata, logs, log, advertisedSpec ?? bind);
    for (const sec of securities) if (sec.sasl) context.saslListeners.set(sec.spec.name, sec.sasl);
    if (cluster) {
      // Groups are coordinated by the leader of their __consumer_offsets partition, loaded as leadership comes.
      context.groups.setOwnership((p) => context.cluster?.replicas.replica(OFFSETS_TOPIC, p)?.role === 'leader',
        async (p, next) => {
          const r = context.cluster?.replicas.replica(OFFSETS_TOPIC, p);
          if (!r) return;
          // The append may complete the ISR by itself (a single replica): move the high watermark first.
          context.cluster!.replicas.afterLeaderAppend(r);
          await context.cluster!.replicas.waitForHighWatermark(r, next, config['offsets.commit.timeout.ms']);
        });
      context.groups.offsetsTopicAssignment = (partitions) => {
        const brokers = context.liveBrokers();
        const wanted = config['offsets.topic.replication.factor'];
        const rf = Math.max(1, Math.min(wanted, brokers.length));
        if (rf < wanted) log.warn({ wanted, live: brokers.length, replicationFactor: rf }, 'offsets.topic.replication.factor is larger than the live brokers: __consumer_offsets gets fewer replicas');
        return assignReplicas(brokers, partitions, rf);
      };
      const replicas = new Replicas(cluster, config['broker.id'], logs, log, {
        replicaLagTimeMaxMs: config['replica.lag.time.max.ms'], fetchWaitMaxMs: config['replica.fetch.wait.max.ms'], fetchMaxBytes: config['replica.fetch.max.bytes'],
        fetchResponseMaxBytes: config['replica.fetch.response.max.bytes'], fetchBackoffMs: config['replica.fetch.backoff.ms'],
        // The inter-broker listener's TLS and SASL, as a client (inter.broker.listener.name).
        connectSecurity: (host: string) => ({ tls: interBrokerClient.tls?.(host), sasl: interBrokerClient.sasl }),
        // Read at each fetch: both are dynamic (kafka-reassign-partitions --throttle sets and clears them).
        followerThrottle: {
          rate: () => context.config['follower.replication.throttled.rate'],
          throttled: (topic, partition) => isReplicaThrottled(context.metadata.getTopic(topic)?.configs['follower.replication.throttled.replicas']?.split(','), partition, config['broker.id']),
          meter: new ReplicationThrottle(),
        },
        endpointOf: (b) => {
          const ep = context.brokerEndpoints().find((e) => e.nodeId === b.id);
          return ep ? { host: ep.host, port: ep.port } : { host: b.endpoints[0]?.host ?? '127.0.0.1', port: b.endpoints[0]?.port ?? 9092 };
        },
      }, (topic, partition) => logs.checkpointedHighWatermark(topic, partition) ?? 0);
      logs.startHighWatermarkCheckpoints(() => replicas.all(), config['replica.high.watermark.checkpoint.interval.ms']);
      // Transactional ids likewise: coordinated by the leader of their __transaction_state partition.
      context.txn.setOwnership((p) => context.cluster?.replicas.replica(TRANSACTION_STATE_TOPIC, p)?.role === 'leader',
        async (p, next) => {
          const r = context.cluster?.replicas.replica(TRANSACTION_STATE_TOPIC, p);
          if (r) await context.cluster!.replicas.waitForHighWatermark(r, next, config['offsets.commit.timeout.ms']);
        },
        (p) => context.cluster?.replicas.replica(TRANSACTION_STATE_TOPIC, p)?.leaderEpoch ?? 0);
      context.txn.topicAssignment = (partitions) => {
        const brokers = context.liveBrokers();
        const wanted = config['transaction.state.log.replication.factor'];
        const rf = Math.max(1, Math.min(wanted, brokers.length));
        if (rf < wanted) log.warn({ wanted, live: brokers.length, replicationFactor: rf }, 'transaction.state.log.replication.factor is larger than the live brokers: __transaction_state gets fewer replicas');
        return assignReplicas(brokers, partitions, rf);
      };
      replicas.onRoleChange((r, previous) => {
        if (r.topic === TRANSACTION_STATE_TOPIC) {
          if (r.role === 'leader') context.txn.loadPartition(r.partition);
          else if (previous === 'leader') context.txn.unloadPartition(r.partition);
          return;
        }
        if (r.topic !== OFFSETS_TOPIC) return;
        if (r.role === 'leader') context.groups.loadPartition(r.partition);
        else if (previous === 'leader') context.groups.unloadPartition(r.partition);
      });
      const controller = new Controller(cluster, config['broker.id'], log, {
        uncleanLeaderElection: (topic) => context.topicConfig(topic)['unclean.leader.election.enable'],
        autoRebalance: config['auto.leader.rebalance.enable'],
        rebalanceIntervalMs: config['leader.imbalance.check.interval.seconds'] * 1000,
      });
      context.cluster = { store: cluster, controller, replicas, listenerName: interBroker.name };
    }
    context.groups.start();
    context.txn.start();
    logs.startBackgroundTasks((topic) => context.topicConfig(topic)['flush.ms']);
    logs.startRetention((topic) => context.topicConfig(topic));
    logs.startCleaner((topic) => context.topicConfig(topic));
    const dispatcher = new RequestDispatcher(context);
    const transport = new FileRangeTransport(pools.io, () => context.config['fetch.zero.copy.inline']);
    // Produce frames that must be assembled from several socket reads land in recycled shared memory,
    // so a large produce reaches a pool worker without a copy.
    const frames = config['append.pool'] ? produceFrameMemory(pools.compute) : undefined;
    const budget = new InflightBudget(config['queued.max.request.bytes']);
    // Connection limits as the dynamic broker configs have them now (max.connections* and the creation rates), and
    // again whenever those change: new connections see the new limits, open ones stay.
    const startDynamic = { ...metadata.brokerConfigs(''), ...metadata.brokerConfigs(String(config['broker.id'])) };
    const limits = (effective: BrokerConfig, dynamic: Readonly<Record<string, string>>) => ({
      maxConnections: effective['max.connections'], maxPerIp: effective['max.connections.per.ip'], overrides: parseIpOverrides(effective['max.connections.per.ip.overrides']),
      brokerRate: effective['max.connection.creation.rate'],
      // A listener's own rate only (listener.name.<l>.max.connection.creation.rate, dynamic over static): the
      // broker-wide one is counted apart, and not on the inter-broker listener.
      listenerRates: new Map(securities.map((sec) => {
        const own = dynamic[`listener.name.${sec.spec.name.toLowerCase()}.max.connection.creation.rate`] ?? listenerOverrides(effective, sec.spec.name)['max.connection.creation.rate'];
        return [sec.spec.name, own === undefined ? ListenerConnectionRates.UNLIMITED : Number(own)];
      })),
    });
    const initial = limits(context.config, startDynamic);
    const quotas = new ConnectionQuotas(initial.maxConnections, initial.maxPerIp, initial.overrides, context.quotas.connections);
    const acceptRate = new ListenerConnectionRates({ samples: config['quota.window.num'], sampleMs: config['quota.window.size.seconds'] * 1000 }, initial.brokerRate,
      initial.listenerRates, interBroker.name);
    let appliedLimits = JSON.stringify(initial, (_k, v: unknown) => (v instanceof Map ? [...v] : v));
    context.brokerConfigApplied = (effective, dynamic) => {
      const next = limits(effective, dynamic);
      const text = JSON.stringify(next, (_k, v: unknown) => (v instanceof Map ? [...v] : v));
      if (text === appliedLimits) return;
      appliedLimits = text;
      quotas.reconfigure(next.maxConnections, next.maxPerIp, next.overrides);
      acceptRate.reconfigure(next.brokerRate, next.listenerRates);
      log.info({ maxConnections: next.maxConnections, maxConnectionsPerIp: next.maxPerIp, overrides: Object.fromEntries(next.overrides), maxConnectionCreationRate: next.brokerRate,
        listenerRates: Object.fromEntries(next.listenerRates) }, 'connection limits changed');
    };
    const servers = new Map<string, SocketServer>();
    for (const sec of securities) {
      const rules = sec.principalRules;
      servers.set(sec.spec.name, new SocketServer({
        host: sec.spec.host,
        port: sec.spec.port,
        maxFrameBytes: config['socket.request.max.bytes'],
        maxInflightRequests: config['connection.max.inflight.requests'],
        idleMs: config['connections.max.idle.ms'],
        maxQueuedBytes: config['queued.max.request.bytes'],
        frames,
        budget,
        quotas,
        acceptRate,
        security: { listenerName: sec.spec.name, securityProtocol: sec.protocol, saslRequired: sec.sasl !== undefined, maxPreAuthFrameBytes: sec.maxPreAuthFrameBytes },
        tls: sec.tls,
        tlsPrincipal: (dn) => `User:${mapDistinguishedName(rules, dn)}`,
      }, dispatcher, log, transport));
    }
    const listenerEntries = (dynamic: Readonly<Record<string, string>>) => JSON.stringify(Object.entries(dynamic).filter(([k]) => k.startsWith('listener.name.')).sort());
    let appliedListenerSsl = listenerEntries({ ...metadata.brokerConfigs(''), ...metadata.brokerConfigs(String(config['broker.id'])) });
    context.listenerSslReload = (dynamic) => {
      const next = new Map<string, TlsOptions>();
      for (const sec of securities) {
        if (!sec.tls) continue;
        try {
          next.set(sec.spec.name, listenerTlsOptions(config, sec.spec.name, dynamic));
        } catch (e) {
          throw new BrokerError('INVALID_CONFIG', (e as Error).message);
        }
      }
      // Every endpoint loads its new stores before any installs them: one that cannot be read refuses the change for all.
      const more = [...context.tlsReloaders].map((reload) => reload(dynamic));
      return () => {
        appliedListenerSsl = listenerEntries(dynamic);
        for (const [name, opts] of next) servers.get(name)!.setSecureContext(opts);
        if (next.size > 0) log.info({ listeners: [...next.keys()] }, 'TLS listeners reloaded their key and trust stores');
        for (const install of more) install?.();
      };
    };
    if (cluster) {
      // Another broker may have stored this broker's new listener stores (AlterConfigs on broker <id>): load them.
      cluster.on('configs', (type, entity) => {
        // Configs another broker stored apply here too: a topic's overrides, the cluster's or this broker's dynamic configs.
        if (type === 'topics') context.applyStoredTopicConfigs(entity);
        if (type !== 'brokers' || (entity !== '' && entity !== String(config['broker.id']))) return;
        context.applyStoredBrokerConfigs();
        const dynamic = { ...metadata.brokerConfigs(''), ...metadata.brokerConfigs(String(config['broker.id'])) };
        if (listenerEntries(dynamic) === appliedListenerSsl) return;
        try {
          context.listenerSslReload?.(dynamic)();
        } catch (e) {
          log.warn({ err: (e as Error).message }, 'new listener key or trust stores from the cluster metadata cannot be loaded; keeping the current ones');
        }
      });
    }
    const closeServers = () => Promise.all([...servers.values()].map((s) => s.close()));
    const bound = new Map<string, number>();
    for (const sec of securities) {
      try {
        bound.set(sec.spec.name, await servers.get(sec.spec.name)!.listen());
      } catch (e) {
        await closeServers();
        context.groups.close();
        context.txn.close();
        logs.close();
        await closeWorkerPools(pools);
        throw new Error(`Cannot listen on ${sec.spec.host}:${sec.spec.port} (${sec.spec.name}): ${(e as Error).message}`);
      }
    }
    const port = bound.get(bind.name)!;
    const listener = { ...bind, port };
    for (const sec of securities) {
      const boundPort = bound.get(sec.spec.name)!;
      let a: Listener = advertisedByName.get(sec.spec.name) ?? { ...sec.spec, port: boundPort };
      if (a.port === 0) a = { ...a, port: boundPort };
      if (a.host === '' || a.host === '0.0.0.0' || a.host === '::') a = { ...a, host: '127.0.0.1' };
      context.advertisedListeners.set(sec.spec.name, a);
    }
    context.advertised = context.advertisedListeners.get(bind.name)!;
    if (context.cluster) {
      const c = context.cluster;
      try {
        await c.store.registerBroker({ id: config['broker.id'], rack: config['broker.rack'],
          endpoints: securities.map((sec) => {
            const a = context.advertisedListeners.get(sec.spec.name)!;
            return { listener: sec.spec.name, host: a.host, port: a.port, securityProtocol: sec.protocol };
          }) });
      } catch (e) {
        await closeServers();
        context.groups.close();
        context.txn.close();
        logs.close();
        await closeWorkerPools(pools);
        await c.store.close();
        throw e;
      }
      c.replicas.start();
      await c.controller.start();
    }
    log.info({ listener: `${listener.name}://${listener.host}:${port}`, listeners: securities.map((sec) => `${sec.spec.name}://${sec.spec.host}:${bound.get(sec.spec.name)} (${sec.protocol}${sec.sasl ? ` ${sec.sasl.mechanisms.join(',')}` : ''})`).join(' '),
      advertised: `${context.advertised.host}:${context.advertised.port}`, interBrokerListener: interBroker.name, logDirs: logs.dir,
      clusterId: metadata.clusterId, brokerId: config['broker.id'], topics: metadata.listTopics().length, startupMs: Date.now() - started }, 'broker started');
    // Start the compute workers soon, in the background, rather than on the first large append (which
    // starts them itself if it comes first); not at once, so they do not compete with the first requests.
    setTimeout(() => pools.compute.warm(), 1000).unref();
    const broker = new Broker(config, log, context, servers, metadata, pools, listener);
    broker.#descriptors = new DescriptorWatch(files.soft, log);
    return broker;
  }

  get host(): string {
    return this.context.advertised.host;
  }
  get port(): number {
    return this.#listener.port;
  }
  get bootstrap(): string {
    const h = this.context.advertised.host;
    return `${h.includes(':') ? `[${h}]` : h}:${this.context.advertised.port}`;
  }

  /** Counters of the compute (appends, compaction) and io (sendfile) worker pools. */
  workerPoolStats(): { compute: PoolStats; io: PoolStats } {
    return { compute: this.#pools.compute.stats(), io: this.#pools.io.stats() };
  }

  /** Open Kafka-protocol connections (over every listener). */
  get connectionCount(): number {
    let n = 0;
    for (const s of this.#servers.values()) n += s.connectionCount;
    return n;
  }

  /** Times the listeners waited before accepting more connections (max.connection.creation.rate), per listener. */
  acceptWaits(): Array<[string, number]> {
    return [...this.#servers].map(([name, s]) => [name, s.acceptWaits]);
  }

  /**
   * Username/password checks for the gateway's HTTP Basic: PLAIN users of `listener`'s own JAAS config
   * (listener.name.<listener>.plain.sasl.jaas.config) or sasl.jaas.config, and of every SASL listener;
   * SCRAM users from the metadata store.
   */
  passwordCheck(listener: string): PasswordCheck {
    const users = new Map<string, string>();
    for (const sasl of this.context.saslListeners.values()) for (const [u, p] of sasl.plainUsers) users.set(u, p);
    const jaas = listenerOverrides(this.config, listener)['plain.sasl.jaas.config'] ?? listenerConfig(this.config, listener)['sasl.jaas.config'];
    if (jaas !== null) for (const [u, p] of plainUsers(parseJaasConfig(jaas))) users.set(u, p);
    const check = new PasswordCheck(users, this.#metadata);
    const reload = () => check.refresh();
    this.context.scramCredentialsChanged.add(reload);
    check.onClose(() => this.context.scramCredentialsChanged.delete(reload));
    return check;
  }

  /** The advertised host:port of a listener by name (undefined when the broker has no such listener). */
  listenerAddress(name: string): { host: string; port: number } | undefined {
    const a = this.context.advertisedListeners.get(name);
    return a ? { host: a.host, port: a.port } : undefined;
  }

  /**
   * Stops accepting clients, then flushes and closes every log. Safe to call twice. In a cluster it first
   * hands its partitions' leadership to other in-sync replicas (controlled.shutdown.enable), unless
   * `controlled` is false: then it leaves as a crashed broker would (its session just ends).
   */
  stop(opts: { controlled?: boolean } = {}): Promise<void> {
    this.#stopping ??= (async () => {
      this.log.info({}, 'broker stopping');
      this.#descriptors?.close();
      const c = this.context.cluster;
      if (c) {
        // Controlled shutdown: leadership moves to other in-sync replicas before this broker goes.
        if (!(opts.controlled ?? true)) await c.store.close();
        else if (this.config['controlled.shutdown.enable']) await c.replicas.handOffLeadership().catch((e: unknown) => this.log.warn({ err: (e as Error).message }, 'controlled shutdown: handing off leadership failed'));
        await c.controller.close();
        await c.replicas.close();
        await c.store.deregisterBroker(this.config['broker.id']).catch(() => {});
      }
      await Promise.all([...this.#servers.values()].map((s) => s.close()));
      this.context.groups.close();
      this.context.txn.close();
      this.context.logs.close();
      await closeWorkerPools(this.#pools);
      await this.#metadata.close();
      this.log.info({}, 'broker stopped');
      this.log.flush();
    })();
    return this.#stopping;
  }
}
