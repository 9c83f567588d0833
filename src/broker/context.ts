// What every request handler sees: config, metadata, logs, and the topic operations that span them.
import type { BrokerConfig, TopicConfig } from '../config/index.js';
import { ConfigError, validateTopicConfigs, effectiveTopicConfig, validateDynamicBrokerConfigs, withDynamicBrokerConfigs, brokerConfigProblem } from '../config/index.js';
import type { LogManager, Partition } from '../log/index.js';
import { GroupCoordinator, OFFSETS_TOPIC } from '../group/index.js';
import { TransactionCoordinator, TRANSACTION_STATE_TOPIC, TxnMarkerChannel, type TxnMarkerOutcome, type TxnMarkerRequest } from '../txn/index.js';
import { validateTopicName, type ClusterMetadataStore, type MetadataStore, type TopicMetadata } from '../metadata/index.js';
import type { Controller, Replicas } from '../cluster/index.js';
import { BrokerError, ErrorCode } from '../protocol/index.js';
import type { Logger } from './logger.js';
import { ProducerIdManager } from './producer-ids.js';
import { ReplicaManager } from './replica-manager.js';
import { assignReplicas, type AssignableBroker } from './replica-assignment.js';
import type { ListenerSasl } from './listeners.js';
import { AclOperation, Authorizer, ResourceType } from '../acl/index.js';
import type { Requester } from './replica-manager.js';
import { ClientQuotaManager } from './quotas.js';

export interface Listener {
  readonly name: string;
  readonly host: string;
  readonly port: number;
}

/** A broker's part in a cluster: the shared metadata, the controller election, and its replicas. */
export interface ClusterRole {
  readonly store: ClusterMetadataStore;
  readonly controller: Controller;
  readonly replicas: Replicas;
  /** The Kafka listener name clients and followers connect to. */
  readonly listenerName: string;
}

export interface CreateTopicSpec {
  name: string;
  partitions: number; // -1: broker default
  replicationFactor: number; // -1: broker default
  configs: Record<string, string | null>;
  /** Replica broker ids per partition (CreateTopics with assignments); assigned by the broker when absent. */
  replicas?: number[][];
}

/** Static config, then the dynamic cluster defaults, then this broker's own dynamic configs (Kafka's order). */
export function effectiveBrokerConfig(config: BrokerConfig, metadata: MetadataStore): BrokerConfig {
  return withDynamicBrokerConfigs(config, { ...metadata.brokerConfigs(''), ...metadata.brokerConfigs(String(config['broker.id'])) });
}

