// The group coordinator of a single broker: it coordinates every group (this node leads every partition of
// __consumer_offsets) and keeps committed offsets and group metadata durable in that compacted topic.
//
// Durability contract: an OffsetCommit, a completed SyncGroup (assignment) or a DeleteGroups is answered only
// after its records were appended to the group's __consumer_offsets partition (abs(hash(groupId)) % partitions,
// as in Kafka), so what was answered survives kill -9 like any produced record. On start the whole topic is
// replayed (offsets, group metadata, tombstones); groups that had members come back Stable with their
// generation, and members that do not heartbeat within their session are removed as usual.
//
// Upgrade: versions before Kafka's partition formula was used stored some groups in another partition
// (hash & 0x7fffffff). Records found outside their group's partition replay first, the group's own partition
// after them, so nothing written at home since is undone; such groups are then rewritten at home and their
// old records get tombstones, so compaction removes them.
//
// Transactional offset commits (TxnOffsetCommit) are written the same way, but in a transactional batch of the
// producer, and held pending (per producer id) until the transaction's COMMIT marker reaches the group's
// __consumer_offsets partition (completeTransaction): then they become the committed offsets; an ABORT drops
// them. A replay does the same with the batches and markers it reads, so a restart keeps pending offsets
// pending until the transaction coordinator finishes the transaction.
//
// Threading: main thread only. Writes of one group are chained so its cache follows the log's order; groups
// never wait on each other. The replay at start reads the log synchronously before the broker listens.
import { buildRecordBatch, type InternalRecord, type LogManager, type Partition } from '../log/index.js';
import type { MetadataStore } from '../metadata/index.js';
import type { BrokerConfig } from '../config/index.js';
import {
  CONSUMER_PROTOCOL_TYPE, ControlRecordType, decodeEndTransactionMarker, decodeSubscription, ErrorCode, buildRecordBatchSync, parseRecordBatchSync,
  readRecordBatchHeader, splitRecordBatches,
} from '../protocol/index.js';
import { Group, Member, joinError, type CommittedOffset, type GroupHost, type GroupState, type JoinGroupParams, type JoinGroupResult, type SyncGroupParams, type SyncGroupResult } from './group.js';
import { invalidGroupIdReason } from './group-id.js';
import {
  OFFSETS_TOPIC, decodeGroupMetadataValue, decodeKey, decodeOffsetCommitValue, encodeGroupMetadataKey, encodeGroupMetadataValue,
  encodeOffsetCommitKey, encodeOffsetCommitValue, offsetsPartitionFor, type GroupMetadataKey, type GroupMetadataValue, type OffsetCommitKey,
} from './offsets-records.js';

/** Keys of records found outside their group's partition: group id -> partition -> key (hex) -> key. */
type Strays = Map<string, Map<number, Map<string, Buffer>>>;

export interface CoordinatorLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface OffsetCommitEntry {
  topic: string;
  partition: number;
  offset: number;
  leaderEpoch: number;
  metadata: string | null;
}

export interface OffsetCommitParams {
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  /** OffsetCommit v2-4: how long to keep these offsets; -1 = offsets.retention.minutes. */
  retentionTimeMs: number;
  offsets: OffsetCommitEntry[];
}

export interface TxnOffsetCommitParams {
  transactionalId: string;
  producerId: number;
  producerEpoch: number;
  /** -1 when the producer does not name its consumer's generation (TxnOffsetCommit before v3). */
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  offsets: OffsetCommitEntry[];
}

export interface PartitionError {
  topic: string;
  partition: number;
  errorCode: number;
}

export interface FetchedOffset {
  topic: string;
  partition: number;
  offset: number;
  leaderEpoch: number;
  metadata: string | null;
  errorCode: number;
}

export interface GroupDescription {
  errorCode: number;
  groupId: string;
  state: GroupState;
  protocolType: string;
  protocolName: string;
  members: Array<{ memberId: string; groupInstanceId: string | null; clientId: string; clientHost: string; metadata: Buffer; assignment: Buffer }>;
}

const NO_OFFSET = -1;

export class GroupCoordinator {
  readonly #config: BrokerConfig;
  readonly #metadata: MetadataStore;
  readonly #logs: LogManager;
  readonly #log: CoordinatorLogger;
  readonly #groups = new Map<string, Group>();
  readonly #host: GroupHost;
  #expiryTimer: NodeJS.Timeout | undefined;
  #closed = false;
  #creatingOffsetsTopic: Promise<boolean> | undefined;
  #owned: ((partition: number) => boolean) | undefined;
  /** Replica lists for a new __consumer_offsets (clusters: offsets.topic.replication.factor among live brokers). */
  offsetsTopicAssignment: ((partitions: number) => number[][]) | undefined;
  #replicated: ((partition: number, nextOffset: number) => Promise<void>) | undefined;
  /** Transactional offset commits waiting for their transaction's marker: producer id -> group id -> offset key -> offset. */
  readonly #pendingTxnOffsets = new Map<number, Map<string, Map<string, CommittedOffset>>>();
  /**
   * The next sequence of each producer's transactional batches per __consumer_offsets partition ("partition:producerId"):
   * the log checks a producer's sequences, so the coordinator numbers the batches it writes for it.
   */
  readonly #txnSequences = new Map<string, { epoch: number; next: number }>();

