// Cluster metadata behind one interface: topics, their partitions and configs, and producer id blocks.
// The single-node default keeps it in a local file; a ZooKeeper-backed store implements the same interface later.

export interface TopicMetadata {
  readonly name: string;
  /** Kafka topic id in its printed form (22 characters of URL-safe base64). */
  readonly topicId: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  /** Topic-level config overrides (Kafka topic config names). */
  readonly configs: Readonly<Record<string, string>>;
  readonly internal: boolean;
}

export interface NewTopic {
  name: string;
  partitions: number;
  replicationFactor: number;
  configs: Record<string, string>;
  internal?: boolean;
}

export interface TopicChange {
  partitions?: number;
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
  createTopic(topic: NewTopic): TopicMetadata;
  deleteTopic(name: string): void;
  /** Replaces a topic's partition count (only ever grows) and/or its config overrides; durable on return. */
  alterTopic(name: string, change: TopicChange): TopicMetadata;
  /** Dynamic broker configs set through AlterConfigs, by Kafka name: `entity` '' holds the cluster-wide defaults, a broker id that broker's own. */
  brokerConfigs(entity: string): Readonly<Record<string, string>>;
  /** Replaces the dynamic broker configs of `entity`; durable on return. */
  setBrokerConfigs(entity: string, configs: Record<string, string>): void;
  /** Reserves a block of producer ids that is never handed out again, even after a restart. */
  allocateProducerIds(size: number): ProducerIdBlock;
  close(): void;
}
