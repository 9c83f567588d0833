// Cluster metadata behind one interface: topics, their partitions, replica assignments and configs, and
// producer id blocks. The single-node default keeps it in a local file; a cluster keeps it in ZooKeeper.
// Reads are synchronous, from the store's current view (a ZooKeeper store keeps it current with watches);
// changes are asynchronous and durable (in the file, or in ZooKeeper) when their promise resolves.

/**
 * A change the store could not make durable (a full disk, an I/O error): nothing of it was kept. `code` is
 * the Kafka error name the broker answers with, as errors of the native addon carry theirs.
 */
export class MetadataStorageError extends Error {
  readonly code = 'KAFKA_STORAGE_ERROR';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MetadataStorageError';
  }
}

/**
 * A change the store could not make in time because its backend did not answer (ZooKeeper gone for longer than
 * zookeeper.connection.timeout.ms). It may still be applied when the backend returns; `code` is the Kafka
 * error the broker answers with (retriable).
 */
export class MetadataUnavailableError extends Error {
  readonly code = 'REQUEST_TIMED_OUT';

  constructor(message: string) {
    super(message);
    this.name = 'MetadataUnavailableError';
  }
}

export interface TopicMetadata {
  readonly name: string;
  /** Kafka topic id in its printed form (22 characters of URL-safe base64). */
  readonly topicId: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  /** Replica broker ids of each partition, preferred leader first (one entry per partition). */
  readonly replicas: ReadonlyArray<readonly number[]>;
  /** Topic-level config overrides (Kafka topic config names). */
  readonly configs: Readonly<Record<string, string>>;
  readonly internal: boolean;
  /**
   * Partitions being reassigned (AlterPartitionReassignments), by partition index: `replicas` then holds the
   * target replicas followed by the ones being removed (Kafka's RS = TRS + (ORS - TRS)). Absent when none.
   */
  readonly reassigning?: Readonly<Record<number, PartitionReassignment>>;
}

/** A reassignment in progress: the replicas being added (catching up) and the ones being removed. */
export interface PartitionReassignment {
  readonly adding: readonly number[];
  readonly removing: readonly number[];
}

/** A new replica assignment and reassignment state of a topic, computed from its current metadata. */
export interface ReplicaAssignmentChange {
  replicas: number[][];
  reassigning: Record<number, PartitionReassignment>;
}

export interface NewTopic {
  name: string;
  partitions: number;
  replicationFactor: number;
  /** Replica broker ids per partition (length `partitions`, each of length `replicationFactor`). */
  replicas: number[][];
  configs: Record<string, string>;
  internal?: boolean;
}

export interface TopicChange {
  /** Replica broker ids of every partition, old and new (only ever grows); the count follows from it. */
  replicas?: number[][];
  configs?: Record<string, string>;
}

export interface ProducerIdBlock {
  readonly firstProducerId: number;
  readonly size: number;
}

import type { AclResource, AclResourceEntry, StoredAcl } from './acls.js';
import type { QuotaEntity, QuotaEntry } from './quotas.js';

