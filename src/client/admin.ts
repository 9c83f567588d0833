// Topic administration: create, delete, list and describe topics, and list
// offsets. Create and delete go to the controller; per-topic outcomes come back
// as results carrying a KafkaProtocolError (or null), so callers decide which
// errors matter (e.g. TOPIC_ALREADY_EXISTS with --if-not-exists).

import { CreateTopics, DeleteTopics, ErrorCode, ZERO_UUID } from '../protocol/index.js';
import { Cluster, type ClusterOptions, type PartitionInfo } from './cluster.js';
import { listOffsets, EARLIEST_TIMESTAMP, LATEST_TIMESTAMP } from './consumer.js';
import { KafkaClientError, KafkaProtocolError } from './errors.js';

export interface NewTopic {
  topic: string;
  /** -1 (default) = the broker's num.partitions. */
  numPartitions?: number;
  /** -1 (default) = the broker's default.replication.factor. */
  replicationFactor?: number;
  /** Explicit replica assignment: partition -> broker ids (then numPartitions/replicationFactor must be -1). */
  replicaAssignment?: Record<number, number[]>;
  configs?: Record<string, string>;
}

export interface CreateTopicsOptions {
  validateOnly?: boolean;
  timeoutMs?: number;
}

export interface CreateTopicResult {
  topic: string;
  topicId: string;
  numPartitions: number;
  replicationFactor: number;
  /** Effective configs as the broker reports them (CreateTopics v5+), if it did. */
  configs: Record<string, string | null> | null;
  error: KafkaProtocolError | null;
}

export interface DeleteTopicResult {
  topic: string;
  error: KafkaProtocolError | null;
}

export interface TopicDescription {
  topic: string;
  topicId: string;
  isInternal: boolean;
  partitions: Array<Pick<PartitionInfo, 'partition' | 'leader' | 'leaderEpoch' | 'replicas' | 'isr' | 'offlineReplicas'>>;
  /** Topic configs when the broker can report them (not yet: no DescribeConfigs); null otherwise. */
  configs: Record<string, string> | null;
  error: KafkaProtocolError | null;
}

export interface PartitionOffset {
  partition: number;
  offset: number;
}

export interface AdminOptions extends Partial<ClusterOptions> {
  cluster?: Cluster;
}

export class Admin {
  readonly cluster: Cluster;
  readonly #ownsCluster: boolean;
  readonly #timeoutMs: number;

  constructor(options: AdminOptions) {
    if (options.cluster) {
      this.cluster = options.cluster;
      this.#ownsCluster = false;
    } else {
      if (options.bootstrap === undefined) throw new KafkaClientError('ERR_CLIENT_INVALID_ARGUMENT', 'admin needs `bootstrap` or `cluster`');
      this.cluster = new Cluster({ ...options, bootstrap: options.bootstrap });
      this.#ownsCluster = true;
    }
    this.#timeoutMs = options.requestTimeoutMs ?? 30_000;
  }

  async createTopics(topics: NewTopic[], options: CreateTopicsOptions = {}): Promise<CreateTopicResult[]> {
    const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
    const res = await this.cluster.sendToController(
      CreateTopics,
      {
        topics: topics.map((t) => ({
          name: t.topic,
          numPartitions: t.numPartitions ?? -1,
          replicationFactor: t.replicationFactor ?? -1,
          assignments: Object.entries(t.replicaAssignment ?? {}).map(([p, brokerIds]) => ({ partitionIndex: Number(p), brokerIds })),
          configs: Object.entries(t.configs ?? {}).map(([name, value]) => ({ name, value })),
        })),
        timeoutMs,
        validateOnly: options.validateOnly ?? false,
      },
      { timeoutMs: timeoutMs + 5000 },
    );
    return res.topics.map((t) => ({
      topic: t.name,
      topicId: t.topicId,
      numPartitions: t.numPartitions,
      replicationFactor: t.replicationFactor,
      configs: t.configs ? Object.fromEntries(t.configs.map((c) => [c.name, c.value])) : null,
      error: t.errorCode === ErrorCode.NONE ? null : new KafkaProtocolError(t.errorCode, `create topic ${t.name}`, t.errorMessage),
    }));
  }

  async deleteTopics(topics: string[], options: { timeoutMs?: number } = {}): Promise<DeleteTopicResult[]> {
    const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
    const res = await this.cluster.sendToController(
      DeleteTopics,
      { topics: topics.map((name) => ({ name, topicId: ZERO_UUID })), topicNames: topics, timeoutMs },
      { timeoutMs: timeoutMs + 5000 },
    );
    for (const t of topics) this.cluster.invalidate(t);
    return res.responses.map((r) => ({
      topic: r.name ?? '',
      error: r.errorCode === ErrorCode.NONE ? null : new KafkaProtocolError(r.errorCode, `delete topic ${r.name ?? r.topicId}`, r.errorMessage),
    }));
  }

  /** Topic names, sorted; internal topics only when asked. */
  async listTopics(options: { includeInternal?: boolean } = {}): Promise<string[]> {
    const topics = await this.cluster.refreshMetadata(null);
    return topics
      .filter((t) => t.errorCode === ErrorCode.NONE && (options.includeInternal || !t.isInternal))
      .map((t) => t.name)
      .sort();
  }

  /** Describes the named topics, or every topic when `topics` is omitted. */
  async describeTopics(topics?: string[]): Promise<TopicDescription[]> {
    const infos = await this.cluster.refreshMetadata(topics ?? null);
    const described: TopicDescription[] = infos.map((t) => ({
        topic: t.name,
        topicId: t.topicId,
        isInternal: t.isInternal,
        partitions: t.partitions.map(({ partition, leader, leaderEpoch, replicas, isr, offlineReplicas }) => ({ partition, leader, leaderEpoch, replicas, isr, offlineReplicas })),
        configs: null,
        error: t.errorCode === ErrorCode.NONE ? null : new KafkaProtocolError(t.errorCode, `describe topic ${t.name}`),
      }));
    // Named topics keep the caller's order; "all topics" come sorted by name.
    if (topics) return topics.map((name) => described.find((d) => d.topic === name)).filter((d): d is TopicDescription => d !== undefined);
    return described.sort((a, b) => a.topic.localeCompare(b.topic));
  }

  /**
   * Offsets of a topic's partitions at `at`: 'earliest' (log start), 'latest' (log
   * end / high watermark) or a timestamp (first offset with a timestamp >= it, -1 if none).
   */
  async listOffsets(topic: string, at: 'earliest' | 'latest' | number = 'latest', partitions?: number[]): Promise<PartitionOffset[]> {
    const info = await this.cluster.topic(topic, { refresh: true });
    const ps = partitions ?? info.partitions.map((p) => p.partition);
    const ts = at === 'earliest' ? EARLIEST_TIMESTAMP : at === 'latest' ? LATEST_TIMESTAMP : at;
    const offsets = await listOffsets(this.cluster, topic, ps, ts);
    return ps.map((partition) => ({ partition, offset: offsets.get(partition) ?? -1 }));
  }

  async close(): Promise<void> {
    if (this.#ownsCluster) await this.cluster.close();
  }
}