export class BrokerContext {
  readonly producerIds: ProducerIdManager;
  /** Consumer groups and committed offsets (src/group). */
  readonly groups: GroupCoordinator;
  /** Transactional ids, their producer ids and transactions (src/txn). */
  readonly txn: TransactionCoordinator;
  /** Transaction markers and verification requests to other brokers. */
  readonly #txnChannel: TxnMarkerChannel;
  /** Per transactional id, the last transactions-v2 produce still being added by this broker's coordinator (see addWithRetry). */
  readonly #adding = new Map<string, Promise<void>>();
  /** The one append/read service every ingress (Kafka handlers, gateway) goes through. */
  readonly replicaManager: ReplicaManager;
  /** The ACL authorizer when authorizer.class.name is set; without one every request is allowed. */
  readonly authorizer: Authorizer | undefined;
  /** Produce and fetch byte-rate quotas by user and client id. */
  readonly quotas: ClientQuotaManager;
  /** Set when the broker is part of a cluster (zookeeper.connect, or startCluster). */
  cluster: ClusterRole | undefined;
  /**
   * Installed by the transaction coordinator: confirms that each partition of a transactional produce is part of
   * the producer's ongoing transaction (error code by "topic-partition", 0 ok). Absent: accepted unverified.
   */
  transactionVerifier?: (transactionalId: string, producerId: number, producerEpoch: number,
    partitions: ReadonlyArray<{ topic: string; partition: number }>, add?: boolean) => Promise<Map<string, number>>;
  /** Effective topic configs, cached per topic. */
  readonly #topicConfigs = new Map<string, TopicConfig>();
  /** Auto-creations in flight, by topic name. */
  readonly #creating = new Map<string, Promise<TopicMetadata | undefined>>();
  /** Static configuration (defaults, file, environment, flags). */
  readonly staticConfig: BrokerConfig;
  /** What each listener advertises (advertised.listeners by name, else the bound address); set at start. */
  readonly advertisedListeners = new Map<string, Listener>();
  /**
   * Set by the broker: checks the TLS listeners' stores under new dynamic configs (throws BrokerError
   * INVALID_CONFIG) and returns what installs them on the listeners.
   */
  listenerSslReload: ((dynamic: Readonly<Record<string, string>>) => () => void) | undefined;
  /**
   * More TLS endpoints that reload with the Kafka listeners (the gateway's HTTPS listener): each is given the
   * dynamic configs, throws to refuse them, and returns what installs them (or nothing when it has no change).
   */
  readonly tlsReloaders = new Set<(dynamic: Readonly<Record<string, string>>) => (() => void) | undefined>();
  /**
   * Set by the broker: takes the effective configuration after the dynamic broker configs changed (here or from
   * the cluster), with the dynamic entries themselves (listener.name.<l>.* among them), into its listeners.
   */
  brokerConfigApplied: ((config: BrokerConfig, dynamic: Readonly<Record<string, string>>) => void) | undefined;
  /** Authentication settings of each SASL listener, by listener name (src/broker/listeners.ts). */
  readonly saslListeners = new Map<string, ListenerSasl>();
  /** Called (and awaited) after this broker changed SCRAM credentials: password snapshots reload. */
  readonly scramCredentialsChanged = new Set<() => Promise<void>>();
  #config: BrokerConfig;

