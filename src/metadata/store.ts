// Cluster metadata behind one interface: topics, their partitions, replica assignments and configs, and
// producer id blocks. The single-node default keeps it in a local file; a cluster keeps it in ZooKeeper.
// Reads are synchronous, from the store's current view (a ZooKeeper store keeps it current with watches);
// changes are asynchronous and durable (in the file, or in ZooKeeper) when their promise resolves.

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
  close(): Promise<void>;
}
