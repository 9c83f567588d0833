// Cluster metadata for brokers that share one process (startCluster in other projects' test suites, and
// unit tests of the controller): one InMemoryCluster holds what ZooKeeper would, and each broker gets
// its own store on it, as it would get its own ZooKeeper session. Closing a store ends that "session":
// its registration and, if it was controller, its controllership go, and the others are told — as when
// a broker's ZooKeeper session expires. Listeners are called asynchronously, as ZooKeeper watches are.
import { randomBytes } from 'node:crypto';
import type { BrokerRegistration, ClusterMetadataEvents, ClusterMetadataStore, ControllerInfo, NewTopic, PartitionState, ProducerIdBlock, ReplicaAssignmentChange, TopicChange, TopicMetadata, VersionedPartitionState } from './store.js';
import type { ClusterEvent } from './cluster-store.js';
import { AclTable, type AclResource, type AclResourceEntry, type StoredAcl } from './acls.js';
import { QuotaTable, type QuotaEntity, type QuotaEntry } from './quotas.js';

const INTERNAL_TOPICS = new Set(['__consumer_offsets', '__transaction_state']);

export class InMemoryCluster {
  readonly clusterId: string;
  readonly topics = new Map<string, TopicMetadata>();
  readonly states = new Map<string, VersionedPartitionState>();
  readonly brokers = new Map<number, { reg: BrokerRegistration; session: InMemoryClusterStore }>();
  readonly brokerConfigs = new Map<string, Record<string, string>>();
  readonly scramCredentials = new Map<string, Record<string, string>>();
  readonly acls = new AclTable();
  readonly quotas = new QuotaTable();
  controller: { id: number; epoch: number; session: InMemoryClusterStore } | undefined;
  controllerEpoch = 0;
  nextProducerId = 0;
  readonly #sessions = new Set<InMemoryClusterStore>();

  constructor(clusterId = randomBytes(16).toString('base64url')) {
    this.clusterId = clusterId;
  }

  /** A store for one broker (one "session"). */
  store(): InMemoryClusterStore {
    const s = new InMemoryClusterStore(this);
    this.#sessions.add(s);
    return s;
  }

  /** @internal */
  notify<E extends ClusterEvent>(event: E, ...args: Parameters<ClusterMetadataEvents[E]>): void {
    for (const s of this.#sessions) s.emit(event, ...args);
  }

  /** @internal */
  brokerList(): BrokerRegistration[] {
    return [...this.brokers.values()].map((b) => b.reg).sort((a, b) => a.id - b.id);
  }

  /** @internal */
  endSession(s: InMemoryClusterStore): void {
    this.#sessions.delete(s);
    let brokersChanged = false;
    for (const [id, b] of this.brokers) {
      if (b.session === s) {
        this.brokers.delete(id);
        brokersChanged = true;
      }
    }
    if (brokersChanged) this.notify('brokers', this.brokerList());
    if (this.controller?.session === s) {
      this.controller = undefined;
      this.notify('controller', undefined);
    }
  }
}

export class InMemoryClusterStore implements ClusterMetadataStore {
  readonly #cluster: InMemoryCluster;
  readonly #listeners = new Map<ClusterEvent, Set<(...args: never[]) => void>>();
  #closed = false;

  constructor(cluster: InMemoryCluster) {
    this.#cluster = cluster;
  }

  get clusterId(): string {
    return this.#cluster.clusterId;
  }

  async start(): Promise<void> {}

