// ClusterMetadataStore in ZooKeeper, in Kafka 3.x's znode layout (znodes.ts). Reads are synchronous, from a
// view that watches keep current: children watches on /brokers/ids, /brokers/topics, /config/brokers; data
// watches on each broker, topic, topic config, partition state, broker config, /controller and
// /controller_epoch. A change resolves once ZooKeeper acknowledged it and the view was re-read from it.
//
// Topic deletion: deleteTopic marks the topic under /admin/delete_topics/<t> (as Kafka's admin did), then
// removes its znodes (partition states, topic, config, marker) in one multi itself, so the promise resolves
// with the topic gone everywhere, as LocalMetadataStore does. A marker left by a crash between the two steps
// is completed by the next deleteTopic of that name; a controller that wants to stop replicas first can
// watch /admin/delete_topics before it calls deleteTopic.
//
// Config changes are also announced under /config/changes/config_change_<seq> (in the same multi as the
// change), as Kafka's brokers expect; this store's own view follows the config znodes' watches instead.
// A session expiry drops every watch and ephemeral node: the store re-registers its broker, then re-reads
// the whole view, then emits 'reconnected' (true).
import type {
  BrokerEndpoint,
  BrokerRegistration,
  ClusterMetadataEvents,
  ClusterMetadataStore,
  ControllerInfo,
  NewTopic,
  PartitionReassignment,
  PartitionState,
  ProducerIdBlock,
  ReplicaAssignmentChange,
  TopicChange,
  TopicMetadata,
  VersionedPartitionState,
} from '../store.js';
import { MetadataUnavailableError, SCRAM_CONFIG_KEYS } from '../store.js';
import { newClusterId, newTopicId } from '../local-store.js';
import { ZkSession, ZooKeeperError, type ZkNode, type ZkOp, type ZkSessionOptions } from './zk-session.js';
import * as Z from './znodes.js';
import { applyQuotaChange, desanitizeEntityName, quotaEntityKey, quotaValuesOf, sanitizeEntityName, type QuotaEntity, type QuotaEntry } from '../quotas.js';
import { STORED_RESOURCE_TYPES, aclResourceKey, type AclResource, type AclResourceEntry, type StoredAcl } from '../acls.js';

export interface ZooKeeperMetadataStoreOptions extends ZkSessionOptions {
  /** This broker's id, written as the owner of producer id blocks. */
  readonly brokerId: number;
}

const INTERNAL_TOPICS = new Set(['__consumer_offsets', '__transaction_state']);
const isInternal = (name: string) => INTERNAL_TOPICS.has(name);

interface TopicEntry {
  topicId: string;
  replicas: number[][];
  reassigning: Record<number, PartitionReassignment>;
  version: number;
  configs?: Record<string, string>;
}

type Listeners = { [E in keyof ClusterMetadataEvents]: Set<ClusterMetadataEvents[E]> };

export class ZooKeeperMetadataStore implements ClusterMetadataStore {
  readonly #opts: ZooKeeperMetadataStoreOptions;
  #session: ZkSession | undefined;
  #clusterId = '';
  #registration: BrokerRegistration | undefined;
  readonly #brokers = new Map<number, BrokerRegistration>();
  #controllerId: number | undefined;
  #controllerEpoch = 0;
  readonly #topics = new Map<string, TopicEntry>();
  readonly #states = new Map<string, VersionedPartitionState>();
  readonly #brokerConfigs = new Map<string, Record<string, string>>();
  #acls: AclResourceEntry[] = [];
  #aclsVersion = 0;
  #quotas: QuotaEntry[] = [];
  #quotasVersion = 0;
  #closed = false;
  readonly #listeners: Listeners = { brokers: new Set(), controller: new Set(), topics: new Set(), partitionState: new Set(), configs: new Set(), sessionExpired: new Set(), reconnected: new Set() };

  constructor(opts: ZooKeeperMetadataStoreOptions) {
    this.#opts = opts;
  }

  get clusterId(): string {
    return this.#clusterId;
  }

  /** The ZooKeeper session id (16 hex digits), as ephemeral nodes show it. */
  get sessionId(): string {
    return this.#zk.sessionId;
  }

  /** The session's id and password (tests force an expiry with them). */
  get sessionCredentials(): { sessionId: Buffer; sessionPassword: Buffer } | undefined {
    return this.#zk.credentials;
  }