  constructor(config: BrokerConfig, metadata: MetadataStore, logs: LogManager, log: CoordinatorLogger) {
    this.#config = config;
    this.#metadata = metadata;
    this.#logs = logs;
    this.#log = log;
    this.#host = {
      initialRebalanceDelayMs: config['group.initial.rebalance.delay.ms'],
      maxGroupSize: config['group.max.size'],
      storeGroup: (g) => this.#storeGroup(g),
      now: Date.now,
      log,
    };
  }

  /** Replays __consumer_offsets (if it exists) and starts offset expiry. Call once, before serving requests. */
  start(): void {
    const started = Date.now();
    // In a cluster partitions are loaded as this broker becomes their leader (loadPartition), not here.
    const parts = !this.#owned && this.#metadata.getTopic(OFFSETS_TOPIC) ? this.#logs.getPartitions(OFFSETS_TOPIC) ?? [] : [];
    const metadataByGroup = new Map<string, GroupMetadataValue | null>();
    const strays: Strays = new Map();
    let records = 0;
    for (const part of parts) this.#replay(part, false, metadataByGroup, strays);
    for (const part of parts) records += this.#replay(part, true, metadataByGroup, strays);
    this.#applyMetadata(metadataByGroup);
    if (strays.size > 0) this.#moveStrays(strays, metadataByGroup);
    if (parts.length > 0) {
      let offsets = 0;
      for (const g of this.#groups.values()) offsets += g.offsets.size;
      this.#log.info({ groups: this.#groups.size, offsets, records, ms: Date.now() - started }, 'loaded groups and committed offsets from __consumer_offsets');
    }
    const every = this.#config['offsets.retention.check.interval.ms'];
    this.#expiryTimer = setInterval(() => this.expireOffsets().catch((e) => this.#log.error({ err: e }, 'offset expiry failed')), Math.min(every, 2 ** 31 - 1)).unref();
  }

  close(): void {
    this.#closed = true;
    clearInterval(this.#expiryTimer);
    for (const g of this.#groups.values()) g.shutdown();
  }

  /**
   * Creates __consumer_offsets when it does not exist yet (Kafka does this on the first FindCoordinator);
   * resolves false when it cannot. Concurrent callers share one creation.
   */
  ensureOffsetsTopic(): Promise<boolean> {
    if (this.#metadata.getTopic(OFFSETS_TOPIC)) return Promise.resolve(true);
    this.#creatingOffsetsTopic ??= (async () => {
      try {
        const configs = {
          'cleanup.policy': 'compact',
          'compression.type': 'uncompressed',
          'segment.bytes': String(this.#config['offsets.topic.segment.bytes']),
        };
        const partitions = this.#config['offsets.topic.num.partitions'];
        const replicas = this.offsetsTopicAssignment?.(partitions) ?? Array.from({ length: partitions }, () => [this.#config['broker.id']]);
        if (!this.#metadata.getTopic(OFFSETS_TOPIC)) await this.#metadata.createTopic({ name: OFFSETS_TOPIC, partitions, replicationFactor: replicas[0]?.length ?? 1, replicas, configs, internal: true });
        this.#logs.openTopic(OFFSETS_TOPIC, partitions, configs);
        this.#log.info({ topic: OFFSETS_TOPIC, partitions }, 'created the internal offsets topic');
        return true;
      } catch (e) {
        this.#log.error({ err: e }, 'cannot create __consumer_offsets');
        return false;
      } finally {
        this.#creatingOffsetsTopic = undefined;
      }
    })();
    return this.#creatingOffsetsTopic;
  }

  /** True at once when the offsets topic exists; otherwise creates it first. */
  #offsetsTopicReady(): boolean | Promise<boolean> {
    return this.#metadata.getTopic(OFFSETS_TOPIC) ? true : this.ensureOffsetsTopic();
  }

  // ---- ownership (clusters) --------------------------------------------------

  /**
   * In a cluster this broker coordinates only the groups whose __consumer_offsets partition it leads
   * (Kafka's rule); `owned` says which, and the broker loads/unloads partitions as leadership moves.
   * `replicated` resolves once a write at the given next offset is on every in-sync replica (offset
   * commits are acknowledged like acks=all produces). Single node: every group, nothing to wait for.
   */
  setOwnership(owned: (partition: number) => boolean, replicated?: (partition: number, nextOffset: number) => Promise<void>): void {
    this.#owned = owned;
    this.#replicated = replicated;
  }

  /** Whether this broker coordinates `groupId` now. */
  owns(groupId: string): boolean {
    if (!this.#owned) return true;
    const t = this.#metadata.getTopic(OFFSETS_TOPIC);
    return t !== undefined && this.#owned(offsetsPartitionFor(groupId, t.partitions));
  }

  /** Became leader of an offsets partition: load its groups and offsets from the (replicated) log. */
  loadPartition(partition: number): void {
    const part = this.#logs.getPartition(OFFSETS_TOPIC, partition);
    if (!part || this.#closed) return;
    this.unloadPartition(partition);
    const started = Date.now();
    const metadataByGroup = new Map<string, GroupMetadataValue | null>();
    const records = this.#replay(part, true, metadataByGroup, new Map());
    this.#applyMetadata(metadataByGroup);
    this.#log.info({ partition, records, ms: Date.now() - started }, 'loaded the groups of a __consumer_offsets partition');
  }

  /** No longer leader of an offsets partition: its groups go from memory (their members are told to find the new coordinator). */
  unloadPartition(partition: number): void {
    const t = this.#metadata.getTopic(OFFSETS_TOPIC);
    if (!t) return;
    for (const [id, g] of [...this.#groups]) {
      if (offsetsPartitionFor(id, t.partitions) !== partition) continue;
      for (const byGroup of this.#pendingTxnOffsets.values()) byGroup.delete(id);
      g.shutdown();
      this.#groups.delete(id);
    }
  }

  // ---- membership ----------------------------------------------------------

  async joinGroup(groupId: string, p: JoinGroupParams, limits: { minSessionTimeoutMs: number; maxSessionTimeoutMs: number } = this.#sessionLimits()): Promise<JoinGroupResult> {
    if (this.#closed || !this.owns(groupId)) return Promise.resolve(joinError(ErrorCode.NOT_COORDINATOR, p.memberId));
    if (invalidGroupIdReason(groupId)) return Promise.resolve(joinError(ErrorCode.INVALID_GROUP_ID, p.memberId));
    if (p.sessionTimeoutMs < limits.minSessionTimeoutMs || p.sessionTimeoutMs > limits.maxSessionTimeoutMs) return Promise.resolve(joinError(ErrorCode.INVALID_SESSION_TIMEOUT, p.memberId));
    if (p.protocolType === '' || p.protocols.length === 0) return Promise.resolve(joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, p.memberId));
    if (!(await this.#offsetsTopicReady())) return joinError(ErrorCode.COORDINATOR_NOT_AVAILABLE, p.memberId);
    if (this.#closed) return joinError(ErrorCode.NOT_COORDINATOR, p.memberId);
    let group = this.#groups.get(groupId);
    if (!group) {
      if (p.memberId !== '') return Promise.resolve(joinError(ErrorCode.UNKNOWN_MEMBER_ID, p.memberId));
      group = this.#newGroup(groupId);
    }
    return group.join(p);
  }

  syncGroup(groupId: string, p: SyncGroupParams): Promise<SyncGroupResult> {
    const fail = (errorCode: number) => Promise.resolve({ errorCode, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) });
    if (this.#closed || !this.owns(groupId)) return fail(ErrorCode.NOT_COORDINATOR);
    if (invalidGroupIdReason(groupId)) return fail(ErrorCode.INVALID_GROUP_ID);
    const group = this.#groups.get(groupId);
    if (!group) return fail(ErrorCode.UNKNOWN_MEMBER_ID);
    return group.sync(p);
  }

  heartbeat(groupId: string, memberId: string, groupInstanceId: string | null, generationId: number): number {
    if (this.#closed || !this.owns(groupId)) return ErrorCode.NOT_COORDINATOR;
    if (invalidGroupIdReason(groupId)) return ErrorCode.INVALID_GROUP_ID;
    const group = this.#groups.get(groupId);
    if (!group) return ErrorCode.UNKNOWN_MEMBER_ID;
    return group.heartbeat(memberId, groupInstanceId, generationId);
  }

  /** LeaveGroup: the top-level error and one error per leaving member. */
  leaveGroup(groupId: string, members: Array<{ memberId: string; groupInstanceId: string | null; reason: string | null }>): { errorCode: number; memberErrors: number[] } {
    if (this.#closed || !this.owns(groupId)) return { errorCode: ErrorCode.NOT_COORDINATOR, memberErrors: members.map(() => ErrorCode.NOT_COORDINATOR) };
    if (invalidGroupIdReason(groupId)) return { errorCode: ErrorCode.INVALID_GROUP_ID, memberErrors: members.map(() => ErrorCode.INVALID_GROUP_ID) };
    const group = this.#groups.get(groupId);
    if (!group) return { errorCode: ErrorCode.NONE, memberErrors: members.map(() => ErrorCode.UNKNOWN_MEMBER_ID) };
    if (group.state === 'Dead') return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, memberErrors: members.map(() => ErrorCode.COORDINATOR_NOT_AVAILABLE) };
    return { errorCode: ErrorCode.NONE, memberErrors: group.leave(members) };
  }

  // ---- offsets ---------------------------------------------------------------

  /** OffsetCommit: every partition gets an error code; valid ones are durable before this resolves. */
  async commitOffsets(groupId: string, p: OffsetCommitParams): Promise<PartitionError[]> {
    const all = (errorCode: number): PartitionError[] => p.offsets.map((o) => ({ topic: o.topic, partition: o.partition, errorCode }));
    if (this.#closed || !this.owns(groupId)) return all(ErrorCode.NOT_COORDINATOR);
    if (invalidGroupIdReason(groupId)) return all(ErrorCode.INVALID_GROUP_ID);
    if (!(await this.#offsetsTopicReady())) return all(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    let group = this.#groups.get(groupId);
    if (!group) {
      if (p.generationId >= 0) return all(ErrorCode.ILLEGAL_GENERATION);
      group = this.#newGroup(groupId);
    }
    const refusal = this.#commitRefusal(group, p);
    if (refusal !== ErrorCode.NONE) return all(refusal);
    if (group.members.has(p.memberId)) group.touch(p.memberId);

    const now = Date.now();
    const maxMetadata = this.#config['offset.metadata.max.bytes'];
    const results: PartitionError[] = [];
    const accepted: CommittedOffset[] = [];
    for (const o of p.offsets) {
      const topic = this.#metadata.getTopic(o.topic);
      if (!topic || o.partition < 0 || o.partition >= topic.partitions) {
        results.push({ topic: o.topic, partition: o.partition, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION });
        continue;
      }
      const metadata = o.metadata ?? '';
      if (Buffer.byteLength(metadata, 'utf8') > maxMetadata) {
        results.push({ topic: o.topic, partition: o.partition, errorCode: ErrorCode.OFFSET_METADATA_TOO_LARGE });
        continue;
      }
      results.push({ topic: o.topic, partition: o.partition, errorCode: ErrorCode.NONE });
      accepted.push({
        topic: o.topic, partition: o.partition, offset: o.offset, leaderEpoch: o.leaderEpoch, metadata, commitTimestamp: now,
        expireTimestamp: p.retentionTimeMs >= 0 ? now + p.retentionTimeMs : -1,
      });
    }
    if (accepted.length === 0) return results;
    const records = accepted.map((c) => ({ key: encodeOffsetCommitKey(groupId, c.topic, c.partition), value: encodeOffsetCommitValue(c) }));
    try {
      await this.#write(group, records, () => {
        for (const c of accepted) group.offsets.set(Group.offsetKey(c.topic, c.partition), c);
      });
    } catch (e) {
      // A commit whose batch is larger than the offsets topic takes is refused as Kafka does; other failures are retriable.
      const code = (e as { code?: unknown }).code;
      const tooLarge = code === 'MESSAGE_TOO_LARGE' || code === 'RECORD_LIST_TOO_LARGE';
      this.#log[tooLarge ? 'warn' : 'error']({ group: groupId, partitions: accepted.length, err: e }, 'storing committed offsets failed');
      const errorCode = tooLarge ? ErrorCode.INVALID_COMMIT_OFFSET_SIZE : ErrorCode.COORDINATOR_NOT_AVAILABLE;
      for (const r of results) if (r.errorCode === ErrorCode.NONE) r.errorCode = errorCode;
    }
    return results;
  }

  /**
   * TxnOffsetCommit: the offsets are written (durably, in a transactional batch of the producer) and held
   * pending until the transaction ends (completeTransaction). Every partition gets an error code.
   */
  async commitTxnOffsets(groupId: string, p: TxnOffsetCommitParams): Promise<PartitionError[]> {
    const all = (errorCode: number): PartitionError[] => p.offsets.map((o) => ({ topic: o.topic, partition: o.partition, errorCode }));
    if (this.#closed || !this.owns(groupId)) return all(ErrorCode.NOT_COORDINATOR);
    if (invalidGroupIdReason(groupId)) return all(ErrorCode.INVALID_GROUP_ID);
    if (!(await this.#offsetsTopicReady())) return all(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    if (this.#closed || !this.owns(groupId)) return all(ErrorCode.NOT_COORDINATOR);
    const group = this.#groups.get(groupId) ?? this.#newGroup(groupId);
    // Kafka's checks for a transactional commit: the member (when named) and its generation (when given).
    if (group.state === 'Dead') return all(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    if (p.memberId !== '' && !group.members.has(p.memberId)) return all(ErrorCode.UNKNOWN_MEMBER_ID);
    if (p.generationId >= 0 && p.generationId !== group.generationId) return all(ErrorCode.ILLEGAL_GENERATION);
    const now = Date.now();
    const maxMetadata = this.#config['offset.metadata.max.bytes'];
    const results: PartitionError[] = [];
    const accepted: CommittedOffset[] = [];
    for (const o of p.offsets) {
      const topic = this.#metadata.getTopic(o.topic);
      let errorCode: number = ErrorCode.NONE;
      if (!topic || o.partition < 0 || o.partition >= topic.partitions) errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      else if (Buffer.byteLength(o.metadata ?? '', 'utf8') > maxMetadata) errorCode = ErrorCode.OFFSET_METADATA_TOO_LARGE;
      results.push({ topic: o.topic, partition: o.partition, errorCode });
      if (errorCode === ErrorCode.NONE) {
        accepted.push({ topic: o.topic, partition: o.partition, offset: o.offset, leaderEpoch: o.leaderEpoch, metadata: o.metadata ?? '', commitTimestamp: now, expireTimestamp: -1 });
      }
    }
    if (accepted.length === 0) return results;
    const records = accepted.map((c) => ({ key: encodeOffsetCommitKey(groupId, c.topic, c.partition), value: encodeOffsetCommitValue(c) }));
    try {
      await this.#write(group, records, () => {
        for (const c of accepted) this.#addPendingTxnOffset(p.producerId, groupId, c);
      }, undefined, { producerId: p.producerId, producerEpoch: p.producerEpoch });
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      this.#log.warn({ group: groupId, transactionalId: p.transactionalId, err: e }, 'storing transactional offsets failed');
      const errorCode = code === 'MESSAGE_TOO_LARGE' || code === 'RECORD_LIST_TOO_LARGE' ? ErrorCode.INVALID_COMMIT_OFFSET_SIZE
        : code === 'INVALID_PRODUCER_EPOCH' || code === 'PRODUCER_FENCED' ? ErrorCode.PRODUCER_FENCED : ErrorCode.COORDINATOR_NOT_AVAILABLE;
      for (const r of results) if (r.errorCode === ErrorCode.NONE) r.errorCode = errorCode;
    }
    return results;
  }

  /**
   * A transaction's marker reached these __consumer_offsets partitions: the producer's pending offsets for
   * groups in them become committed (COMMIT) or are dropped (ABORT).
   */
  completeTransaction(producerId: number, commit: boolean, offsetsPartitions: readonly number[]): void {
    const byGroup = this.#pendingTxnOffsets.get(producerId);
    const t = this.#metadata.getTopic(OFFSETS_TOPIC);
    if (!byGroup || !t) return;
    const wanted = new Set(offsetsPartitions);
    for (const [groupId, offsets] of [...byGroup]) {
      if (!wanted.has(offsetsPartitionFor(groupId, t.partitions))) continue;
      byGroup.delete(groupId);
      if (!commit) continue;
      const group = this.#groups.get(groupId) ?? this.#newGroup(groupId);
      for (const [k, c] of offsets) group.offsets.set(k, c);
    }
    if (byGroup.size === 0) this.#pendingTxnOffsets.delete(producerId);
  }

  #addPendingTxnOffset(producerId: number, groupId: string, c: CommittedOffset): void {
    let byGroup = this.#pendingTxnOffsets.get(producerId);
    if (!byGroup) this.#pendingTxnOffsets.set(producerId, (byGroup = new Map()));
    let offsets = byGroup.get(groupId);
    if (!offsets) byGroup.set(groupId, (offsets = new Map()));
    offsets.set(Group.offsetKey(c.topic, c.partition), c);
  }

  /** Whether a transaction has an offset for this group and partition that is not committed yet. */
  #hasPendingTxnOffset(groupId: string, key: string): boolean {
    for (const byGroup of this.#pendingTxnOffsets.values()) if (byGroup.get(groupId)?.has(key)) return true;
    return false;
  }

  #commitRefusal(group: Group, p: OffsetCommitParams): number {
    if (group.state === 'Dead') return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (p.generationId < 0 && group.state === 'Empty') return ErrorCode.NONE; // a commit from outside the group (admin, simple consumer)
    const check = group.validateMember(p.memberId, p.groupInstanceId, p.generationId);
    if (check !== ErrorCode.NONE) return check;
    if (group.state === 'CompletingRebalance') return ErrorCode.REBALANCE_IN_PROGRESS;
    return ErrorCode.NONE;
  }

  /** OffsetFetch for one group: the listed partitions (or all committed ones when `topics` is null). */
  fetchOffsets(groupId: string, topics: Array<{ name: string; partitions: number[] }> | null, requireStable = false): { errorCode: number; offsets: FetchedOffset[] } {
    if (this.#closed || !this.owns(groupId)) return { errorCode: ErrorCode.NOT_COORDINATOR, offsets: [] };
    if (invalidGroupIdReason(groupId)) return { errorCode: ErrorCode.INVALID_GROUP_ID, offsets: [] };
    const group = this.#groups.get(groupId);
    const live = group && group.state !== 'Dead' ? group : undefined;
    const describe = (topic: string, partition: number): FetchedOffset => {
      // requireStable (KIP-447): an offset a transaction has not committed yet is not answered.
      if (requireStable && this.#hasPendingTxnOffset(groupId, Group.offsetKey(topic, partition))) {
        return { topic, partition, offset: NO_OFFSET, leaderEpoch: -1, metadata: '', errorCode: ErrorCode.UNSTABLE_OFFSET_COMMIT };
      }
      const c = live?.offsets.get(Group.offsetKey(topic, partition));
      return c
        ? { topic, partition, offset: c.offset, leaderEpoch: c.leaderEpoch, metadata: c.metadata, errorCode: ErrorCode.NONE }
        : { topic, partition, offset: NO_OFFSET, leaderEpoch: -1, metadata: '', errorCode: ErrorCode.NONE };
    };
    if (topics === null) {
      const offsets = live ? [...live.offsets.values()].map((c) => describe(c.topic, c.partition)) : [];
      offsets.sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
      return { errorCode: ErrorCode.NONE, offsets };
    }
    return { errorCode: ErrorCode.NONE, offsets: topics.flatMap((t) => t.partitions.map((p) => describe(t.name, p))) };
  }

  /** OffsetDelete: removes committed offsets of topics the group does not (or no longer) consume. */
  async deleteOffsets(groupId: string, topics: Array<{ name: string; partitions: number[] }>): Promise<{ errorCode: number; results: PartitionError[] }> {
    const none: PartitionError[] = [];
    if (this.#closed || !this.owns(groupId)) return { errorCode: ErrorCode.NOT_COORDINATOR, results: none };
    if (invalidGroupIdReason(groupId)) return { errorCode: ErrorCode.INVALID_GROUP_ID, results: none };
    const group = this.#groups.get(groupId);
    if (!group || group.state === 'Dead') return { errorCode: ErrorCode.GROUP_ID_NOT_FOUND, results: none };
    let subscribed: Set<string> | undefined = new Set();
    if (group.members.size > 0) {
      subscribed = group.protocolType === CONSUMER_PROTOCOL_TYPE ? group.subscribedTopics(subscribedTopics) : undefined;
      if (subscribed === undefined) return { errorCode: ErrorCode.NON_EMPTY_GROUP, results: none };
    }
    const results: PartitionError[] = [];
    const doomed: string[] = [];
    const records: InternalRecord[] = [];
    for (const t of topics) {
      for (const partition of t.partitions) {
        let errorCode: number = ErrorCode.NONE;
        if (subscribed.has(t.name)) errorCode = ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC;
        else if (!this.#metadata.getTopic(t.name)) errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        else {
          const key = Group.offsetKey(t.name, partition);
          if (group.offsets.has(key)) {
            doomed.push(key);
            records.push({ key: encodeOffsetCommitKey(groupId, t.name, partition), value: null });
          }
        }
        results.push({ topic: t.name, partition, errorCode });
      }
    }
    if (records.length > 0) {
      try {
        await this.#write(group, records, () => {
          for (const k of doomed) group.offsets.delete(k);
        });
      } catch (e) {
        this.#log.error({ group: groupId, err: e }, 'deleting offsets failed');
        return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, results: none };
      }
    }
    return { errorCode: ErrorCode.NONE, results };
  }

  /** Removes every group's committed offsets for a deleted topic (tombstones); returns how many. */
  async deleteTopicOffsets(topic: string): Promise<number> {
    let removed = 0;
    await Promise.all([...this.#groups.values()].map(async (group) => {
      const doomed = [...group.offsets.entries()].filter(([, c]) => c.topic === topic);
      if (doomed.length === 0 || group.state === 'Dead') return;
      await this.#write(group, doomed.map(([, c]) => ({ key: encodeOffsetCommitKey(group.groupId, c.topic, c.partition), value: null })), () => {
        for (const [k] of doomed) group.offsets.delete(k);
      });
      removed += doomed.length;
    }));
    if (removed > 0) this.#log.info({ topic, offsets: removed }, 'removed committed offsets of a deleted topic');
    return removed;
  }

  // ---- administration ----------------------------------------------------------

  listGroups(statesFilter: string[]): Array<{ groupId: string; protocolType: string; state: GroupState }> {
    const wanted = new Set(statesFilter.map((s) => s.toLowerCase()));
    return [...this.#groups.values()]
      .filter((g) => g.state !== 'Dead' && this.owns(g.groupId) && (wanted.size === 0 || wanted.has(g.state.toLowerCase())))
      .map((g) => ({ groupId: g.groupId, protocolType: g.protocolType ?? '', state: g.state }));
  }

  describeGroup(groupId: string): GroupDescription {
    const dead = (errorCode: number): GroupDescription => ({ errorCode, groupId, state: 'Dead', protocolType: '', protocolName: '', members: [] });
    if (this.#closed || !this.owns(groupId)) return dead(ErrorCode.NOT_COORDINATOR);
    if (invalidGroupIdReason(groupId)) return dead(ErrorCode.INVALID_GROUP_ID);
    const g = this.#groups.get(groupId);
    if (!g) return dead(ErrorCode.NONE);
    const stable = g.state === 'Stable';
    return {
      errorCode: ErrorCode.NONE,
      groupId,
      state: g.state,
      protocolType: g.protocolType ?? '',
      protocolName: stable ? g.protocolName ?? '' : '',
      members: [...g.members.values()].map((m) => ({
        memberId: m.memberId, groupInstanceId: m.groupInstanceId, clientId: m.clientId, clientHost: m.clientHost,
        metadata: stable ? m.metadataFor(g.protocolName) : Buffer.alloc(0), assignment: stable ? m.assignment : Buffer.alloc(0),
      })),
    };
  }

  /** DeleteGroups: only empty groups; their offsets and metadata get tombstones. */
  async deleteGroups(groupIds: string[]): Promise<Array<{ groupId: string; errorCode: number }>> {
    return Promise.all(groupIds.map(async (groupId) => {
      if (this.#closed || !this.owns(groupId)) return { groupId, errorCode: ErrorCode.NOT_COORDINATOR };
      if (invalidGroupIdReason(groupId)) return { groupId, errorCode: ErrorCode.INVALID_GROUP_ID };
      const group = this.#groups.get(groupId);
      if (!group || group.state === 'Dead') return { groupId, errorCode: ErrorCode.GROUP_ID_NOT_FOUND };
      if (group.state !== 'Empty') return { groupId, errorCode: ErrorCode.NON_EMPTY_GROUP };
      try {
        await this.#removeGroup(group);
        this.#log.info({ group: groupId }, 'deleted group');
        return { groupId, errorCode: ErrorCode.NONE };
      } catch (e) {
        this.#log.error({ group: groupId, err: e }, 'deleting group failed');
        return { groupId, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE };
      }
    }));
  }

  /**
   * offsets.retention.minutes: a group that has been empty that long loses its committed offsets (an offset
   * committed with an explicit retention time expires at its own time); an empty group without offsets goes.
   */
  async expireOffsets(now = Date.now()): Promise<number> {
    const retentionMs = this.#config['offsets.retention.minutes'] * 60_000;
    let expired = 0;
    for (const group of [...this.#groups.values()]) {
      if (group.state !== 'Empty') continue;
      const doomed = [...group.offsets.entries()].filter(([, c]) =>
        c.expireTimestamp >= 0 ? now >= c.expireTimestamp : now - Math.max(group.currentStateTimestamp, c.commitTimestamp) >= retentionMs);
      if (doomed.length === group.offsets.size && now - group.currentStateTimestamp >= retentionMs) {
        expired += doomed.length;
        await this.#removeGroup(group);
        this.#log.info({ group: group.groupId, offsets: doomed.length }, 'expired an empty group and its offsets');
        continue;
      }
      if (doomed.length === 0) continue;
      const records = doomed.map(([, c]) => ({ key: encodeOffsetCommitKey(group.groupId, c.topic, c.partition), value: null }));
      await this.#write(group, records, () => {
        for (const [k] of doomed) group.offsets.delete(k);
      });
      expired += doomed.length;
      this.#log.info({ group: group.groupId, offsets: doomed.length }, 'expired committed offsets');
    }
    return expired;
  }

  // ---- internals -----------------------------------------------------------------

  #sessionLimits(): { minSessionTimeoutMs: number; maxSessionTimeoutMs: number } {
    return { minSessionTimeoutMs: this.#config['group.min.session.timeout.ms'], maxSessionTimeoutMs: this.#config['group.max.session.timeout.ms'] };
  }

  #newGroup(groupId: string): Group {
    const g = new Group(groupId, this.#host);
    this.#groups.set(groupId, g);
    return g;
  }

  /** Marks a group Dead, writes tombstones for its offsets and metadata, then forgets it. */
  async #removeGroup(group: Group): Promise<void> {
    group.markDead();
    const records: InternalRecord[] = [...group.offsets.values()].map((c) => ({ key: encodeOffsetCommitKey(group.groupId, c.topic, c.partition), value: null }));
    records.push({ key: encodeGroupMetadataKey(group.groupId), value: null });
    try {
      await this.#write(group, records, () => group.offsets.clear());
    } finally {
      if (this.#groups.get(group.groupId) === group) this.#groups.delete(group.groupId);
    }
  }

  #storeGroup(group: Group): Promise<void> {
    const value: GroupMetadataValue = {
      protocolType: group.protocolType ?? '',
      generationId: group.generationId,
      protocolName: group.protocolName,
      leaderId: group.leaderId,
      currentStateTimestamp: group.currentStateTimestamp,
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId, groupInstanceId: m.groupInstanceId, clientId: m.clientId, clientHost: m.clientHost,
        rebalanceTimeoutMs: m.rebalanceTimeoutMs, sessionTimeoutMs: m.sessionTimeoutMs, subscription: m.metadataFor(group.protocolName), assignment: m.assignment,
      })),
    };
    return this.#write(group, [{ key: encodeGroupMetadataKey(group.groupId), value: encodeGroupMetadataValue(value) }], () => undefined).catch((e) => {
      this.#log.error({ group: group.groupId, err: e }, 'storing group metadata failed');
      throw e;
    });
  }

  /**
   * Appends one batch to the group's partition (or `partition`, for tombstones of records left elsewhere) after the
   * group's earlier writes; `apply` runs once it is in the log.
   */
  #write(group: Group, records: InternalRecord[], apply: () => void, partition?: Partition, txn?: { producerId: number; producerEpoch: number }): Promise<void> {
    const run = async (): Promise<void> => {
      if (!(await this.#offsetsTopicReady())) throw new Error('__consumer_offsets is not available');
      const target = partition ?? this.#partitionFor(group.groupId);
      const now = Date.now();
      // A transaction's offsets go in a transactional batch of its producer, so its marker (and a replay) can find them.
      let batch: Buffer;
      if (txn) {
        const seqKey = `${target.partition}:${txn.producerId}`;
        let seq = this.#txnSequences.get(seqKey);
        if (!seq || seq.epoch !== txn.producerEpoch) this.#txnSequences.set(seqKey, (seq = { epoch: txn.producerEpoch, next: 0 }));
        batch = buildRecordBatchSync(records.map((r) => ({ key: r.key, value: r.value, timestamp: now })), {
          producerId: txn.producerId, producerEpoch: txn.producerEpoch, baseSequence: seq.next, transactional: true,
        });
        seq.next += records.length;
      } else {
        batch = buildRecordBatch(records, now);
      }
      const r = await target.append(batch);
      await this.#replicated?.(target.partition, r.lastOffset + 1);
      apply();
    };
    const done = group.writeChain.then(run, run);
    group.writeChain = done.catch(() => undefined);
    return done;
  }

  #partitionFor(groupId: string): Partition {
    const count = this.#metadata.getTopic(OFFSETS_TOPIC)!.partitions;
    const p = this.#logs.getPartition(OFFSETS_TOPIC, offsetsPartitionFor(groupId, count));
    if (!p) throw new Error(`partition ${offsetsPartitionFor(groupId, count)} of __consumer_offsets is not open`);
    return p;
  }

  /**
   * Replays one __consumer_offsets partition into the caches: the records of groups that live in it (`home`), or
   * else the records of groups that live elsewhere, whose keys are noted in `strays`. Returns how many records it read.
   */
  /** Group metadata read by a replay, applied once every record of the partitions was read. */
  #applyMetadata(metadataByGroup: Map<string, GroupMetadataValue | null>): void {
    for (const [groupId, value] of metadataByGroup) {
      let group = this.#groups.get(groupId);
      if (value === null) {
        if (group && group.offsets.size === 0) this.#groups.delete(groupId);
        continue;
      }
      group ??= this.#newGroup(groupId);
      this.#restoreGroup(group, value);
    }
  }

  #replay(part: Partition, home: boolean, metadataByGroup: Map<string, GroupMetadataValue | null>, strays: Strays): number {
    const count = this.#metadata.getTopic(OFFSETS_TOPIC)!.partitions;
    let offset = part.logStartOffset;
    let records = 0;
    while (offset < part.logEndOffset) {
      let next: number;
      try {
        const r = part.read(offset, 8 << 20, true);
        if (r.records.length === 0) break;
        next = -1;
        for (const batch of splitRecordBatches(r.records)) {
          const head = readRecordBatchHeader(batch, { verifyCrc: false });
          next = head.lastOffset + 1;
          const decoded = parseRecordBatchSync(batch, { verifyCrc: false }).records;
          if (head.isTransactional && !head.isControl && head.baseSequence >= 0) {
            this.#txnSequences.set(`${part.partition}:${head.producerId}`, { epoch: head.producerEpoch, next: head.baseSequence + (head.lastOffset - head.baseOffset) + 1 });
          }
          if (head.isControl) {
            // A transaction's marker: its pending offsets in this partition are committed or dropped.
            for (const rec of decoded) {
              const marker = home ? decodeEndTransactionMarker(rec) : undefined;
              if (marker) this.completeTransaction(head.producerId, marker.type === ControlRecordType.COMMIT, [part.partition]);
            }
            continue;
          }
          for (const rec of decoded) {
            if (rec.key === null) continue;
            records++;
            let key;
            try {
              key = decodeKey(rec.key);
            } catch (e) {
              if (home) this.#log.warn({ err: e }, 'skipped an unreadable __consumer_offsets key');
              continue;
            }
            if (!key || (offsetsPartitionFor(key.groupId, count) === part.partition) !== home) continue;
            if (!home) {
              let byPartition = strays.get(key.groupId);
              if (!byPartition) strays.set(key.groupId, (byPartition = new Map()));
              let keys = byPartition.get(part.partition);
              if (!keys) byPartition.set(part.partition, (keys = new Map()));
              keys.set(rec.key.toString('hex'), Buffer.from(rec.key));
            }
            this.#replayRecord(key, rec.value, metadataByGroup, home && head.isTransactional ? head.producerId : undefined);
          }
        }
      } catch (e) {
        if (home) this.#log.error({ partition: part.partition, offset, err: e }, 'cannot replay __consumer_offsets from here on; the rest of this partition is ignored');
        break;
      }
      if (next <= offset) break;
      offset = next;
    }
    return records;
  }

  #replayRecord(key: OffsetCommitKey | GroupMetadataKey, value: Buffer | null, metadataByGroup: Map<string, GroupMetadataValue | null>, producerId?: number): void {
    try {
      if (key.kind === 'offset' && producerId !== undefined && value !== null) {
        // A transaction's offset: pending until its marker is replayed (or the coordinator writes it).
        this.#addPendingTxnOffset(producerId, key.groupId, { topic: key.topic, partition: key.partition, ...decodeOffsetCommitValue(value) });
        return;
      }
      if (key.kind === 'offset') {
        const k = Group.offsetKey(key.topic, key.partition);
        let group = this.#groups.get(key.groupId);
        if (value === null) {
          group?.offsets.delete(k);
          return;
        }
        const v = decodeOffsetCommitValue(value);
        group ??= this.#newGroup(key.groupId);
        group.currentStateTimestamp = -1; // until group metadata says otherwise
        group.offsets.set(k, { topic: key.topic, partition: key.partition, ...v });
      } else {
        metadataByGroup.set(key.groupId, value === null ? null : decodeGroupMetadataValue(value));
      }
    } catch (e) {
      this.#log.warn({ group: key.groupId, err: e }, 'skipped an unreadable __consumer_offsets value');
    }
  }

  /**
   * Rewrites groups found outside their partition at home (their offsets and stored metadata as replayed), then
   * tombstones the records left behind. Home first: a crash in between leaves both, and home replays last.
   */
  #moveStrays(strays: Strays, metadataByGroup: Map<string, GroupMetadataValue | null>): void {
    const BATCH = 500;
    for (const [groupId, byPartition] of strays) {
      const group = this.#groups.get(groupId) ?? new Group(groupId, this.#host); // a deleted group only needs tombstones
      const records: InternalRecord[] = [...group.offsets.values()].map((c) => ({ key: encodeOffsetCommitKey(groupId, c.topic, c.partition), value: encodeOffsetCommitValue(c) }));
      const stored = metadataByGroup.get(groupId);
      if (stored && this.#groups.has(groupId)) records.push({ key: encodeGroupMetadataKey(groupId), value: encodeGroupMetadataValue(stored) });
      const home: Promise<void>[] = [];
      for (let i = 0; i < records.length; i += BATCH) home.push(this.#write(group, records.slice(i, i + BATCH), () => undefined));
      const tombstones = async (): Promise<void> => {
        for (const [partition, keys] of byPartition) {
          const part = this.#logs.getPartition(OFFSETS_TOPIC, partition);
          if (!part) throw new Error(`partition ${partition} of __consumer_offsets is not open`);
          const all = [...keys.values()].map((key) => ({ key, value: null }));
          for (let i = 0; i < all.length; i += BATCH) await this.#write(group, all.slice(i, i + BATCH), () => undefined, part);
        }
      };
      Promise.all(home).then(tombstones).then(
        () => this.#log.info({ group: groupId, from: [...byPartition.keys()], to: this.#partitionFor(groupId).partition }, 'moved a group to its __consumer_offsets partition'),
        (e: unknown) => this.#log.error({ group: groupId, err: e }, 'moving a group to its __consumer_offsets partition failed; it is replayed from both until it succeeds'),
      );
    }
  }

  #restoreGroup(group: Group, v: GroupMetadataValue): void {
    group.protocolType = v.protocolType === '' ? null : v.protocolType;
    group.generationId = v.generationId;
    group.protocolName = v.protocolName;
    group.leaderId = v.leaderId;
    group.currentStateTimestamp = v.currentStateTimestamp;
    group.state = v.members.length > 0 ? 'Stable' : 'Empty';
    for (const s of v.members) {
      const m = new Member(s.memberId, s.groupInstanceId, {
        clientId: s.clientId, clientHost: s.clientHost, sessionTimeoutMs: s.sessionTimeoutMs, rebalanceTimeoutMs: s.rebalanceTimeoutMs,
        protocolType: v.protocolType, protocols: [{ name: v.protocolName ?? '', metadata: s.subscription }],
      });
      m.assignment = s.assignment;
      group.restoreMember(m);
    }
  }
}

/** Topics named in a consumer subscription; undefined when the bytes are not one. */
function subscribedTopics(metadata: Buffer): string[] | undefined {
  try {
    return decodeSubscription(metadata).topics;
  } catch {
    return undefined;
  }
}