export interface MetadataStore {
  readonly clusterId: string;
  listTopics(): TopicMetadata[];
  getTopic(name: string): TopicMetadata | undefined;
  getTopicById(topicId: string): TopicMetadata | undefined;
  /** Creates a topic; rejects when it exists. */
  createTopic(topic: NewTopic): Promise<TopicMetadata>;
  deleteTopic(name: string): Promise<void>;
  /** Replaces a topic's replica assignment (partitions only ever grow) and/or its config overrides. */
  alterTopic(name: string, change: TopicChange): Promise<TopicMetadata>;
  /** Dynamic broker configs set through AlterConfigs, by Kafka name: `entity` '' holds the cluster-wide defaults, a broker id that broker's own. */
  brokerConfigs(entity: string): Readonly<Record<string, string>>;
  /** Replaces the dynamic broker configs of `entity`. */
  setBrokerConfigs(entity: string, configs: Record<string, string>): Promise<void>;
  /** Reserves a block of producer ids that is never handed out again, even after a restart. */
  allocateProducerIds(size: number): Promise<ProducerIdBlock>;
  /**
   * A user's SCRAM credentials by mechanism (`SCRAM-SHA-256`), in Kafka's textual form
   * `salt=<b64>,stored_key=<b64>,server_key=<b64>,iterations=<n>` — never a password. Read from the store
   * itself (ZooKeeper: /config/users/<user>), so a credential altered on one broker works on all at once.
   */
  scramCredentials(user: string): Promise<Readonly<Record<string, string>>>;
  /** Users that have at least one SCRAM credential. */
  scramUsers(): Promise<string[]>;
  /** Sets (a string) or deletes (null) a user's SCRAM credentials per mechanism; other user configs are kept. */
  alterScramCredentials(user: string, changes: Readonly<Record<string, string | null>>): Promise<void>;
  /** Every resource pattern with ACLs, from the store's view. */
  listAcls(): AclResourceEntry[];
  /** Grows at every ACL change the view sees: a cache built at one value is current while it stays. */
  readonly aclsVersion: number;
  /** Replaces one resource's ACLs with `update(current)`, atomically (re-run on a concurrent change); resolves the new list. */
  updateAcls(resource: AclResource, update: (current: readonly StoredAcl[]) => StoredAcl[]): Promise<readonly StoredAcl[]>;
  /** Every client quota entity with values, from the store's view. */
  clientQuotas(): QuotaEntry[];
  /** Grows at every client quota change the view sees. */
  readonly quotasVersion: number;
  /** Sets and removes quota values of one entity (AlterClientQuotas). */
  alterClientQuotas(entity: QuotaEntity, set: Readonly<Record<string, number>>, remove: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

/** The SCRAM mechanisms whose credentials user configs hold (Kafka's ScramMechanism names). */
export const SCRAM_CONFIG_KEYS: readonly string[] = ['SCRAM-SHA-256', 'SCRAM-SHA-512'];

/** One listener of a broker as registered: `PLAINTEXT://host:port` is { listener: 'PLAINTEXT', host, port }. */
export interface BrokerEndpoint {
  readonly listener: string;
  readonly host: string;
  readonly port: number;
  /** Security protocol of the listener (listener.security.protocol.map); the listener name when absent. */
  readonly securityProtocol?: string;
}

/** A live broker, as it registered itself. */
export interface BrokerRegistration {
  readonly id: number;
  readonly endpoints: readonly BrokerEndpoint[];
  readonly rack?: string | null;
}

export interface ControllerInfo {
  readonly id: number;
  /** Controller epoch: incremented at every election, so a deposed controller's requests are recognised. */
  readonly epoch: number;
}

/** Leader, leader epoch and ISR of one partition, as the controller (and the leader, for the ISR) writes them. */
export interface PartitionState {
  readonly leader: number;
  readonly leaderEpoch: number;
  readonly isr: readonly number[];
  /** Epoch of the controller that wrote this state. */
  readonly controllerEpoch: number;
  /** 0 recovered, 1 recovering (KIP-704); 0 when absent. */
  readonly leaderRecoveryState?: number;
}

/** A partition state with the version of its record, for conditional writes. */
export interface VersionedPartitionState extends PartitionState {
  readonly version: number;
}

export interface ClusterMetadataEvents {
  brokers: (brokers: readonly BrokerRegistration[]) => void;
  controller: (controller: ControllerInfo | undefined) => void;
  /** A topic was created, changed or deleted (undefined). */
  topics: (name: string, topic: TopicMetadata | undefined) => void;
  partitionState: (topic: string, partition: number, state: VersionedPartitionState | undefined) => void;
  /** Configs of an entity changed: a topic name, or a broker config entity ('' cluster default, or a broker id). */
  configs: (entityType: 'topics' | 'brokers', entity: string) => void;
  /** The session expired: registrations and watches are gone until 'reconnected'. */
  sessionExpired: () => void;
  /** Connected again: `sessionRenewed` after an expiry (then re-registered and re-read), else the same session. */
  reconnected: (sessionRenewed: boolean) => void;
}

/**
 * Metadata shared by the brokers of a cluster: live brokers, the controller and its epoch, partition states,
 * besides what every MetadataStore holds. Reads come from the store's view, which watches keep current;
 * a change resolves once it is durable and the view shows it.
 */
export interface ClusterMetadataStore extends MetadataStore {
  /** Connects and loads the view. */
  start(): Promise<void>;
  /** Registers this broker (ephemeral); rejects when another live broker holds its id. */
  registerBroker(broker: BrokerRegistration): Promise<void>;
  /** Removes this broker's own registration (clean shutdown); it is not registered again after a session expiry. */
  deregisterBroker(id: number): Promise<void>;
  liveBrokers(): BrokerRegistration[];
  /** Tries to become controller: resolves the new controller epoch, or undefined when another broker is controller. */
  electController(brokerId: number): Promise<number | undefined>;
  /** Gives up the controllership when `brokerId` holds it through this store; otherwise does nothing. */
  resignController(brokerId: number): Promise<void>;
  controller(): ControllerInfo | undefined;
  /** Creates a topic, with the initial state of every partition when given (all or nothing). */
  createTopic(topic: NewTopic, initialStates?: readonly PartitionState[]): Promise<TopicMetadata>;
  partitionState(topic: string, partition: number): VersionedPartitionState | undefined;
  /**
   * Read-modify-write of a topic's replica assignment and reassignment state: `update` sees the current
   * metadata (again after a concurrent change) and returns the change, or undefined to leave it as it is.
   * Resolves the topic as written (or unchanged); rejects when the topic does not exist.
   */
  updateReplicaAssignment(topic: string, update: (current: TopicMetadata) => ReplicaAssignmentChange | undefined): Promise<TopicMetadata>;
  /**
   * Writes a partition's state if its record is still at `expectedVersion` (-1: create it); resolves the
   * state with its new version, or undefined when the version was stale (re-read and retry).
   */
  writePartitionState(topic: string, partition: number, state: PartitionState, expectedVersion: number): Promise<VersionedPartitionState | undefined>;
  on<E extends keyof ClusterMetadataEvents>(event: E, listener: ClusterMetadataEvents[E]): () => void;
}
