// Topic administration: create, delete, list and describe topics, and list
// offsets. Create and delete go to the controller; per-topic outcomes come back
// as results carrying a KafkaProtocolError (or null), so callers decide which
// errors matter (e.g. TOPIC_ALREADY_EXISTS with --if-not-exists).

import { AlterPartitionReassignments, AlterUserScramCredentials, ElectLeaders, ListPartitionReassignments, CreatePartitions, CreateTopics, DeleteRecords, DeleteTopics, DescribeConfigs, DescribeLogDirs, DescribeUserScramCredentials, ErrorCode, IncrementalAlterConfigs, Scram, ZERO_UUID } from '../protocol/index.js';
import { randomBytes } from 'node:crypto';
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

/** One partition of a topic. */
export interface TopicPartition {
  topic: string;
  partition: number;
}

/** A partition's outcome of ElectLeaders or AlterPartitionReassignments: error null when it succeeded. */
export interface PartitionResult extends TopicPartition {
  error: KafkaProtocolError | null;
}

/** A reassignment in progress (ListPartitionReassignments). */
export interface PartitionReassignment extends TopicPartition {
  replicas: number[];
  addingReplicas: number[];
  removingReplicas: number[];
}

export interface PartitionOffset {
  partition: number;
  offset: number;
}

export interface AdminOptions extends Partial<ClusterOptions> {
  cluster?: Cluster;
}

/** A config resource: a topic, a broker by id, or '' for the cluster-wide broker defaults. */
export interface ConfigResource {
  type: 'topic' | 'broker';
  name: string;
}

export interface ConfigEntry {
  name: string;
  value: string | null;
  /** DescribeConfigs source: 1 topic, 2 dynamic broker, 3 dynamic default broker, 4 static broker, 5 default. */
  source: number;
  readOnly: boolean;
  isSensitive: boolean;
}

export const CONFIG_SOURCE_NAMES: Readonly<Record<number, string>> = {
  1: 'DYNAMIC_TOPIC_CONFIG', 2: 'DYNAMIC_BROKER_CONFIG', 3: 'DYNAMIC_DEFAULT_BROKER_CONFIG', 4: 'STATIC_BROKER_CONFIG', 5: 'DEFAULT_CONFIG', 6: 'DYNAMIC_BROKER_LOGGER_CONFIG',
};

/** IncrementalAlterConfigs operations. */
export interface ConfigAlteration {
  set?: Record<string, string>;
  delete?: string[];
}

export interface LogDirDescription {
  logDir: string;
  totalBytes: number;
  usableBytes: number;
  partitions: Array<{ topic: string; partition: number; size: number; offsetLag: number }>;
}