  constructor(
    config: BrokerConfig,
    readonly metadata: MetadataStore,
    readonly logs: LogManager,
    readonly log: Logger,
    public advertised: Listener,
  ) {
    this.staticConfig = config;
    this.#config = effectiveBrokerConfig(config, metadata);
    this.producerIds = new ProducerIdManager(metadata);
    this.groups = new GroupCoordinator(config, metadata, logs, log);
    this.replicaManager = new ReplicaManager(this);
    this.quotas = new ClientQuotaManager(metadata, { samples: config['quota.window.num'], sampleMs: config['quota.window.size.seconds'] * 1000 });
    this.authorizer = config['authorizer.class.name'] === '' ? undefined
      : new Authorizer(metadata, { superUsers: Authorizer.superUsers(config['super.users']), allowEveryoneIfNoAclFound: config['allow.everyone.if.no.acl.found'] });
    // Markers go to the ReplicaManager for partitions this broker leads, as WriteTxnMarkers to the other leaders.
    const markers = this.#txnChannel = new TxnMarkerChannel({
      brokerId: this.brokerId,
      leaderOf: (topic, partition) => (this.cluster ? this.cluster.store.partitionState(topic, partition)?.leader ?? -1 : this.brokerId),
      exists: (topic, partition) => (this.metadata.getTopic(topic)?.partitions ?? 0) > partition,
      endpointOf: (id) => this.brokerEndpoints().find((b) => b.nodeId === id),
      writeLocal: (ms) => this.writeTxnMarkers(ms),
    });
    this.txn = new TransactionCoordinator(config, metadata, logs, log, {
      nextProducerId: () => this.producerIds.nextProducerId(),
      partitionExists: (topic, partition) => {
        const t = this.metadata.getTopic(topic);
        return t !== undefined && Number.isInteger(partition) && partition >= 0 && partition < t.partitions;
      },
      writeTxnMarkers: (ms) => markers.write(ms),
      close: () => markers.close(),
    });
    this.transactionVerifier = async (transactionalId, producerId, producerEpoch, partitions, add) => {
      // transaction.partition.verification.enable=false: classic producers' partitions are taken on trust, as in Kafka.
      if (!add && !this.config['transaction.partition.verification.enable']) return new Map();
      const codes = add
        ? await this.#addWithRetry(transactionalId, producerId, producerEpoch, partitions)
        : await this.checkTransaction(transactionalId, producerId, producerEpoch, partitions, false);
      // As a produce's errors (Kafka's mapping): a fenced producer gets INVALID_PRODUCER_EPOCH, a coordinator that is
      // busy or moving NOT_ENOUGH_REPLICAS (retriable).
      for (const [k, code] of codes) {
        if (code === ErrorCode.PRODUCER_FENCED) codes.set(k, ErrorCode.INVALID_PRODUCER_EPOCH);
        else if (code === ErrorCode.CONCURRENT_TRANSACTIONS || code === ErrorCode.COORDINATOR_NOT_AVAILABLE || code === ErrorCode.NOT_COORDINATOR
          || code === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS) codes.set(k, ErrorCode.NOT_ENOUGH_REPLICAS);
      }
      return codes;
    };
  }

  /**
   * Partitions checked with the transaction coordinator of `transactionalId` (this broker, or the leader of the
   * id's __transaction_state partition): in the ongoing transaction (verify), or added to it (`add`, transactions
   * v2). The coordinator's error codes by "topic-partition".
   */
  async checkTransaction(transactionalId: string, producerId: number, producerEpoch: number, partitions: ReadonlyArray<{ topic: string; partition: number }>, add: boolean): Promise<Map<string, number>> {
    const all = (code: number) => new Map(partitions.map((p) => [`${p.topic}-${p.partition}`, code]));
    let codes: Map<string, number>;
    if (!this.cluster || this.txn.owns(transactionalId)) {
      if (add) {
        const added = await this.txn.addPartitions(transactionalId, producerId, producerEpoch, partitions);
        codes = new Map(partitions.map((p) => [`${p.topic}-${p.partition}`, added.get(`${p.topic}\u0000${p.partition}`) ?? ErrorCode.UNKNOWN_SERVER_ERROR]));
      } else {
        codes = this.txn.verifyPartitions(transactionalId, producerId, producerEpoch, partitions);
      }
    } else {
      const p = this.txn.partitionFor(transactionalId);
      const leader = p === undefined ? -1 : this.cluster.store.partitionState(TRANSACTION_STATE_TOPIC, p)?.leader ?? -1;
      codes = leader < 0 ? all(ErrorCode.COORDINATOR_NOT_AVAILABLE)
        : await this.#txnChannel.addPartitions(leader, transactionalId, producerId, producerEpoch, partitions, !add).catch(() => all(ErrorCode.COORDINATOR_NOT_AVAILABLE));
    }
    return codes;
  }

  /**
   * A transactions-v2 produce's partitions added by the transaction's coordinator (this broker's, or the one
   * the leader of the id's __transaction_state partition runs). A transaction that is busy (the previous one's
   * markers, another add being written: CONCURRENT_TRANSACTIONS) is asked again every
   * add.partitions.to.txn.retry.backoff.ms for up to add.partitions.to.txn.retry.backoff.max.ms, as Kafka's
   * ReplicaManager does with AddPartitionsToTxnManager, instead of sending the client into its retry.backoff.ms.
   * The produces of one transactional id go through here one after the other, each released only once its
   * caller has appended (setImmediate: the append follows this answer synchronously), so a later request never
   * overtakes one that is waiting (their sequence numbers stay in order).
   */
  async #addWithRetry(transactionalId: string, producerId: number, producerEpoch: number, partitions: ReadonlyArray<{ topic: string; partition: number }>): Promise<Map<string, number>> {
    const before = this.#adding.get(transactionalId);
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    this.#adding.set(transactionalId, mine);
    try {
      if (before) await before;
      let codes = await this.checkTransaction(transactionalId, producerId, producerEpoch, partitions, true);
      const backoff = this.config['add.partitions.to.txn.retry.backoff.ms'];
      const until = Date.now() + this.config['add.partitions.to.txn.retry.backoff.max.ms'];
      while ([...codes.values()].includes(ErrorCode.CONCURRENT_TRANSACTIONS) && Date.now() + backoff <= until) {
        await new Promise((r) => setTimeout(r, backoff));
        codes = await this.checkTransaction(transactionalId, producerId, producerEpoch, partitions, true);
      }
      return codes;
    } finally {
      setImmediate(() => {
        release();
        if (this.#adding.get(transactionalId) === mine) this.#adding.delete(transactionalId);
      });
    }
  }

  /** Whether the requester may do `operation` on a resource (Kafka's AclOperation and ResourceType codes); always with no authorizer. */
  authorize(who: Requester, operation: number, resourceType: number, name?: string): boolean {
    return this.authorizer === undefined || who.internal === true || this.authorizer.authorize({ principal: who.principal, host: who.remote }, operation, resourceType, name);
  }

  /**
   * Whether the requester may describe a topic or a group (what listings show it, as Kafka's Metadata and
   * ListGroups), or the cluster (the gateway's /metrics, which names every topic and group).
   */
  mayDescribe(who: Requester, kind: 'topic' | 'group' | 'cluster', name?: string): boolean {
    return this.authorize(who, AclOperation.DESCRIBE, kind === 'topic' ? ResourceType.TOPIC : kind === 'group' ? ResourceType.GROUP : ResourceType.CLUSTER, name);
  }

  /** The effective broker configuration: static values with dynamic broker configs on top. */
  get config(): BrokerConfig {
    return this.#config;
  }

  get brokerId(): number {
    return this.config['broker.id'];
  }

  partition(topic: string, partition: number): Partition | undefined {
    return this.logs.getPartition(topic, partition);
  }

  topicConfig(topic: string): TopicConfig {
    let cfg = this.#topicConfigs.get(topic);
    if (!cfg) {
      cfg = effectiveTopicConfig(this.config, this.metadata.getTopic(topic)?.configs ?? {});
      this.#topicConfigs.set(topic, cfg);
    }
    return cfg;
  }

  /** This broker's advertised endpoint on a listener (the first listener's when unnamed or unknown). */
  advertisedFor(listenerName?: string): Listener {
    return (listenerName !== undefined ? this.advertisedListeners.get(listenerName) : undefined) ?? this.advertised;
  }

  /**
   * Live brokers as clients see them (Metadata, DescribeCluster): this one alone on a single node. Each
   * broker's endpoint on `listenerName`, the listener the client connected to, as Kafka answers; brokers
   * without that listener are left out.
   */
  brokerEndpoints(listenerName?: string): Array<{ nodeId: number; host: string; port: number; rack: string | null }> {
    const c = this.cluster;
    if (!c) {
      const a = this.advertisedFor(listenerName);
      return [{ nodeId: this.brokerId, host: a.host, port: a.port, rack: null }];
    }
    const wanted = listenerName ?? c.listenerName;
    return c.store.liveBrokers().flatMap((b) => {
      const ep = b.endpoints.find((e) => e.listener === wanted) ?? (listenerName === undefined ? b.endpoints[0] : undefined);
      return ep ? [{ nodeId: b.id, host: ep.host, port: ep.port, rack: b.rack ?? null }] : [];
    });
  }

  /** The controller's broker id as clients see it (-1 while there is none). */
  controllerId(): number {
    return this.cluster ? this.cluster.store.controller()?.id ?? -1 : this.brokerId;
  }

  /**
   * A partition's leadership for Metadata: leader (-1 when offline), its epoch, replicas, ISR and the
   * replicas that are not alive.
   */
  partitionLeadership(topic: TopicMetadata, partition: number): { leader: number; leaderEpoch: number; replicas: number[]; isr: number[]; offline: number[] } {
    const c = this.cluster;
    if (!c) {
      const id = this.brokerId;
      return { leader: id, leaderEpoch: this.partition(topic.name, partition)?.leaderEpoch ?? 0, replicas: [id], isr: [id], offline: [] };
    }
    const replicas = [...(topic.replicas[partition] ?? [])];
    const live = new Set(c.store.liveBrokers().map((b) => b.id));
    const state = c.store.partitionState(topic.name, partition);
    return { leader: state?.leader ?? -1, leaderEpoch: state?.leaderEpoch ?? -1, replicas, isr: [...(state?.isr ?? [])], offline: replicas.filter((r) => !live.has(r)) };
  }

  /**
   * In a cluster, resolves once every partition of `topic` has a leader (the controller elected them), or
   * after `timeoutMs` (Kafka's CreateTopics waits the same way, up to the request's timeout).
   */
  async awaitLeaders(topic: string, timeoutMs: number): Promise<void> {
    const c = this.cluster;
    if (!c) return;
    const ready = () => {
      const t = this.metadata.getTopic(topic);
      return !t || Array.from({ length: t.partitions }, (_, p) => c.store.partitionState(topic, p)).every((s) => s !== undefined && s.leader >= 0);
    };
    if (ready()) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, Math.max(0, timeoutMs));
      const off = c.store.on('partitionState', () => {
        if (ready()) done();
      });
      function done() {
        clearTimeout(timer);
        off();
        resolve();
      }
    });
  }

  /** Brokers that can take replicas now (this broker alone on a single node). */
  liveBrokers(): AssignableBroker[] {
    if (this.cluster) return this.cluster.store.liveBrokers().map((b) => ({ id: b.id, rack: b.rack ?? null }));
    return [{ id: this.brokerId, rack: null }];
  }

  /**
   * Writes transaction markers to partitions this broker leads (the ReplicaManager writes the control batches);
   * a marker that reaches a __consumer_offsets partition also ends the producer's pending offsets of the groups
   * there. One outcome per marker, per partition an error code.
   */
  async writeTxnMarkers(markers: readonly TxnMarkerRequest[]): Promise<TxnMarkerOutcome[]> {
    const results = await this.replicaManager.appendTxnMarkers(markers);
    markers.forEach((m, i) => {
      const offsets = (results[i]?.partitions ?? []).filter((p) => p.topic === OFFSETS_TOPIC && p.errorCode === 0).map((p) => p.partition);
      if (offsets.length > 0) this.groups.completeTransaction(m.producerId, m.commit, offsets);
    });
    return results;
  }

  /** Validates a topic creation; throws BrokerError with the Kafka code. Returns the normalised spec with its replica assignment. */
  validateNewTopic(spec: CreateTopicSpec): { name: string; partitions: number; replicationFactor: number; replicas: number[][]; configs: Record<string, string> } {
    const why = validateTopicName(spec.name);
    if (why) throw new BrokerError('INVALID_TOPIC_EXCEPTION', why);
    if (spec.name === OFFSETS_TOPIC) throw new BrokerError('INVALID_REQUEST', `Creation of internal topic ${OFFSETS_TOPIC} is prohibited: the group coordinator creates it.`);
    if (spec.name === TRANSACTION_STATE_TOPIC) throw new BrokerError('INVALID_REQUEST', `Creation of internal topic ${TRANSACTION_STATE_TOPIC} is prohibited: the transaction coordinator creates it.`);
    if (this.metadata.getTopic(spec.name)) throw new BrokerError('TOPIC_ALREADY_EXISTS', `Topic '${spec.name}' already exists.`);
    const collides = this.metadata.listTopics().find((t) => t.name.replace(/\./g, '_') === spec.name.replace(/\./g, '_'));
    if (collides) throw new BrokerError('INVALID_TOPIC_EXCEPTION', `Topic '${spec.name}' collides with existing topic '${collides.name}' ('.' and '_' are treated alike in metric names)`);
    const partitions = spec.partitions === -1 ? this.config['num.partitions'] : spec.partitions;
    if (!Number.isInteger(partitions) || partitions < 1 || partitions > 100_000) throw new BrokerError('INVALID_PARTITIONS', `Number of partitions must be between 1 and 100000, got ${spec.partitions}.`);
    const rf = spec.replicationFactor === -1 ? this.config['default.replication.factor'] : spec.replicationFactor;
    if (rf < 1) throw new BrokerError('INVALID_REPLICATION_FACTOR', `Replication factor must be larger than 0, got ${spec.replicationFactor}.`);
    const brokers = this.liveBrokers();
    if (rf > brokers.length) throw new BrokerError('INVALID_REPLICATION_FACTOR', `Replication factor: ${rf} larger than available brokers: ${brokers.length}.`);
    const configs = this.validateTopicConfigs(spec.configs);
    return { name: spec.name, partitions, replicationFactor: rf, replicas: spec.replicas ?? assignReplicas(brokers, partitions, rf), configs };
  }

  /** Creates a topic: metadata first (durable), then its partition logs. */
  async createTopic(spec: CreateTopicSpec): Promise<TopicMetadata> {
    const valid = this.validateNewTopic(spec);
    const meta = await this.metadata.createTopic(valid);
    this.logs.openTopic(meta.name, meta.partitions, meta.configs);
    this.log.info({ topic: meta.name, partitions: meta.partitions, configs: meta.configs }, 'created topic');
    return meta;
  }

  /**
   * Creates a topic with broker defaults when auto.create.topics.enable allows; resolves with it, or
   * undefined. Concurrent requests for the same new topic share one creation.
   */
  autoCreateTopic(name: string): Promise<TopicMetadata | undefined> {
    const existing = this.metadata.getTopic(name);
    if (existing) return Promise.resolve(existing);
    // The offsets topic is the coordinator's, created with its own settings (internal, compacted), as Kafka does.
    if (name === OFFSETS_TOPIC) return this.groups.ensureOffsetsTopic().then((ok) => (ok ? this.metadata.getTopic(name) : undefined));
    if (name === TRANSACTION_STATE_TOPIC) return this.txn.ensureTopic().then((ok) => (ok ? this.metadata.getTopic(name) : undefined));
    if (!this.config['auto.create.topics.enable'] || validateTopicName(name) !== undefined) return Promise.resolve(undefined);
    let creating = this.#creating.get(name);
    if (!creating) {
      creating = this.createTopic({ name, partitions: -1, replicationFactor: -1, configs: {} }).catch((e: unknown) => {
        if (e instanceof BrokerError) return this.metadata.getTopic(name);
        throw e;
      }).finally(() => this.#creating.delete(name));
      this.#creating.set(name, creating);
    }
    return creating;
  }

  /** Validates topic overrides; throws BrokerError(INVALID_CONFIG) naming the key. */
  validateTopicConfigs(configs: Record<string, string | null>): Record<string, string> {
    try {
      return validateTopicConfigs(configs);
    } catch (e) {
      if (e instanceof ConfigError) throw new BrokerError('INVALID_CONFIG', e.message);
      throw e;
    }
  }

  /** Replaces a topic's config overrides: validated, persisted, then applied to its open logs. */
  async setTopicConfigs(name: string, configs: Record<string, string | null>): Promise<TopicMetadata> {
    if (!this.metadata.getTopic(name)) throw new BrokerError('UNKNOWN_TOPIC_OR_PARTITION', `Topic '${name}' does not exist.`);
    const valid = this.validateTopicConfigs(configs);
    const meta = await this.metadata.alterTopic(name, { configs: valid });
    this.#topicConfigs.delete(name);
    this.logs.updateTopicConfig(name, meta.configs);
    this.log.info({ topic: name, configs: meta.configs }, 'altered topic configs');
    return meta;
  }

  /**
   * Validates dynamic broker configs, the new ones of `entity` ('' cluster default, or this broker's id): each key,
   * then the configuration this broker would run with across keys (Kafka's rules); throws BrokerError(INVALID_CONFIG).
   */
  validateBrokerConfigs(configs: Record<string, string | null>, entity = ''): Record<string, string> {
    let valid: Record<string, string>;
    try {
      valid = validateDynamicBrokerConfigs(configs);
    } catch (e) {
      if (e instanceof ConfigError) throw new BrokerError('INVALID_CONFIG', e.message);
      throw e;
    }
    const id = String(this.brokerId);
    const next = { ...(entity === '' ? valid : this.metadata.brokerConfigs('')), ...(entity === id ? valid : this.metadata.brokerConfigs(id)) };
    const problem = brokerConfigProblem(withDynamicBrokerConfigs(this.staticConfig, next));
    if (problem) throw new BrokerError('INVALID_CONFIG', problem);
    return valid;
  }

  /** Replaces the dynamic broker configs of `entity` ('' cluster default, or this broker's id): persisted, then applied to every topic without its own override. */
  async setBrokerConfigs(entity: string, configs: Record<string, string | null>): Promise<void> {
    const valid = this.validateBrokerConfigs(configs, entity);
    // New key or trust stores are loaded before they are kept: a store that cannot be read is refused.
    const dynamic = { ...this.metadata.brokerConfigs(''), ...this.metadata.brokerConfigs(String(this.brokerId)), ...(entity === '' || entity === String(this.brokerId) ? valid : {}) };
    const reload = this.listenerSslReload?.(dynamic);
    await this.metadata.setBrokerConfigs(entity, valid);
    reload?.();
    this.applyStoredBrokerConfigs();
    this.log.info({ entity, configs: valid }, 'altered dynamic broker configs');
  }

  /**
   * Takes the dynamic broker configs as the metadata store has them (after a change here, or one another
   * broker of the cluster stored) and applies them to every topic without its own override.
   */
  applyStoredBrokerConfigs(): void {
    const next = effectiveBrokerConfig(this.staticConfig, this.metadata);
    this.#config = next;
    this.#topicConfigs.clear();
    this.logs.setBrokerConfig(next);
    for (const t of this.metadata.listTopics()) this.logs.updateTopicConfig(t.name, t.configs);
    this.brokerConfigApplied?.(next, { ...this.metadata.brokerConfigs(''), ...this.metadata.brokerConfigs(String(this.brokerId)) });
  }

  /** Takes a topic's overrides as the metadata store has them (another broker of the cluster changed them). */
  applyStoredTopicConfigs(name: string): void {
    this.#topicConfigs.delete(name);
    const meta = this.metadata.getTopic(name);
    if (meta) this.logs.updateTopicConfig(name, meta.configs);
  }

  /** Grows a topic to `count` partitions (CreatePartitions); validateOnly checks without changing anything. */
  async createPartitions(name: string, count: number, validateOnly: boolean, assignment?: number[][]): Promise<void> {
    const meta = this.metadata.getTopic(name);
    if (!meta) throw new BrokerError('UNKNOWN_TOPIC_OR_PARTITION', `Topic '${name}' does not exist.`);
    if (!Number.isInteger(count) || count <= meta.partitions) {
      throw new BrokerError('INVALID_PARTITIONS', count === meta.partitions ? `Topic already has ${meta.partitions} partitions.` : `Topic currently has ${meta.partitions} partitions, which is higher than the requested ${count}.`);
    }
    if (count > 100_000) throw new BrokerError('INVALID_PARTITIONS', `Number of partitions must be at most 100000, got ${count}.`);
    const brokers = this.liveBrokers();
    if (meta.replicationFactor > brokers.length) throw new BrokerError('INVALID_REPLICATION_FACTOR', `Replication factor: ${meta.replicationFactor} larger than available brokers: ${brokers.length}.`);
    const added = assignment ?? assignReplicas(brokers, count - meta.partitions, meta.replicationFactor, { firstPartition: meta.partitions });
    if (validateOnly) return;
    const updated = await this.metadata.alterTopic(name, { replicas: [...meta.replicas.map((r) => [...r]), ...added] });
    this.logs.openTopic(name, updated.partitions, updated.configs);
    this.log.info({ topic: name, from: meta.partitions, to: count }, 'added partitions');
  }

  async deleteTopic(name: string): Promise<void> {
    const meta = this.metadata.getTopic(name);
    if (!meta) throw new BrokerError('UNKNOWN_TOPIC_OR_PARTITION', `Topic '${name}' does not exist.`);
    if (!this.config['delete.topic.enable']) throw new BrokerError('TOPIC_DELETION_DISABLED', 'Topic deletion is disabled (delete.topic.enable=false).');
    if (meta.internal) throw new BrokerError('INVALID_TOPIC_EXCEPTION', `Cannot delete internal topic ${name}: it holds every group's committed offsets.`);
    await this.metadata.deleteTopic(name);
    this.#topicConfigs.delete(name);
    this.logs.deleteTopic(name);
    this.log.info({ topic: name }, 'deleted topic');
    // Committed offsets of a deleted topic go too, so a topic created again under the name starts clean.
    this.groups.deleteTopicOffsets(name).catch((e: unknown) => this.log.error({ topic: name, err: e }, 'removing committed offsets of a deleted topic failed'));
  }
}