  async start(): Promise<void> {
    const zk = await ZkSession.open(this.#opts);
    this.#session = zk;
    zk.on('expired', () => this.#emit('sessionExpired'));
    zk.on('connected', () => {
      // Same session: watches were kept, but reads in flight when the connection dropped were lost.
      this.#loadAll().then(() => this.#emit('reconnected', false), () => {});
    });
    zk.on('renewed', () => void this.#afterRenewal());
    for (const p of Z.PERSISTENT_PATHS) await zk.ensurePath(p);
    for (const p of Z.ACL_PATHS) await zk.ensurePath(p);
    this.#clusterId = await this.#ensureClusterId();
    await this.#loadAll();
  }

  on<E extends keyof ClusterMetadataEvents>(event: E, listener: ClusterMetadataEvents[E]): () => void {
    const set = this.#listeners[event] as Set<ClusterMetadataEvents[E]>;
    set.add(listener);
    return () => set.delete(listener);
  }

  // ---- brokers ----

  async registerBroker(broker: BrokerRegistration): Promise<void> {
    await this.#createRegistration(broker);
    this.#registration = broker;
    await this.#refreshBrokers();
  }

  /**
   * Removes this broker's registration (a clean shutdown: the others see it gone at once rather than after
   * the session timeout) and stops re-registering it after a session expiry. A registration of that id held
   * by another session is left alone.
   */
  async deregisterBroker(id: number): Promise<void> {
    if (this.#registration?.id === id) this.#registration = undefined;
    await this.#removeOwn(Z.brokerPath(id));
    await this.#refreshBrokers();
  }

  liveBrokers(): BrokerRegistration[] {
    return [...this.#brokers.values()].sort((a, b) => a.id - b.id);
  }

  async #createRegistration(broker: BrokerRegistration): Promise<void> {
    const path = Z.brokerPath(broker.id);
    // A broker restarted right after a crash finds its previous incarnation's registration (same id, same
    // endpoints) until ZooKeeper expires that session: wait for it to go, up to the session timeout and a
    // margin. A registration with other endpoints is another broker using this id: refused at once.
    const deadline = Date.now() + this.#opts.sessionTimeoutMs * 2 + 2000;
    for (;;) {
      try {
        await this.#zk.create(path, Z.encodeBroker(broker), 'ephemeral');
        return;
      } catch (e) {
        if (!(e instanceof ZooKeeperError) || e.code !== 'NODE_EXISTS') throw e;
        const held = await this.#zk.get(path);
        if (!held) continue; // gone meanwhile: create again
        if (held.ephemeralOwner === this.#zk.sessionId) return; // ours already (a retried create)
        const endpoints = Z.decodeBroker(broker.id, held.data).endpoints;
        const other = endpoints.map((x) => `${x.host}:${x.port}`).join(', ');
        const same = sameEndpoints(endpoints, broker.endpoints);
        if (!same || Date.now() > deadline) {
          throw new Error(`broker.id ${broker.id} is already registered by another broker at ${other} (ZooKeeper ${path}, session 0x${held.ephemeralOwner}); give each broker its own broker.id`);
        }
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }

  // ---- controller ----

  controller(): ControllerInfo | undefined {
    return this.#controllerId === undefined ? undefined : { id: this.#controllerId, epoch: this.#controllerEpoch };
  }

  async electController(brokerId: number): Promise<number | undefined> {
    const zk = this.#zk;
    for (let attempt = 0; attempt < 10; attempt++) {
      let epochNode = await zk.get(Z.CONTROLLER_EPOCH);
      if (!epochNode) {
        await zk.create(Z.CONTROLLER_EPOCH, Buffer.from('0')).catch((e) => {
          if (!(e instanceof ZooKeeperError && e.code === 'NODE_EXISTS')) throw e;
        });
        epochNode = await zk.get(Z.CONTROLLER_EPOCH);
        if (!epochNode) continue;
      }
      const epoch = Number(epochNode.data.toString()) + 1;
      try {
        // The controller znode and the epoch go together: the epoch only moves for the broker that won.
        await zk.multi([
          { op: 'create', path: Z.CONTROLLER, data: Z.encodeController(brokerId), mode: 'ephemeral' },
          { op: 'set', path: Z.CONTROLLER_EPOCH, data: Buffer.from(String(epoch)), version: epochNode.version },
        ]);
        await this.#refreshController();
        return epoch;
      } catch (e) {
        if (!(e instanceof ZooKeeperError)) throw e;
        if (e.code === 'NODE_EXISTS') {
          await this.#refreshController();
          return undefined;
        }
        if (e.code !== 'BAD_VERSION') throw e;
        // Another election moved the epoch between our read and our multi: read again.
      }
    }
    throw new Error('controller election did not settle after 10 attempts');
  }

  /** Gives up the controllership: removes /controller when this broker, in this session, holds it. */
  async resignController(brokerId: number): Promise<void> {
    await this.#removeOwn(Z.CONTROLLER, (data) => Z.decodeController(data) === brokerId);
    await this.#refreshController();
  }

  /** Removes an ephemeral node of this session (and, when given, whose data `mine` accepts), at the version read. */
  async #removeOwn(path: string, mine: (data: Buffer) => boolean = () => true): Promise<void> {
    const zk = this.#zk;
    const node = await zk.get(path);
    if (!node || node.ephemeralOwner !== zk.sessionId || !mine(node.data)) return;
    await zk.remove(path, node.version).catch((e) => {
      // Gone or replaced meanwhile: not ours to remove any more.
      if (!(e instanceof ZooKeeperError && (e.code === 'NO_NODE' || e.code === 'BAD_VERSION'))) throw e;
    });
  }

  // ---- topics ----

  listTopics(): TopicMetadata[] {
    return [...this.#topics.keys()].sort().map((n) => this.getTopic(n)!);
  }

  getTopic(name: string): TopicMetadata | undefined {
    const t = this.#topics.get(name);
    if (!t) return undefined;
    return Object.freeze({
      name,
      topicId: t.topicId,
      partitions: t.replicas.length,
      replicationFactor: t.replicas[0]?.length ?? 0,
      replicas: Object.freeze(t.replicas.map((r) => Object.freeze([...r]))),
      configs: Object.freeze({ ...(t.configs ?? {}) }),
      internal: isInternal(name),
      ...(Object.keys(t.reassigning).length > 0 ? { reassigning: freezeReassigning(t.reassigning) } : {}),
    });
  }

  getTopicById(topicId: string): TopicMetadata | undefined {
    for (const [name, t] of this.#topics) if (t.topicId === topicId) return this.getTopic(name);
    return undefined;
  }

  createTopic(topic: NewTopic, initialStates?: readonly PartitionState[]): Promise<TopicMetadata> {
    return this.#withDeadline(`creating topic ${topic.name}`, this.#createTopic(topic, initialStates));
  }

  async #createTopic(topic: NewTopic, initialStates?: readonly PartitionState[]): Promise<TopicMetadata> {
    if (topic.replicas.length !== topic.partitions) throw new Error(`Topic ${topic.name}: ${topic.replicas.length} replica lists for ${topic.partitions} partitions`);
    if (initialStates && initialStates.length !== topic.partitions) throw new Error(`Topic ${topic.name}: ${initialStates.length} partition states for ${topic.partitions} partitions`);
    const t = topic.name;
    const ops: ZkOp[] = [
      { op: 'create', path: Z.topicConfigPath(t), data: Z.encodeConfig(topic.configs) },
      { op: 'create', path: Z.topicPath(t), data: Z.encodeTopic(newTopicId(), topic.replicas) },
    ];
    if (initialStates) {
      ops.push({ op: 'create', path: Z.partitionsPath(t), data: Buffer.alloc(0) });
      initialStates.forEach((s, p) => {
        ops.push({ op: 'create', path: Z.partitionPath(t, p), data: Buffer.alloc(0) });
        ops.push({ op: 'create', path: Z.statePath(t, p), data: Z.encodeState(s) });
      });
    }
    try {
      await this.#zk.multi(ops);
    } catch (e) {
      if (e instanceof ZooKeeperError && e.code === 'NODE_EXISTS') throw new Error(`Topic ${t} already exists`);
      throw e;
    }
    await this.#refreshTopic(t);
    return this.getTopic(t)!;
  }

  deleteTopic(name: string): Promise<void> {
    return this.#withDeadline(`deleting topic ${name}`, this.#deleteTopic(name));
  }

  async #deleteTopic(name: string): Promise<void> {
    const zk = this.#zk;
    const marker = `${Z.DELETE_TOPICS}/${name}`;
    await zk.create(marker, Buffer.alloc(0)).catch((e) => {
      if (!(e instanceof ZooKeeperError && e.code === 'NODE_EXISTS')) throw e;
    });
    for (let attempt = 0; ; attempt++) {
      const ops: ZkOp[] = [];
      const parts = (await zk.children(Z.partitionsPath(name))) ?? [];
      for (const p of parts) {
        const pp = `${Z.partitionsPath(name)}/${p}`;
        for (const c of (await zk.children(pp)) ?? []) ops.push({ op: 'remove', path: `${pp}/${c}` });
        ops.push({ op: 'remove', path: pp });
      }
      if (await zk.get(Z.partitionsPath(name))) ops.push({ op: 'remove', path: Z.partitionsPath(name) });
      if (await zk.get(Z.topicPath(name))) ops.push({ op: 'remove', path: Z.topicPath(name) });
      if (await zk.get(Z.topicConfigPath(name))) ops.push({ op: 'remove', path: Z.topicConfigPath(name) });
      ops.push({ op: 'remove', path: marker });
      try {
        await zk.multi(ops);
        break;
      } catch (e) {
        // A partition state written or removed meanwhile: read the tree again.
        if (!(e instanceof ZooKeeperError && (e.code === 'NOT_EMPTY' || e.code === 'NO_NODE')) || attempt >= 5) throw e;
      }
    }
    await this.#refreshTopics();
  }

  alterTopic(name: string, change: TopicChange): Promise<TopicMetadata> {
    return this.#withDeadline(`altering topic ${name}`, this.#alterTopic(name, change));
  }

  async #alterTopic(name: string, change: TopicChange): Promise<TopicMetadata> {
    for (let attempt = 0; ; attempt++) {
      await this.#refreshTopic(name);
      const t = this.#topics.get(name);
      if (!t) throw new Error(`Topic ${name} does not exist`);
      if (change.replicas !== undefined && change.replicas.length < t.replicas.length) throw new Error(`Topic ${name} cannot shrink from ${t.replicas.length} to ${change.replicas.length} partitions`);
      const ops: ZkOp[] = [];
      if (change.replicas !== undefined) ops.push({ op: 'set', path: Z.topicPath(name), data: Z.encodeTopic(t.topicId, change.replicas, t.reassigning), version: t.version });
      if (change.configs !== undefined) ops.push(...(await this.#configOps(Z.topicConfigPath(name), `topics/${name}`, change.configs)));
      try {
        if (ops.length > 0) await this.#zk.multi(ops);
        break;
      } catch (e) {
        if (!(e instanceof ZooKeeperError && (e.code === 'BAD_VERSION' || e.code === 'NODE_EXISTS' || e.code === 'NO_NODE')) || attempt >= 5) throw e;
      }
    }
    await this.#refreshTopic(name);
    return this.getTopic(name)!;
  }

  async updateReplicaAssignment(name: string, update: (current: TopicMetadata) => ReplicaAssignmentChange | undefined): Promise<TopicMetadata> {
    for (let attempt = 0; ; attempt++) {
      await this.#refreshTopic(name);
      const t = this.#topics.get(name);
      if (!t) throw new Error(`Topic ${name} does not exist`);
      const change = update(this.getTopic(name)!);
      if (!change) break;
      if (change.replicas.length < t.replicas.length) throw new Error(`Topic ${name} cannot shrink from ${t.replicas.length} to ${change.replicas.length} partitions`);
      try {
        await this.#zk.set(Z.topicPath(name), Z.encodeTopic(t.topicId, change.replicas, change.reassigning), t.version);
        break;
      } catch (e) {
        // Changed meanwhile (another reassignment, new partitions): read it again and decide again.
        if (!(e instanceof ZooKeeperError && e.code === 'BAD_VERSION') || attempt >= 20) throw e;
      }
    }
    await this.#refreshTopic(name);
    const t = this.getTopic(name);
    if (!t) throw new Error(`Topic ${name} does not exist`);
    return t;
  }

  // ---- partition states ----

  partitionState(topic: string, partition: number): VersionedPartitionState | undefined {
    return this.#states.get(stateKey(topic, partition));
  }

  async writePartitionState(topic: string, partition: number, state: PartitionState, expectedVersion: number): Promise<VersionedPartitionState | undefined> {
    const zk = this.#zk;
    const path = Z.statePath(topic, partition);
    let version: number;
    try {
      if (expectedVersion === -1) {
        // Only under a topic that still exists: creating the parents blindly would bring a topic deleted
        // meanwhile back as an empty /brokers/topics/<t> znode, which no broker can read.
        const ops: ZkOp[] = [{ op: 'check', path: Z.topicPath(topic), version: -1 }];
        if (!(await zk.get(Z.partitionsPath(topic)))) ops.push({ op: 'create', path: Z.partitionsPath(topic), data: Buffer.alloc(0) });
        if (!(await zk.get(Z.partitionPath(topic, partition)))) ops.push({ op: 'create', path: Z.partitionPath(topic, partition), data: Buffer.alloc(0) });
        ops.push({ op: 'create', path, data: Z.encodeState(state) });
        await zk.multi(ops);
        version = 0;
      } else {
        version = await zk.set(path, Z.encodeState(state), expectedVersion);
      }
    } catch (e) {
      if (e instanceof ZooKeeperError && (e.code === 'BAD_VERSION' || e.code === 'NODE_EXISTS' || e.code === 'NO_NODE')) {
        await this.#refreshState(topic, partition);
        return undefined;
      }
      throw e;
    }
    await this.#refreshState(topic, partition);
    return { ...this.#normaliseState(state), version };
  }

  // ---- configs ----

  brokerConfigs(entity: string): Readonly<Record<string, string>> {
    return Object.freeze({ ...(this.#brokerConfigs.get(entity === '' ? Z.DEFAULT_BROKER_ENTITY : entity) ?? {}) });
  }

  setBrokerConfigs(entity: string, configs: Record<string, string>): Promise<void> {
    return this.#withDeadline(`storing broker configs`, this.#setBrokerConfigs(entity, configs));
  }

  async #setBrokerConfigs(entity: string, configs: Record<string, string>): Promise<void> {
    const name = entity === '' ? Z.DEFAULT_BROKER_ENTITY : entity;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.#zk.multi(await this.#configOps(Z.brokerConfigPath(entity), `brokers/${name}`, configs));
        break;
      } catch (e) {
        if (!(e instanceof ZooKeeperError && (e.code === 'NODE_EXISTS' || e.code === 'NO_NODE')) || attempt >= 5) throw e;
      }
    }
    await this.#refreshBrokerConfig(name);
  }

  /** Writes (or creates) a config znode and its change notification, in one multi. */
  async #configOps(path: string, entityPath: string, configs: Record<string, string>): Promise<ZkOp[]> {
    const existing = await this.#zk.get(path);
    const write: ZkOp = existing ? { op: 'set', path, data: Z.encodeConfig(configs), version: -1 } : { op: 'create', path, data: Z.encodeConfig(configs) };
    return [write, { op: 'create', path: Z.CONFIG_CHANGE_PREFIX, data: Z.encodeConfigChange(entityPath), mode: 'persistent_sequential' }];
  }

  // ---- SCRAM credentials (/config/users/<user>, read on demand: every broker sees a change at once) ----

  async scramCredentials(user: string): Promise<Readonly<Record<string, string>>> {
    const node = await this.#zk.get(Z.userConfigPath(user));
    const all = node ? Z.decodeConfig(node.data) : {};
    return Object.freeze(Object.fromEntries(Object.entries(all).filter(([k]) => SCRAM_CONFIG_KEYS.includes(k))));
  }

  async scramUsers(): Promise<string[]> {
    const names = (await this.#zk.children(Z.CONFIG_USERS)) ?? [];
    const users: string[] = [];
    for (const n of names) {
      const user = decodeURIComponent(n);
      if (Object.keys(await this.scramCredentials(user)).length > 0) users.push(user);
    }
    return users.sort();
  }

  alterScramCredentials(user: string, changes: Readonly<Record<string, string | null>>): Promise<void> {
    return this.#withDeadline(`storing SCRAM credentials`, this.#alterScramCredentials(user, changes));
  }

  async #alterScramCredentials(user: string, changes: Readonly<Record<string, string | null>>): Promise<void> {
    const path = Z.userConfigPath(user);
    for (let attempt = 0; ; attempt++) {
      try {
        const node = await this.#zk.get(path);
        const next = node ? Z.decodeConfig(node.data) : {};
        for (const [k, v] of Object.entries(changes)) {
          if (v === null) delete next[k];
          else next[k] = v;
        }
        await this.#zk.multi(await this.#configOps(path, `users/${path.slice(Z.CONFIG_USERS.length + 1)}`, next));
        return;
      } catch (e) {
        if (!(e instanceof ZooKeeperError && (e.code === 'NODE_EXISTS' || e.code === 'NO_NODE')) || attempt >= 5) throw e;
      }
    }
  }

  // ---- ACLs ----

  listAcls(): AclResourceEntry[] {
    return this.#acls;
  }

  get aclsVersion(): number {
    return this.#aclsVersion;
  }

  updateAcls(resource: AclResource, update: (current: readonly StoredAcl[]) => StoredAcl[]): Promise<readonly StoredAcl[]> {
    return this.#withDeadline(`storing ACLs`, this.#updateAcls(resource, update));
  }

  async #updateAcls(resource: AclResource, update: (current: readonly StoredAcl[]) => StoredAcl[]): Promise<readonly StoredAcl[]> {
    const path = Z.aclPath(resource);
    const change = Z.aclChange(resource);
    const notify: ZkOp = { op: 'create', path: change.path, data: change.data, mode: 'persistent_sequential' };
    let next: StoredAcl[] = [];
    for (let attempt = 0; ; attempt++) {
      const node = await this.#zk.get(path);
      next = update(node ? Z.decodeAcls(node.data) : []);
      const write: ZkOp | undefined = next.length === 0 ? (node ? { op: 'remove', path, version: node.version } : undefined)
        : node ? { op: 'set', path, data: Z.encodeAcls(next), version: node.version } : { op: 'create', path, data: Z.encodeAcls(next) };
      if (!write) break;
      try {
        await this.#zk.multi([write, notify]);
        break;
      } catch (e) {
        // Another broker changed the same resource meanwhile: read it again and re-apply.
        if (!(e instanceof ZooKeeperError && (e.code === 'BAD_VERSION' || e.code === 'NODE_EXISTS' || e.code === 'NO_NODE')) || attempt >= 20) throw e;
      }
    }
    await this.#refreshAcls();
    await this.#purgeAclChanges(change.path.slice(0, change.path.lastIndexOf('/')));
    return next;
  }

  /** Keeps the last 100 change notifications of a kind (Kafka purged them after 15 minutes; only their arrival matters here). */
  async #purgeAclChanges(dir: string): Promise<void> {
    const names = ((await this.#zk.children(dir)) ?? []).sort();
    for (const n of names.slice(0, Math.max(0, names.length - 100))) await this.#zk.remove(`${dir}/${n}`).catch(() => {});
  }

  readonly #onAclChange = this.#watch(() => this.#refreshAcls());

  /** Re-reads every ACL znode (ACLs are few); the change notifications' children watches call it on every change. */
  #refreshAcls(): Promise<void> {
    return this.#latest('acls', async (current) => {
      const zk = this.#zk;
      await Promise.all([zk.children(Z.ACL_CHANGES, this.#onAclChange), zk.children(Z.ACL_EXTENDED_CHANGES, this.#onAclChange)]);
      const entries: AclResourceEntry[] = [];
      await Promise.all(STORED_RESOURCE_TYPES.flatMap((resourceType) => (['LITERAL', 'PREFIXED'] as const).map(async (patternType) => {
        const names = (await zk.children(Z.aclTypePath(patternType, resourceType))) ?? [];
        await Promise.all(names.map(async (name) => {
          const resource: AclResource = { resourceType, patternType, name };
          const node = await zk.get(Z.aclPath(resource));
          const acls = node ? Z.decodeAcls(node.data) : [];
          if (acls.length > 0) entries.push(Object.freeze({ resource: Object.freeze(resource), acls: Object.freeze(acls.map((a) => Object.freeze(a))) }));
        }));
      })));
      if (!current()) return;
      if (JSON.stringify(sortAcls(entries)) === JSON.stringify(sortAcls(this.#acls))) return;
      this.#acls = entries;
      this.#aclsVersion++;
    });
  }

  // ---- client quotas (/config/users, /config/clients, /config/users/<u>/clients/<c>, /config/ips) ----

  clientQuotas(): QuotaEntry[] {
    return this.#quotas;
  }

  get quotasVersion(): number {
    return this.#quotasVersion;
  }

  alterClientQuotas(entity: QuotaEntity, set: Readonly<Record<string, number>>, remove: readonly string[]): Promise<void> {
    return this.#withDeadline(`storing client quotas`, this.#alterClientQuotas(entity, set, remove));
  }

  async #alterClientQuotas(entity: QuotaEntity, set: Readonly<Record<string, number>>, remove: readonly string[]): Promise<void> {
    const user = entity.user === undefined ? undefined : sanitizeEntityName(entity.user);
    const client = entity.clientId === undefined ? undefined : sanitizeEntityName(entity.clientId);
    // An IP is not sanitized in Kafka's layout (/config/ips/<ip>): an IPv6 address keeps its colons.
    const entityPath = entity.ip !== undefined ? `ips/${entity.ip}` : user !== undefined ? (client !== undefined ? `users/${user}/clients/${client}` : `users/${user}`) : `clients/${client}`;
    const path = `/config/${entityPath}`;
    if (user !== undefined && client !== undefined) await this.#zk.ensurePath(`/config/users/${user}/clients`);
    for (let attempt = 0; ; attempt++) {
      const node = await this.#zk.get(path);
      // Other keys of the znode (SCRAM credentials of a user) are kept as they are.
      const next = applyQuotaChange(node ? Z.decodeConfig(node.data) : {}, set, remove);
      const write: ZkOp = node ? { op: 'set', path, data: Z.encodeConfig(next), version: node.version } : { op: 'create', path, data: Z.encodeConfig(next) };
      try {
        await this.#zk.multi([write, { op: 'create', path: Z.CONFIG_CHANGE_PREFIX, data: Z.encodeConfigChange(entityPath), mode: 'persistent_sequential' }]);
        break;
      } catch (e) {
        if (!(e instanceof ZooKeeperError && (e.code === 'BAD_VERSION' || e.code === 'NODE_EXISTS' || e.code === 'NO_NODE')) || attempt >= 20) throw e;
      }
    }
    await this.#refreshQuotas();
  }

  readonly #onConfigChange = this.#watch(() => this.#refreshQuotas());

  /** Re-reads every quota entity; the /config/changes children watch calls it on every config change. */
  #refreshQuotas(): Promise<void> {
    return this.#latest('quotas', async (current) => {
      const zk = this.#zk;
      await zk.children(Z.CONFIG_CHANGES, this.#onConfigChange);
      const entries: QuotaEntry[] = [];
      const add = (entity: QuotaEntity, node: ZkNode | undefined) => {
        const values = node ? quotaValuesOf(Z.decodeConfig(node.data)) : {};
        if (Object.keys(values).length > 0) entries.push(Object.freeze({ entity: Object.freeze(entity), values: Object.freeze(values) }));
      };
      const users = (await zk.children('/config/users')) ?? [];
      const clients = (await zk.children('/config/clients')) ?? [];
      const ips = (await zk.children('/config/ips')) ?? [];
      await Promise.all([
        ...ips.map(async (ip) => add({ ip }, await zk.get(`/config/ips/${ip}`))),
        ...users.map(async (u) => {
          const user = desanitizeEntityName(u);
          add({ user }, await zk.get(`/config/users/${u}`));
          const nested = (await zk.children(`/config/users/${u}/clients`)) ?? [];
          await Promise.all(nested.map(async (c) => add({ user, clientId: desanitizeEntityName(c) }, await zk.get(`/config/users/${u}/clients/${c}`))));
        }),
        ...clients.map(async (c) => add({ clientId: desanitizeEntityName(c) }, await zk.get(`/config/clients/${c}`))),
      ]);
      if (!current()) return;
      const key = (list: readonly QuotaEntry[]) => JSON.stringify([...list].sort((a, b) => (quotaEntityKey(a.entity) < quotaEntityKey(b.entity) ? -1 : 1)));
      if (key(entries) === key(this.#quotas)) return;
      this.#quotas = entries;
      this.#quotasVersion++;
    });
  }

  // ---- producer ids ----

  allocateProducerIds(size: number): Promise<ProducerIdBlock> {
    return this.#withDeadline(`reserving producer ids`, this.#allocateProducerIds(size));
  }

  async #allocateProducerIds(size: number): Promise<ProducerIdBlock> {
    const zk = this.#zk;
    for (let attempt = 0; attempt < 100; attempt++) {
      const node = await zk.get(Z.PRODUCER_ID_BLOCK);
      const lastEnd = node ? Z.decodeProducerIdBlockEnd(node.data) : undefined;
      const start = lastEnd === undefined ? 0 : lastEnd + 1;
      const data = Z.encodeProducerIdBlock(this.#opts.brokerId, start, start + size - 1);
      try {
        if (node) await zk.set(Z.PRODUCER_ID_BLOCK, data, node.version);
        else await zk.create(Z.PRODUCER_ID_BLOCK, data);
        return { firstProducerId: start, size };
      } catch (e) {
        // Another broker took the block we read: read the newer one and try after it.
        if (!(e instanceof ZooKeeperError && (e.code === 'BAD_VERSION' || e.code === 'NODE_EXISTS'))) throw e;
      }
    }
    throw new Error('producer id block allocation did not settle after 100 attempts');
  }

  /**
   * A change requested by a client, bounded by zookeeper.connection.timeout.ms: while ZooKeeper is away the
   * request is answered (REQUEST_TIMED_OUT, retriable) instead of holding its connection until ZooKeeper returns,
   * as Kafka's ZooKeeperClient stops waiting for a connection after that long. The change itself goes on and
   * may still be applied when ZooKeeper answers.
   */
  #withDeadline<T>(what: string, change: Promise<T>): Promise<T> {
    const ms = this.#opts.connectionTimeoutMs ?? this.#opts.sessionTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, rej) => {
      timer = setTimeout(() => rej(new MetadataUnavailableError(`ZooKeeper did not answer ${what} within ${ms} ms (zookeeper.connection.timeout.ms); it may still be applied when ZooKeeper is back`)), ms);
    });
    change.catch(() => {}); // a change that fails after the deadline has already been answered
    return Promise.race([change, deadline]).finally(() => clearTimeout(timer));
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#session?.close();
  }

  // ---- the view ----

  get #zk(): ZkSession {
    if (!this.#session) throw new Error('ZooKeeperMetadataStore is not started');
    return this.#session;
  }

  #emit<E extends keyof ClusterMetadataEvents>(event: E, ...args: Parameters<ClusterMetadataEvents[E]>): void {
    for (const l of [...this.#listeners[event]]) (l as (...a: unknown[]) => void)(...args);
  }

  /**
   * A watch callback: re-reads what changed (which also sets the watch again). A read that fails (connection
   * lost meanwhile) is retried with backoff, so the view never stays stale without a watch; a session expiry
   * ends the retries, as the renewal reloads everything.
   */
  #watch(read: () => Promise<void>): () => void {
    const attempt = (backoff: number) => {
      if (this.#closed) return;
      read().catch((e) => {
        if (e instanceof ZooKeeperError && e.code === 'SESSION_EXPIRED') return;
        setTimeout(() => attempt(Math.min(backoff * 2, 5000)), backoff).unref();
      });
    };
    return () => attempt(100);
  }

  readonly #reads = new Map<string, { done: Promise<void> }>();

  /**
   * Runs a read of the view's entry `key`, whose result applies only while no later read of the same key has
   * started (`current()`): reads of one session answer in order, but a read of an absent node takes one
   * more round trip (to leave an existence watch), so an earlier read can finish after a later one, with
   * older data. A superseded read resolves once the latest one has, so a change still resolves with the
   * view showing it.
   */
  #latest(key: string, read: (current: () => boolean) => Promise<void>): Promise<void> {
    const entry = { done: Promise.resolve() };
    this.#reads.set(key, entry);
    entry.done = (async () => {
      try {
        await read(() => this.#reads.get(key) === entry);
      } finally {
        if (this.#reads.get(key) === entry) this.#reads.delete(key);
      }
      const last = this.#reads.get(key);
      if (last) await last.done.catch(() => {}); // its failure is retried by its own watch
    })();
    return entry.done;
  }

  async #ensureClusterId(): Promise<string> {
    const node = await this.#zk.get(Z.CLUSTER_ID);
    if (node) return Z.decodeClusterId(node.data);
    try {
      await this.#zk.create(Z.CLUSTER_ID, Z.encodeClusterId(newClusterId()));
    } catch (e) {
      if (!(e instanceof ZooKeeperError && e.code === 'NODE_EXISTS')) throw e; // another broker was first
    }
    return Z.decodeClusterId((await this.#zk.get(Z.CLUSTER_ID))!.data);
  }

  async #loadAll(): Promise<void> {
    await Promise.all([this.#refreshBrokers(), this.#refreshController(), this.#refreshTopics(), this.#refreshBrokerConfigs(), this.#refreshAcls(), this.#refreshQuotas()]);
  }

  async #afterRenewal(): Promise<void> {
    for (let backoff = 100; !this.#closed; backoff = Math.min(backoff * 2, 5000)) {
      try {
        if (this.#registration) await this.#createRegistration(this.#registration);
        await this.#loadAll();
        this.#emit('reconnected', true);
        return;
      } catch {
        await new Promise((r) => setTimeout(r, backoff));
      }
    }
  }

  readonly #onBrokers = this.#watch(() => this.#refreshBrokers());

  #refreshBrokers(): Promise<void> {
    return this.#latest('brokers', async (current) => {
      const ids = (await this.#zk.children(Z.BROKER_IDS, this.#onBrokers)) ?? [];
      const next = new Map<number, BrokerRegistration>();
      await Promise.all(ids.map(async (id) => {
        const node = await this.#zk.get(Z.brokerPath(Number(id)));
        if (node) next.set(Number(id), Z.decodeBroker(Number(id), node.data));
      }));
      if (current()) this.#setBrokers(next);
    });
  }

  #setBrokers(next: Map<number, BrokerRegistration>): void {
    this.#brokers.clear();
    for (const id of [...next.keys()].sort((a, b) => a - b)) this.#brokers.set(id, next.get(id)!);
    this.#emit('brokers', this.liveBrokers());
  }

  readonly #onController = this.#watch(() => this.#refreshController());

  #refreshController(): Promise<void> {
    return this.#latest('controller', async (current) => {
      const [node, epoch] = await Promise.all([this.#zk.get(Z.CONTROLLER, this.#onController), this.#zk.get(Z.CONTROLLER_EPOCH, this.#onController)]);
      if (current()) this.#setController(node, epoch);
    });
  }

  #setController(node: ZkNode | undefined, epoch: ZkNode | undefined): void {
    const id = node ? Z.decodeController(node.data) : undefined;
    const e = epoch ? Number(epoch.data.toString()) : 0;
    if (id === this.#controllerId && e === this.#controllerEpoch) return;
    this.#controllerId = id;
    this.#controllerEpoch = e;
    this.#emit('controller', this.controller());
  }

  readonly #onTopics = this.#watch(() => this.#refreshTopics());

  #refreshTopics(): Promise<void> {
    return this.#latest('topics', async (current) => {
      const names = new Set((await this.#zk.children(Z.BROKER_TOPICS, this.#onTopics)) ?? []);
      if (current()) await this.#setTopics(names);
    });
  }

  async #setTopics(names: Set<string>): Promise<void> {
    for (const name of [...this.#topics.keys()]) if (!names.has(name)) this.#dropTopic(name);
    await Promise.all([...names].map((n) => this.#refreshTopic(n)));
  }

  #dropTopic(name: string): void {
    const t = this.#topics.get(name);
    if (!t) return;
    this.#topics.delete(name);
    for (let p = 0; p < t.replicas.length; p++) this.#states.delete(stateKey(name, p));
    this.#emit('topics', name, undefined);
  }

  readonly #topicWatchers = new Map<string, () => void>();

  #refreshTopic(name: string): Promise<void> {
    let onChange = this.#topicWatchers.get(name);
    if (!onChange) this.#topicWatchers.set(name, (onChange = this.#watch(() => this.#refreshTopic(name))));
    const watch = onChange;
    return this.#latest(`topic\u0000${name}`, async (current) => {
      const [node, config] = await Promise.all([this.#zk.get(Z.topicPath(name), watch), this.#zk.get(Z.topicConfigPath(name), watch)]);
      if (current()) await this.#setTopic(name, node, config);
    });
  }

  async #setTopic(name: string, node: ZkNode | undefined, config: ZkNode | undefined): Promise<void> {
    if (!node) {
      this.#topicWatchers.delete(name);
      this.#dropTopic(name);
      return;
    }
    const { topicId, replicas, reassigning } = Z.decodeTopic(node.data);
    const prev = this.#topics.get(name);
    const configs = config ? Z.decodeConfig(config.data) : {};
    const changed = !prev || prev.version !== node.version || prev.topicId !== topicId || JSON.stringify(prev.configs) !== JSON.stringify(configs);
    if (prev && prev.topicId === topicId && prev.version > node.version) return; // an older read answered late
    this.#topics.set(name, { topicId, replicas, reassigning, version: node.version, configs });
    await Promise.all(replicas.map((_, p) => this.#refreshState(name, p)));
    if (changed) {
      this.#emit('topics', name, this.getTopic(name));
      if (prev && JSON.stringify(prev.configs) !== JSON.stringify(configs)) this.#emit('configs', 'topics', name);
    }
  }

  readonly #stateWatchers = new Map<string, () => void>();

  #refreshState(topic: string, partition: number): Promise<void> {
    const key = stateKey(topic, partition);
    let onChange = this.#stateWatchers.get(key);
    if (!onChange) this.#stateWatchers.set(key, (onChange = this.#watch(() => this.#refreshState(topic, partition))));
    const watch = onChange;
    return this.#latest(`state\u0000${key}`, async (current) => {
      const node = await this.#zk.get(Z.statePath(topic, partition), watch);
      if (current()) this.#setState(topic, partition, node);
    });
  }

  #setState(topic: string, partition: number, node: ZkNode | undefined): void {
    const key = stateKey(topic, partition);
    const prev = this.#states.get(key);
    if (!node) {
      if (!this.#topics.has(topic)) this.#stateWatchers.delete(key);
      if (prev) {
        this.#states.delete(key);
        this.#emit('partitionState', topic, partition, undefined);
      }
      return;
    }
    if (prev && prev.version >= node.version) return;
    const state = { ...this.#normaliseState(Z.decodeState(node.data)), version: node.version };
    this.#states.set(key, state);
    this.#emit('partitionState', topic, partition, state);
  }

  #normaliseState(s: PartitionState): PartitionState {
    return { leader: s.leader, leaderEpoch: s.leaderEpoch, isr: Object.freeze([...s.isr]), controllerEpoch: s.controllerEpoch, leaderRecoveryState: s.leaderRecoveryState ?? 0 };
  }

  readonly #onBrokerConfigs = this.#watch(() => this.#refreshBrokerConfigs());

  #refreshBrokerConfigs(): Promise<void> {
    return this.#latest('brokerConfigs', async (current) => {
      const names = new Set((await this.#zk.children(Z.CONFIG_BROKERS, this.#onBrokerConfigs)) ?? []);
      if (current()) await this.#setBrokerConfigNames(names);
    });
  }

  async #setBrokerConfigNames(names: Set<string>): Promise<void> {
    for (const n of [...this.#brokerConfigs.keys()]) if (!names.has(n)) this.#brokerConfigs.delete(n);
    await Promise.all([...names].map((n) => this.#refreshBrokerConfig(n)));
  }

  readonly #brokerConfigWatchers = new Map<string, () => void>();

  #refreshBrokerConfig(name: string): Promise<void> {
    let onChange = this.#brokerConfigWatchers.get(name);
    if (!onChange) this.#brokerConfigWatchers.set(name, (onChange = this.#watch(() => this.#refreshBrokerConfig(name))));
    const watch = onChange;
    return this.#latest(`brokerConfig\u0000${name}`, async (current) => {
      const node = await this.#zk.get(`${Z.CONFIG_BROKERS}/${name}`, watch);
      if (current()) this.#setBrokerConfig(name, node);
    });
  }

  #setBrokerConfig(name: string, node: ZkNode | undefined): void {
    const next = node ? Z.decodeConfig(node.data) : undefined;
    const prev = this.#brokerConfigs.get(name);
    if (JSON.stringify(prev) === JSON.stringify(next)) return;
    if (next) this.#brokerConfigs.set(name, next);
    else this.#brokerConfigs.delete(name);
    this.#emit('configs', 'brokers', name === Z.DEFAULT_BROKER_ENTITY ? '' : name);
  }
}

function sortAcls(entries: readonly AclResourceEntry[]): AclResourceEntry[] {
  return [...entries].sort((a, b) => (aclResourceKey(a.resource) < aclResourceKey(b.resource) ? -1 : 1));
}

function freezeReassigning(r: Record<number, PartitionReassignment>): Readonly<Record<number, PartitionReassignment>> {
  return Object.freeze(Object.fromEntries(Object.entries(r).map(([p, x]) => [p, Object.freeze({ adding: Object.freeze([...x.adding]), removing: Object.freeze([...x.removing]) })])));
}

function stateKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

/** Whether two registrations name the same listeners (a broker's previous incarnation). */
function sameEndpoints(a: readonly BrokerEndpoint[], b: readonly BrokerEndpoint[]): boolean {
  const key = (e: BrokerEndpoint) => `${e.listener}://${e.host}:${e.port}`;
  const x = a.map(key).sort();
  const y = b.map(key).sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
}