  listTopics(): TopicMetadata[] {
    return [...this.#cluster.topics.values()];
  }

  getTopic(name: string): TopicMetadata | undefined {
    return this.#cluster.topics.get(name);
  }

  getTopicById(topicId: string): TopicMetadata | undefined {
    for (const t of this.#cluster.topics.values()) if (t.topicId === topicId) return t;
    return undefined;
  }

  async createTopic(topic: NewTopic, initialStates?: readonly PartitionState[]): Promise<TopicMetadata> {
    this.#open();
    if (this.#cluster.topics.has(topic.name)) throw new Error(`Topic ${topic.name} already exists`);
    const meta = freeze({
      name: topic.name, topicId: randomBytes(16).toString('base64url'), partitions: topic.partitions, replicationFactor: topic.replicationFactor,
      replicas: topic.replicas, configs: topic.configs, internal: topic.internal ?? INTERNAL_TOPICS.has(topic.name),
    });
    this.#cluster.topics.set(meta.name, meta);
    initialStates?.forEach((st, p) => this.#cluster.states.set(key(meta.name, p), Object.freeze({ ...st, isr: Object.freeze([...st.isr]), version: 0 })));
    this.#cluster.notify('topics', meta.name, meta);
    return meta;
  }

  async deleteTopic(name: string): Promise<void> {
    this.#open();
    const t = this.#cluster.topics.get(name);
    if (!t) return;
    this.#cluster.topics.delete(name);
    for (let p = 0; p < t.partitions; p++) this.#cluster.states.delete(key(name, p));
    this.#cluster.notify('topics', name, undefined);
  }

  async alterTopic(name: string, change: TopicChange): Promise<TopicMetadata> {
    this.#open();
    const t = this.#cluster.topics.get(name);
    if (!t) throw new Error(`Topic ${name} does not exist`);
    const replicas = change.replicas ?? t.replicas;
    if (replicas.length < t.partitions) throw new Error(`Topic ${name} cannot shrink from ${t.partitions} to ${replicas.length} partitions`);
    const meta = freeze({ ...t, partitions: replicas.length, replicas, configs: change.configs ?? t.configs });
    this.#cluster.topics.set(name, meta);
    if (change.configs) this.#cluster.notify('configs', 'topics', name);
    this.#cluster.notify('topics', name, meta);
    return meta;
  }

  async updateReplicaAssignment(name: string, update: (current: TopicMetadata) => ReplicaAssignmentChange | undefined): Promise<TopicMetadata> {
    this.#open();
    const t = this.#cluster.topics.get(name);
    if (!t) throw new Error(`Topic ${name} does not exist`);
    const change = update(t);
    if (!change) return t;
    if (change.replicas.length < t.partitions) throw new Error(`Topic ${name} cannot shrink from ${t.partitions} to ${change.replicas.length} partitions`);
    const { reassigning: _previous, ...rest } = t;
    const meta = freeze({ ...rest, partitions: change.replicas.length, replicas: change.replicas, ...(Object.keys(change.reassigning).length > 0 ? { reassigning: change.reassigning } : {}) });
    this.#cluster.topics.set(name, meta);
    this.#cluster.notify('topics', name, meta);
    return meta;
  }

  brokerConfigs(entity: string): Readonly<Record<string, string>> {
    return Object.freeze({ ...(this.#cluster.brokerConfigs.get(entity) ?? {}) });
  }

  async setBrokerConfigs(entity: string, configs: Record<string, string>): Promise<void> {
    this.#open();
    this.#cluster.brokerConfigs.set(entity, { ...configs });
    this.#cluster.notify('configs', 'brokers', entity);
  }

  async scramCredentials(user: string): Promise<Readonly<Record<string, string>>> {
    return Object.freeze({ ...(this.#cluster.scramCredentials.get(user) ?? {}) });
  }

  async scramUsers(): Promise<string[]> {
    return [...this.#cluster.scramCredentials.keys()].sort();
  }

  async alterScramCredentials(user: string, changes: Readonly<Record<string, string | null>>): Promise<void> {
    this.#open();
    const next = { ...(this.#cluster.scramCredentials.get(user) ?? {}) };
    for (const [k, v] of Object.entries(changes)) {
      if (v === null) delete next[k];
      else next[k] = v;
    }
    if (Object.keys(next).length === 0) this.#cluster.scramCredentials.delete(user);
    else this.#cluster.scramCredentials.set(user, next);
  }

  listAcls(): AclResourceEntry[] {
    return this.#cluster.acls.list();
  }

  get aclsVersion(): number {
    return this.#cluster.acls.version;
  }

  async updateAcls(resource: AclResource, update: (current: readonly StoredAcl[]) => StoredAcl[]): Promise<readonly StoredAcl[]> {
    this.#cluster.acls.set(resource, update(this.#cluster.acls.get(resource)));
    return this.#cluster.acls.get(resource);
  }

  clientQuotas(): QuotaEntry[] {
    return this.#cluster.quotas.list();
  }

  get quotasVersion(): number {
    return this.#cluster.quotas.version;
  }

  async alterClientQuotas(entity: QuotaEntity, set: Readonly<Record<string, number>>, remove: readonly string[]): Promise<void> {
    this.#cluster.quotas.alter(entity, set, remove);
  }

  async allocateProducerIds(size: number): Promise<ProducerIdBlock> {
    this.#open();
    const block = { firstProducerId: this.#cluster.nextProducerId, size };
    this.#cluster.nextProducerId += size;
    return block;
  }

  async registerBroker(reg: BrokerRegistration): Promise<void> {
    this.#open();
    const held = this.#cluster.brokers.get(reg.id);
    if (held && held.session !== this) {
      const at = held.reg.endpoints.map((e) => `${e.host}:${e.port}`).join(', ');
      throw new Error(`broker.id ${reg.id} is already registered by another broker at ${at}; give each broker its own broker.id`);
    }
    this.#cluster.brokers.set(reg.id, { reg: Object.freeze({ ...reg, endpoints: Object.freeze([...reg.endpoints]) }), session: this });
    this.#cluster.notify('brokers', this.#cluster.brokerList());
  }

  async deregisterBroker(id: number): Promise<void> {
    const held = this.#cluster.brokers.get(id);
    if (held?.session !== this) return;
    this.#cluster.brokers.delete(id);
    this.#cluster.notify('brokers', this.#cluster.brokerList());
  }

  liveBrokers(): BrokerRegistration[] {
    return this.#cluster.brokerList();
  }

  controller(): ControllerInfo | undefined {
    const c = this.#cluster.controller;
    return c && { id: c.id, epoch: c.epoch };
  }

  async electController(brokerId: number): Promise<number | undefined> {
    this.#open();
    if (this.#cluster.controller) return this.#cluster.controller.session === this && this.#cluster.controller.id === brokerId ? this.#cluster.controller.epoch : undefined;
    const epoch = ++this.#cluster.controllerEpoch;
    this.#cluster.controller = { id: brokerId, epoch, session: this };
    this.#cluster.notify('controller', { id: brokerId, epoch });
    return epoch;
  }

  async resignController(brokerId: number): Promise<void> {
    const c = this.#cluster.controller;
    if (c?.session !== this || c.id !== brokerId) return;
    this.#cluster.controller = undefined;
    this.#cluster.notify('controller', undefined);
  }

  partitionState(topic: string, partition: number): VersionedPartitionState | undefined {
    return this.#cluster.states.get(key(topic, partition));
  }

  async writePartitionState(topic: string, partition: number, state: PartitionState, expectedVersion: number): Promise<VersionedPartitionState | undefined> {
    this.#open();
    const k = key(topic, partition);
    const cur = this.#cluster.states.get(k);
    if ((cur?.version ?? -1) !== expectedVersion) return undefined;
    if (!this.#cluster.topics.has(topic)) return undefined;
    const next: VersionedPartitionState = Object.freeze({ ...state, isr: Object.freeze([...state.isr]), version: expectedVersion + 1 });
    this.#cluster.states.set(k, next);
    this.#cluster.notify('partitionState', topic, partition, next);
    return next;
  }

  on<E extends ClusterEvent>(event: E, listener: ClusterMetadataEvents[E]): () => void {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    const l = listener as (...args: never[]) => void;
    set.add(l);
    return () => set.delete(l);
  }

  /** @internal Called by the cluster; listeners run on a later tick, as watches do. */
  emit<E extends ClusterEvent>(event: E, ...args: Parameters<ClusterMetadataEvents[E]>): void {
    const set = this.#listeners.get(event);
    if (!set || set.size === 0) return;
    setImmediate(() => {
      if (this.#closed) return;
      for (const l of [...set]) (l as (...a: Parameters<ClusterMetadataEvents[E]>) => void)(...args);
    });
  }

  /** Ends this broker's session: its registration and controllership go (others are told). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#cluster.endSession(this);
  }

  #open(): void {
    if (this.#closed) throw new Error('the metadata session is closed');
  }
}

function key(topic: string, partition: number): string {
  return `${topic}\0${partition}`;
}

function freeze(t: TopicMetadata): TopicMetadata {
  const reassigning = t.reassigning && Object.freeze(Object.fromEntries(Object.entries(t.reassigning).map(([p, x]) => [p, Object.freeze({ adding: Object.freeze([...x.adding]), removing: Object.freeze([...x.removing]) })])));
  return Object.freeze({ ...t, replicas: Object.freeze(t.replicas.map((r) => Object.freeze([...r]))), configs: Object.freeze({ ...t.configs }), ...(reassigning ? { reassigning } : {}) });
}