const RESOURCE_TYPE = { topic: 2, broker: 4 } as const;

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

  /** SCRAM credentials (mechanism and iterations) per user; every user with one when `users` is absent (KIP-554). */
  async describeUserScramCredentials(users?: string[]): Promise<Array<{ user: string; credentials: Array<{ mechanism: string; iterations: number }> }>> {
    const res = await this.cluster.sendAny(DescribeUserScramCredentials, { users: users ?? null });
    if (res.errorCode !== ErrorCode.NONE) throw new KafkaProtocolError(res.errorCode, 'DescribeUserScramCredentials', res.errorMessage);
    return res.results.map((r) => {
      if (r.errorCode !== ErrorCode.NONE) throw new KafkaProtocolError(r.errorCode, `DescribeUserScramCredentials for ${r.user}`, r.errorMessage);
      return { user: r.user, credentials: r.credentialInfos.map((c) => ({ mechanism: Scram.mechanismOfType(c.mechanism) ?? `mechanism ${c.mechanism}`, iterations: c.iterations })) };
    });
  }

  /**
   * Creates or replaces SCRAM credentials (the password is salted and iterated here; only the salted
   * password travels) and deletes others; throws on the first user the broker refused.
   */
  async alterUserScramCredentials(upsertions: Array<{ user: string; mechanism: Scram.ScramMechanism; password: string; iterations?: number }>, deletions: Array<{ user: string; mechanism: Scram.ScramMechanism }> = []): Promise<void> {
    const res = await this.cluster.sendToController(AlterUserScramCredentials, {
      deletions: deletions.map((d) => ({ name: d.user, mechanism: Scram.mechanismType(d.mechanism) })),
      upsertions: upsertions.map((u) => {
        const iterations = u.iterations ?? Scram.MIN_ITERATIONS;
        const salt = randomBytes(32);
        return { name: u.user, mechanism: Scram.mechanismType(u.mechanism), iterations, salt, saltedPassword: Scram.saltedPassword(u.mechanism, u.password, salt, iterations) };
      }),
    });
    for (const r of res.results) if (r.errorCode !== ErrorCode.NONE) throw new KafkaProtocolError(r.errorCode, `AlterUserScramCredentials for ${r.user}`, r.errorMessage);
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

  /** Current configs of a resource with their sources (DescribeConfigs). */
  async describeConfigs(resource: ConfigResource, keys?: string[]): Promise<ConfigEntry[]> {
    const res = await this.cluster.sendAny(DescribeConfigs, {
      resources: [{ resourceType: RESOURCE_TYPE[resource.type], resourceName: resource.name, configurationKeys: keys ?? null }],
      includeSynonyms: false, includeDocumentation: false,
    });
    const r = res.results[0];
    if (!r) throw new KafkaClientError('ERR_CLIENT_BAD_RESPONSE', 'DescribeConfigs answered without a result');
    if (r.errorCode !== ErrorCode.NONE) throw new KafkaProtocolError(r.errorCode, `describe configs of ${resource.type} ${resource.name || '<default>'}`, r.errorMessage);
    return r.configs.map((c) => ({ name: c.name, value: c.value, source: c.configSource, readOnly: c.readOnly, isSensitive: c.isSensitive }));
  }

  /** Sets and deletes single configs of a resource (IncrementalAlterConfigs); throws INVALID_CONFIG and friends. */
  async alterConfigs(resource: ConfigResource, change: ConfigAlteration, options: { validateOnly?: boolean } = {}): Promise<void> {
    const configs = [
      ...Object.entries(change.set ?? {}).map(([name, value]) => ({ name, configOperation: 0, value })),
      ...(change.delete ?? []).map((name) => ({ name, configOperation: 1, value: null })),
    ];
    const res = await this.cluster.sendAny(IncrementalAlterConfigs, {
      resources: [{ resourceType: RESOURCE_TYPE[resource.type], resourceName: resource.name, configs }],
      validateOnly: options.validateOnly ?? false,
    });
    const r = res.responses[0];
    if (r && r.errorCode !== ErrorCode.NONE) throw new KafkaProtocolError(r.errorCode, `alter configs of ${resource.type} ${resource.name || '<default>'}`, r.errorMessage);
  }

  /** Grows a topic to `count` partitions (CreatePartitions). */
  async createPartitions(topic: string, count: number, options: { validateOnly?: boolean; timeoutMs?: number } = {}): Promise<void> {
    const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
    const res = await this.cluster.sendToController(CreatePartitions, {
      topics: [{ name: topic, count, assignments: null }], timeoutMs, validateOnly: options.validateOnly ?? false,
    }, { timeoutMs: timeoutMs + 5000 });
    this.cluster.invalidate(topic);
    const r = res.results[0];
    if (r && r.errorCode !== ErrorCode.NONE) throw new KafkaProtocolError(r.errorCode, `create partitions of ${topic}`, r.errorMessage);
  }

  /** Moves each partition's log start offset up to `offsets[p]` (-1: the high watermark); returns the new log start offsets. */
  async deleteRecords(topic: string, offsets: Record<number, number>, options: { timeoutMs?: number } = {}): Promise<PartitionOffset[]> {
    const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
    await this.cluster.topic(topic, { refresh: true });
    const byLeader = new Map<number, number[]>();
    for (const p of Object.keys(offsets).map(Number)) {
      const leader = this.cluster.leaderFor(topic, p);
      byLeader.set(leader, [...(byLeader.get(leader) ?? []), p]);
    }
    const out: PartitionOffset[] = [];
    for (const [leader, partitions] of byLeader) {
      const c = leader >= 0 ? await this.cluster.connectionFor(leader) : await this.cluster.anyConnection();
      const res = await c.send(DeleteRecords, { topics: [{ name: topic, partitions: partitions.map((p) => ({ partitionIndex: p, offset: offsets[p]! })) }], timeoutMs }, { timeoutMs: timeoutMs + 5000 });
      for (const p of res.topics[0]?.partitions ?? []) {
        if (p.errorCode !== ErrorCode.NONE) throw new KafkaProtocolError(p.errorCode, `delete records of ${topic}-${p.partitionIndex}`);
        out.push({ partition: p.partitionIndex, offset: p.lowWatermark });
      }
    }
    return out.sort((a, b) => a.partition - b.partition);
  }

  /** Log directories of a broker with the size of every partition (DescribeLogDirs). */
  async describeLogDirs(topics?: string[]): Promise<LogDirDescription[]> {
    let wanted: Array<{ topic: string; partitions: number[] }> | null = null;
    if (topics) {
      const infos = await this.cluster.refreshMetadata(topics);
      wanted = infos.map((t) => ({ topic: t.name, partitions: t.partitions.map((p) => p.partition) }));
    }
    const res = await this.cluster.sendAny(DescribeLogDirs, { topics: wanted });
    if (res.errorCode !== ErrorCode.NONE) throw new KafkaProtocolError(res.errorCode, 'describe log dirs');
    return res.results.map((r) => ({
      logDir: r.logDir, totalBytes: r.totalBytes, usableBytes: r.usableBytes,
      partitions: r.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex, size: p.partitionSize, offsetLag: p.offsetLag }))),
    }));
  }

  /**
   * Leader elections (ElectLeaders): 'PREFERRED' or 'UNCLEAN', for `partitions` or every partition (null; the
   * broker then leaves out the partitions that needed no election).
   */
  async electLeaders(type: 'PREFERRED' | 'UNCLEAN', partitions: TopicPartition[] | null, options: { timeoutMs?: number } = {}): Promise<PartitionResult[]> {
    const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
    const byTopic = new Map<string, number[]>();
    for (const p of partitions ?? []) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p.partition]);
    const res = await this.cluster.sendToController(ElectLeaders, {
      electionType: type === 'UNCLEAN' ? ElectLeaders.ElectionType.UNCLEAN : ElectLeaders.ElectionType.PREFERRED,
      topicPartitions: partitions === null ? null : [...byTopic].map(([topic, ps]) => ({ topic, partitions: ps })),
      timeoutMs,
    }, { timeoutMs: timeoutMs + 5000 });
    if (res.errorCode !== ErrorCode.NONE) throw new KafkaProtocolError(res.errorCode, 'elect leaders');
    return res.replicaElectionResults.flatMap((t) => t.partitionResult.map((p) => ({
      topic: t.topic, partition: p.partitionId,
      error: p.errorCode === ErrorCode.NONE ? null : new KafkaProtocolError(p.errorCode, `elect leader of ${t.topic}-${p.partitionId}`, p.errorMessage),
    })));
  }

  /** Starts (replica list) or cancels (null) partition reassignments (AlterPartitionReassignments). */
  async alterPartitionReassignments(reassignments: Array<TopicPartition & { replicas: number[] | null }>, options: { timeoutMs?: number } = {}): Promise<PartitionResult[]> {
    const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
    const byTopic = new Map<string, Array<{ partitionIndex: number; replicas: number[] | null }>>();
    for (const r of reassignments) byTopic.set(r.topic, [...(byTopic.get(r.topic) ?? []), { partitionIndex: r.partition, replicas: r.replicas }]);
    const res = await this.cluster.sendToController(AlterPartitionReassignments, {
      timeoutMs, topics: [...byTopic].map(([name, partitions]) => ({ name, partitions })),
    }, { timeoutMs: timeoutMs + 5000 });
    if (res.errorCode !== ErrorCode.NONE) throw new KafkaProtocolError(res.errorCode, 'alter partition reassignments', res.errorMessage);
    return res.responses.flatMap((t) => t.partitions.map((p) => ({
      topic: t.name, partition: p.partitionIndex,
      error: p.errorCode === ErrorCode.NONE ? null : new KafkaProtocolError(p.errorCode, `reassign ${t.name}-${p.partitionIndex}`, p.errorMessage),
    })));
  }

  /** Reassignments in progress (ListPartitionReassignments), for `partitions` or all. */
  async listPartitionReassignments(partitions?: TopicPartition[], options: { timeoutMs?: number } = {}): Promise<PartitionReassignment[]> {
    const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
    const byTopic = new Map<string, number[]>();
    for (const p of partitions ?? []) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p.partition]);
    const res = await this.cluster.sendToController(ListPartitionReassignments, {
      timeoutMs, topics: partitions === undefined ? null : [...byTopic].map(([name, partitionIndexes]) => ({ name, partitionIndexes })),
    }, { timeoutMs: timeoutMs + 5000 });
    if (res.errorCode !== ErrorCode.NONE) throw new KafkaProtocolError(res.errorCode, 'list partition reassignments', res.errorMessage);
    return res.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex, replicas: p.replicas, addingReplicas: p.addingReplicas, removingReplicas: p.removingReplicas })));
  }

  async close(): Promise<void> {
    if (this.#ownsCluster) await this.cluster.close();
  }
}
