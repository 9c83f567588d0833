// The one append/read service below every ingress (Kafka's ReplicaManager): the Produce and Fetch
// handlers, ListOffsets, DeleteRecords, OffsetForLeaderEpoch and the HTTP/WebSocket gateway all reach
// partition logs through it, never directly. The rules about who may append or read what live here
// once: auto-creation, the refusal of client writes to internal topics, the acks and transactional-id
// rules, transaction markers (WriteTxnMarkers) and the read_committed bound (the last stable offset),
// error mapping to Kafka codes, the produce/fetch diagnostics, leadership checks, and the ACL checks
// (Write to append, Read to fetch, Describe for offsets, Delete for DeleteRecords, ClusterAction for
// followers; auto-creation needs Create), once, for every ingress.
import { BrokerError, ErrorCode, errorName, kafkaErrorOf, TRANSACTIONAL_FLAG, CONTROL_FLAG, type RecordsPayload } from '../protocol/index.js';
import { fileRecords, native, type EpochEndOffset, type TimestampOffset } from '../hotpath/index.js';
import type { Partition } from '../log/index.js';
import { PartitionReplica } from '../cluster/index.js';
import type { TopicMetadata } from '../metadata/index.js';
import type { BrokerContext } from './context.js';
import { fetchChannel, produceChannel, type FetchEvent, type ProduceEvent } from './diagnostics.js';
import { AclOperation, ResourceType } from '../acl/index.js';
import { ReplicationThrottle, isReplicaThrottled } from './replication-throttle.js';

/** The listener name the gateway's requests carry. */
export const GATEWAY_LISTENER = 'GATEWAY';

/** The door a request came in by. */
export type Ingress = 'kafka' | 'http' | 'websocket';

/** Who is asking, and from where: what every rule may look at (the principal joins it with authentication). */
export interface Requester {
  readonly ingress: Ingress;
  /** The listener's name (a Kafka listener such as PLAINTEXT, or GATEWAY). */
  readonly listener: string;
  readonly clientId: string | null;
  /** The peer's address, for log lines. */
  readonly remote: string;
  /** The authenticated principal (`User:alice`), `User:ANONYMOUS` when none. */
  readonly principal: string;
  /**
   * The broker's own observers (the gregor_/kafka_ gauges of /metrics): no ACL applies to them, as none
   * applies to Kafka's JMX metrics. Who may read /metrics is checked on the request instead.
   */
  readonly internal?: boolean;
}

export type Acks = -1 | 0 | 1;

export interface PartitionAppend {
  readonly topic: string;
  readonly partition: number;
  /** RecordBatch v2 bytes (one or more batches), or null when the request carried none. */
  readonly records: Buffer | null;
}

export interface AppendOptions {
  readonly acks: number;
  /** The Produce request's transactional id: required for transactional batches, checked by the context's `transactionVerifier`. */
  readonly transactionalId?: string | null;
  /** Transactions v2 (Produce v12+, KIP-890): the partitions join the producer's transaction rather than being verified. */
  readonly addToTransaction?: boolean;
  /** How long acks=all waits for the ISR (the Produce request's timeout); default 30 s. */
  readonly timeoutMs?: number;
}

export interface PartitionAppendResult {
  readonly topic: string;
  readonly partition: number;
  readonly errorCode: number;
  readonly errorMessage: string | null;
  readonly baseOffset: number;
  /** The broker's append time when the topic uses LogAppendTime, else -1. */
  readonly logAppendTime: number;
  readonly logStartOffset: number;
  /** Records appended (0 for an idempotent duplicate or a failure). */
  readonly recordCount: number;
}

export interface PartitionFetch {
  readonly topic: string;
  readonly partition: number;
  /** The leader epoch the fetcher knows (-1: unknown, not checked). */
  readonly currentLeaderEpoch?: number;
  readonly fetchOffset: number;
  readonly partitionMaxBytes: number;
}

export interface FetchOptions {
  /** A follower's broker id (Fetch replica_id), or -1 for a consumer. */
  readonly replicaId?: number;
  /** 0 read_uncommitted (default), 1 read_committed: data only below the last stable offset, with the aborted transactions listed. */
  readonly isolationLevel?: number;
  readonly maxWaitMs: number;
  readonly minBytes: number;
  /** Bytes for the whole response; <= 0 for no limit. */
  readonly maxBytes: number;
}

export interface PartitionFetchResult {
  readonly topic: string;
  readonly partition: number;
  readonly errorCode: number;
  readonly highWatermark: number;
  readonly lastStableOffset: number;
  readonly logStartOffset: number;
  /** read_committed: the aborted transactions overlapping the records returned; null for read_uncommitted. */
  readonly abortedTransactions: Array<{ producerId: number; firstOffset: number }> | null;
  /** In memory, or a range left in a segment file (sent with sendfile). */
  readonly records: RecordsPayload;
}

/** Records of one partition read into memory (the gateway's WebSocket streams and message browser). */
export interface ReadRecordsResult {
  readonly records: Buffer;
  readonly highWatermark: number;
  readonly lastStableOffset: number;
  readonly logStartOffset: number;
  /** read_committed: the aborted transactions overlapping the records read (as Fetch lists them); null for read_uncommitted. */
  readonly abortedTransactions: Array<{ producerId: number; firstOffset: number }> | null;
}

/** Offsets of a partition, as a reader may see them. */
export interface PartitionOffsets {
  readonly logStartOffset: number;
  readonly logEndOffset: number;
  readonly highWatermark: number;
  /** What read_committed readers may see up to: the first offset of the earliest open transaction, else the high watermark. */
  readonly lastStableOffset: number;
  readonly sizeInBytes: number;
  readonly leaderEpoch: number;
}

/** One transaction marker for several partitions (WriteTxnMarkers, or the coordinator of this broker). */
export interface TxnMarker {
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly coordinatorEpoch: number;
  /** COMMIT (true) or ABORT (false) control batch. */
  readonly commit: boolean;
  readonly partitions: ReadonlyArray<{ readonly topic: string; readonly partition: number }>;
}

export interface TxnMarkerResult {
  readonly producerId: number;
  readonly partitions: Array<{ topic: string; partition: number; errorCode: number }>;
}

/** One producer's state in a partition (DescribeProducers). */
export interface ProducerState {
  producerId: number;
  producerEpoch: number;
  lastSequence: number;
  lastTimestamp: number;
  coordinatorEpoch: number;
  /** First offset of the open transaction, -1 when none. */
  currentTxnStartOffset: number;
}

const EMPTY = Buffer.alloc(0);
/** How long a marker waits for the ISR in a cluster (Kafka: the request timeout, 30 s). */
const MARKER_TIMEOUT_MS = 30_000;

export class ReplicaManager {
  readonly #ctx: BrokerContext;
  /** Bytes served to followers from throttled partitions (leader.replication.throttled.rate). */
  readonly #leaderThrottle = new ReplicationThrottle();
  /** The CRC32C appends verify batches with (native, hardware-accelerated), for ingresses that build batches. */
  readonly crc32c: (data: Buffer) => number = (data) => native.crc32c(data);

  constructor(ctx: BrokerContext) {
    this.#ctx = ctx;
  }

  /**
   * The topic a client may append to, auto-created when `auto.create.topics.enable` allows; throws a
   * BrokerError: UNKNOWN_TOPIC_OR_PARTITION, or INVALID_TOPIC_EXCEPTION for an internal topic (only the
   * broker writes those; Kafka: "Cannot append to internal topic").
   */
  async topicForAppend(requester: Requester, topic: string): Promise<TopicMetadata> {
    this.#authorizeTopic(requester, AclOperation.WRITE, topic);
    const meta = this.#ctx.metadata.getTopic(topic) ?? (this.#mayCreate(requester, topic) ? await this.#ctx.autoCreateTopic(topic) : undefined);
    if (!meta) {
      const why = this.#ctx.config['auto.create.topics.enable'] ? '' : ' (auto.create.topics.enable=false)';
      throw new BrokerError('UNKNOWN_TOPIC_OR_PARTITION', `Topic '${topic}' does not exist${why}`);
    }
    if (meta.internal) throw new BrokerError('INVALID_TOPIC_EXCEPTION', `Cannot append to internal topic ${topic}`);
    return meta;
  }

  /** The topic a client may read, or a BrokerError (TOPIC_AUTHORIZATION_FAILED, UNKNOWN_TOPIC_OR_PARTITION). */
  topicForRead(requester: Requester, topic: string): TopicMetadata {
    this.#authorizeTopic(requester, AclOperation.READ, topic);
    const meta = this.#ctx.metadata.getTopic(topic);
    if (!meta) throw new BrokerError('UNKNOWN_TOPIC_OR_PARTITION', `Topic '${topic}' does not exist`);
    return meta;
  }

  /**
   * Appends each entry's record batches and answers one result per entry, in entry order, once every
   * append returned. Partition-level refusals are results, never thrown. Every partition's append starts
   * before any is awaited (they may run on workers side by side).
   */
  async appendRecords(requester: Requester, opts: AppendOptions, entries: readonly PartitionAppend[]): Promise<PartitionAppendResult[]> {
    const results: PartitionAppendResult[] = new Array(entries.length);
    const pending: Array<Promise<void>> = [];
    const acks = opts.acks;
    const txnProducers = entries.map((e) => transactionalProducer(e.records));
    const transactional = txnProducers.some((p) => p !== null);
    // A transactional produce needs Write on its transactional id (Kafka: the whole request is refused).
    const txnDenied = opts.transactionalId != null && !this.#ctx.authorize(requester, AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, opts.transactionalId);
    // Kafka refuses transactional batches without a transactional id as an authorization failure of the
    // (missing) id, for the whole request.
    const refusal = acks !== -1 && acks !== 0 && acks !== 1 ? new BrokerError('INVALID_REQUIRED_ACKS', `acks must be -1, 0 or 1, got ${acks}`)
      : txnDenied ? new BrokerError('TRANSACTIONAL_ID_AUTHORIZATION_FAILED', `Not authorized to use transactional id ${opts.transactionalId}`)
      : transactional && opts.transactionalId == null ? new BrokerError('TRANSACTIONAL_ID_AUTHORIZATION_FAILED', 'Transactional records need the transactional id of their producer')
        : undefined;
    // One topic lookup (and auto-creation, awaited only for topics that do not exist yet) per topic.
    const topics = new Map<string, TopicMetadata | BrokerError>();
    if (!refusal) {
      for (const e of entries) {
        if (topics.has(e.topic)) continue;
        const known = this.#ctx.metadata.getTopic(e.topic);
        topics.set(e.topic, known && !known.internal && this.#ctx.authorize(requester, AclOperation.WRITE, ResourceType.TOPIC, e.topic) ? known : await this.topicForAppend(requester, e.topic).catch((err: unknown) => (
          err instanceof BrokerError ? err : new BrokerError('UNKNOWN_SERVER_ERROR', (err as Error).message))));
      }
    }
    const topicOf = (name: string): TopicMetadata | BrokerError => topics.get(name)!;
    // The transaction coordinator confirms that each partition is part of the producer's transaction.
    const verified = !refusal && transactional && opts.transactionalId != null ? await this.#verifyTransaction(opts.transactionalId, entries, txnProducers, opts.addToTransaction ?? false) : undefined;
    entries.forEach((e, i) => {
      const fail = (err: BrokerError) => {
        results[i] = failed(e, err.errorCode, err.message);
      };
      if (refusal) return fail(refusal);
      const txnError = verified?.get(`${e.topic}-${e.partition}`);
      if (txnError) return fail(BrokerError.fromName(nameOfCode(txnError), `The transaction of ${opts.transactionalId} does not include ${e.topic}-${e.partition}`));
      const meta = topicOf(e.topic);
      if (meta instanceof BrokerError) return fail(meta);
      const partition = this.#ctx.partition(e.topic, e.partition);
      if (!partition) return fail(this.#notHosted(e.topic, e.partition));
      if (e.records === null || e.records.length === 0) return fail(new BrokerError('INVALID_RECORD', 'Produce request has no record batch'));
      const cluster = this.#ctx.cluster;
      let replica: PartitionReplica | undefined;
      let minIsr = 1;
      if (cluster) {
        try {
          replica = cluster.replicas.leaderOrError(e.topic, e.partition);
        } catch (err) {
          return fail(err as BrokerError);
        }
        minIsr = this.#ctx.topicConfig(e.topic)['min.insync.replicas'];
        // acks=all needs min.insync.replicas in the ISR before anything is written (Kafka: NOT_ENOUGH_REPLICAS).
        if (acks === -1 && replica.isr.length < minIsr) {
          return fail(new BrokerError('NOT_ENOUGH_REPLICAS', `The ISR of ${e.topic}-${e.partition} has ${replica.isr.length} replicas (${replica.isr.join(', ')}), fewer than min.insync.replicas=${minIsr}`));
        }
      }
      const bytes = e.records.length;
      const appended = partition.append(e.records);
      // A single node answers when the append returned; a cluster leader may also wait for its ISR.
      const settled = replica ? appended.then(async (r) => {
        cluster!.replicas.afterLeaderAppend(replica);
        if (acks === -1) {
          // Answered once every ISR member has the records: the high watermark passed them.
          await cluster!.replicas.waitForHighWatermark(replica, r.lastOffset + 1, opts.timeoutMs ?? 30_000);
          if (replica.isr.length < minIsr) throw new BrokerError('NOT_ENOUGH_REPLICAS_AFTER_APPEND', `The ISR of ${e.topic}-${e.partition} shrank to ${replica.isr.length} (below min.insync.replicas=${minIsr}) while the records were replicated`);
        }
        return r;
      }) : appended;
      pending.push(settled.then(
        (r) => {
          results[i] = { topic: e.topic, partition: e.partition, errorCode: ErrorCode.NONE, errorMessage: null, baseOffset: r.baseOffset,
            logAppendTime: r.logAppendTime, logStartOffset: r.logStartOffset, recordCount: r.duplicate ? 0 : r.recordCount };
          if (produceChannel.hasSubscribers && !r.duplicate) {
            produceChannel.publish({ topic: e.topic, partition: e.partition, records: r.recordCount, bytes, ingress: requester.ingress } satisfies ProduceEvent);
          }
        },
        (err: unknown) => {
          const k = kafkaErrorOf(err);
          const level = k.errorCode === ErrorCode.UNKNOWN_SERVER_ERROR || k.errorCode === ErrorCode.KAFKA_STORAGE_ERROR ? 'error' : 'warn';
          this.#ctx.log[level]({ topic: e.topic, partition: e.partition, error: k.name, reason: k.message, ingress: requester.ingress, client: requester.clientId, remote: requester.remote }, 'produce refused');
          results[i] = failed(e, k.errorCode, k.message);
        },
      ));
    });
    if (pending.length > 0) await Promise.all(pending);
    return results;
  }

  /**
   * Reads each partition from its fetch offset (whole batches, bounded by partitionMaxBytes and maxBytes);
   * when less than minBytes is available it waits up to maxWaitMs, woken by appends (no polling timers).
   * Records of at least `zeroCopyMinBytes` stay in the segment file (sent with sendfile), smaller ones are
   * read into memory. Results are in entry order; partition-level errors are results.
   */
  async fetchRecords(requester: Requester, opts: FetchOptions, entries: readonly PartitionFetch[]): Promise<PartitionFetchResult[]> {
    const cfg = this.#ctx.config;
    const zeroCopy = cfg['fetch.zero.copy'];
    const zeroCopyMinBytes = cfg['fetch.zero.copy.min.bytes'];
    const cluster = this.#ctx.cluster;
    const replicaId = opts.replicaId ?? -1;
    const follower = replicaId >= 0;
    const readCommitted = !follower && opts.isolationLevel === 1;
    // In a cluster only the leader serves a partition; a follower reads to the log end, a consumer to the
    // high watermark (what every in-sync replica has).
    const leaders: Array<PartitionReplica | BrokerError> | undefined = cluster && entries.map((e) => {
      try {
        const r = cluster.replicas.leaderOrError(e.topic, e.partition, e.currentLeaderEpoch ?? -1);
        if (follower) cluster.replicas.recordFollowerFetch(r, replicaId, e.fetchOffset);
        return r;
      } catch (err) {
        return err instanceof BrokerError ? err : new BrokerError('UNKNOWN_SERVER_ERROR', (err as Error).message);
      }
    });
    if (follower && !cluster) return entries.map((e) => fetchError(e, ErrorCode.NOT_LEADER_OR_FOLLOWER));
    // Followers need ClusterAction on the cluster, consumers Read on each topic (Kafka: TOPIC_AUTHORIZATION_FAILED).
    const denied = this.#ctx.authorizer === undefined ? undefined
      : follower ? (this.#ctx.authorize(requester, AclOperation.CLUSTER_ACTION, ResourceType.CLUSTER) ? undefined : () => true)
        : deniedTopics(entries, (t) => this.#ctx.authorize(requester, AclOperation.READ, ResourceType.TOPIC, t));
    if (denied) {
      const partial = entries.map((e) => (denied(e.topic) ? fetchError(e, ErrorCode.TOPIC_AUTHORIZATION_FAILED) : undefined));
      if (partial.every((r) => r !== undefined)) return partial as PartitionFetchResult[];
      const allowedEntries = entries.filter((_, i) => partial[i] === undefined);
      const rest = await this.fetchRecords(requester, opts, allowedEntries);
      let j = 0;
      return partial.map((r) => r ?? rest[j++]!);
    }
    const logs = entries.map((e, i) => !(leaders?.[i] instanceof BrokerError) && this.#ctx.metadata.getTopic(e.topic) ? this.#ctx.partition(e.topic, e.partition) : undefined);
    // Reassignment throttle (leader.replication.throttled.rate): partitions the topic lists for this leader.
    const throttled = follower ? entries.map((e) => isReplicaThrottled(this.#ctx.metadata.getTopic(e.topic)?.configs['leader.replication.throttled.replicas']?.split(','), e.partition, this.#ctx.brokerId)) : undefined;
    const throttleRate = this.#ctx.config['leader.replication.throttled.rate'];

    const read = (): { results: PartitionFetchResult[]; bytes: number; errors: boolean } => {
      let budget = opts.maxBytes > 0 ? opts.maxBytes : Number.MAX_SAFE_INTEGER;
      let bytes = 0;
      let errors = false;
      const results = entries.map((e, i): PartitionFetchResult => {
        const log = logs[i];
        const leader = leaders?.[i];
        if (leader instanceof BrokerError) {
          errors = true;
          return fetchError(e, leader.errorCode);
        }
        if (!log) {
          errors = true;
          return fetchError(e, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        }
        // One node: the fetcher's leader epoch against the log's (a cluster checked it with the leadership).
        const epoch = e.currentLeaderEpoch ?? -1;
        if (!leader && epoch >= 0 && epoch !== log.leaderEpoch) {
          errors = true;
          return fetchError(e, epoch > log.leaderEpoch ? ErrorCode.UNKNOWN_LEADER_EPOCH : ErrorCode.FENCED_LEADER_EPOCH);
        }
        try {
          const hw = leader ? leader.highWatermark : log.highWatermark;
          const lso = lastStableOffset(log, hw);
          const maxOffset = follower ? log.logEndOffset : readCommitted ? lso : hw;
          // Out-of-sync followers of a throttled partition get nothing while the throttled rate is over the limit.
          const held = throttled?.[i] === true && leader instanceof PartitionReplica && !leader.isr.includes(replicaId) && this.#leaderThrottle.exceeded(throttleRate);
          const r = log.locate(e.fetchOffset, held ? 0 : Math.max(Math.min(e.partitionMaxBytes, budget), 0), !held && bytes === 0, maxOffset, !follower);
          const n = r.byteLength;
          if (throttled?.[i]) this.#leaderThrottle.record(n);
          bytes += n;
          budget -= n;
          const records = n === 0 ? EMPTY : zeroCopy && n >= zeroCopyMinBytes ? fileRecords(r) : r.read();
          // Aborted transactions that overlap what is returned (the clients drop their records).
          const abortedTransactions = !readCommitted ? null : n === 0 ? [] : log.abortedTransactions(e.fetchOffset, r.nextOffset);
          return { topic: e.topic, partition: e.partition, errorCode: ErrorCode.NONE, highWatermark: hw, lastStableOffset: lso, logStartOffset: r.logStartOffset, abortedTransactions, records };
        } catch (err) {
          errors = true;
          const k = kafkaErrorOf(err);
          if (k.errorCode !== ErrorCode.OFFSET_OUT_OF_RANGE) this.#ctx.log.warn({ topic: e.topic, partition: e.partition, error: k.name, reason: k.message, ingress: requester.ingress, client: requester.clientId }, 'fetch failed');
          // A log closed meanwhile (deleted, or this broker stopping) has no offsets left to report.
          const offset = (f: () => number): number => {
            try {
              return f();
            } catch {
              return -1;
            }
          };
          return { ...fetchError(e, k.errorCode), highWatermark: offset(() => log.highWatermark), lastStableOffset: offset(() => lastStableOffset(log, log.highWatermark)), logStartOffset: offset(() => log.logStartOffset) };
        }
      });
      return { results, bytes, errors };
    };

    // Partitions whose data is not in the page cache (catching-up consumers) are read into it by io
    // workers first, so the lookup and read below never wait for the disk on the event loop.
    const warming = entries.flatMap((e, i) => {
      const w = logs[i]?.warmForFetch(e.fetchOffset, opts.maxBytes > 0 ? Math.min(e.partitionMaxBytes, opts.maxBytes) : e.partitionMaxBytes);
      return w ? [w] : [];
    });
    if (warming.length > 0) await Promise.all(warming);
    let result = read();
    const deadline = Date.now() + Math.max(0, opts.maxWaitMs);
    const waitOn = logs.filter((l): l is Partition => l !== undefined);
    // Consumers of a replicated partition wait for its high watermark to move, followers for appends.
    const hwWaits = leaders && !follower ? leaders.filter((l): l is PartitionReplica => l instanceof PartitionReplica) : [];
    while (!result.errors && result.bytes < opts.minBytes && Date.now() < deadline && waitOn.length > 0) {
      await waitForAppend(hwWaits.length > 0 ? [] : waitOn, deadline - Date.now(), hwWaits);
      result = read();
    }
    if (fetchChannel.hasSubscribers) {
      for (const r of result.results) {
        const n = recordsBytes(r.records);
        if (n > 0) fetchChannel.publish({ topic: r.topic, partition: r.partition, bytes: n, ingress: requester.ingress } satisfies FetchEvent);
      }
    }
    return result.results;
  }

  /**
   * Up to `maxBytes` of whole batches from `offset`, in memory; throws a BrokerError (e.g. OFFSET_OUT_OF_RANGE).
   * `readCommitted` reads as a read_committed Fetch does: only below the last stable offset, with the aborted
   * transactions overlapping what was read.
   */
  readRecords(requester: Requester, topic: string, partition: number, offset: number, maxBytes: number, minOneBatch = true, readCommitted = false): ReadRecordsResult {
    const log = this.#readable(requester, topic, partition, -1, AclOperation.READ);
    const hw = this.#highWatermark(topic, partition, log);
    const lso = lastStableOffset(log, hw);
    const r = log.read(offset, maxBytes, minOneBatch, readCommitted ? lso : hw);
    if (fetchChannel.hasSubscribers && r.records.length > 0) fetchChannel.publish({ topic, partition, bytes: r.records.length, ingress: requester.ingress } satisfies FetchEvent);
    const abortedTransactions = !readCommitted ? null : r.records.length === 0 ? [] : log.abortedTransactions(offset, nextOffsetAfter(r.records, offset));
    return { records: r.records, highWatermark: hw, lastStableOffset: lso, logStartOffset: r.logStartOffset, abortedTransactions };
  }

  /**
   * A partition's offsets and size; throws a BrokerError: UNKNOWN_TOPIC_OR_PARTITION, or for a client that
   * names its current leader epoch (>= 0), UNKNOWN_LEADER_EPOCH when it is newer than ours and
   * FENCED_LEADER_EPOCH when older.
   */
  offsets(requester: Requester, topic: string, partition: number, currentLeaderEpoch = -1): PartitionOffsets {
    const log = this.#readable(requester, topic, partition, currentLeaderEpoch);
    const hw = this.#highWatermark(topic, partition, log);
    return { logStartOffset: log.logStartOffset, logEndOffset: log.logEndOffset, highWatermark: hw, lastStableOffset: lastStableOffset(log, hw), sizeInBytes: log.sizeInBytes, leaderEpoch: log.leaderEpoch };
  }

  /** A partition's offsets and size, or undefined where `offsets` would throw (for listings and gauges). */
  offsetsIfReadable(requester: Requester, topic: string, partition: number): PartitionOffsets | undefined {
    try {
      return this.offsets(requester, topic, partition);
    } catch (e) {
      if (e instanceof BrokerError) return undefined;
      throw e;
    }
  }

  /** The first offset whose timestamp is at least `timestamp`, or null past the last record. */
  offsetForTimestamp(requester: Requester, topic: string, partition: number, timestamp: number): TimestampOffset | null {
    return this.#readable(requester, topic, partition).offsetForTimestamp(timestamp);
  }

  /** The largest timestamp in the partition with its offset (ListOffsets -3), or null when empty. */
  maxTimestamp(requester: Requester, topic: string, partition: number): TimestampOffset | null {
    return this.#readable(requester, topic, partition).maxTimestamp();
  }

  /** The end offset of `epoch` (OffsetForLeaderEpoch), or null when unknown. */
  epochEndOffset(requester: Requester, topic: string, partition: number, epoch: number): EpochEndOffset | null {
    return this.#readable(requester, topic, partition).epochEndOffset(epoch);
  }

  /** Calls `wake` once on the next append to the partition; returns a cancel function. */
  onAppend(requester: Requester, topic: string, partition: number, wake: () => void): () => void {
    return this.#readable(requester, topic, partition, -1, AclOperation.READ).onData(wake);
  }

  /** DeleteRecords: moves the log start offset up to `offset` (-1: the high watermark); returns the new low watermark. */
  deleteRecords(requester: Requester, topic: string, partition: number, offset: number): number {
    this.#readable(requester, topic, partition, -1, AclOperation.DELETE);
    if (offset < -1) throw new BrokerError('OFFSET_OUT_OF_RANGE', `Cannot delete records of ${topic}-${partition} before offset ${offset}`);
    const low = this.#ctx.logs.deleteRecords(topic, partition, offset);
    this.#ctx.log.info({ topic, partition, offset, logStartOffset: low, ingress: requester.ingress, client: requester.clientId }, 'deleted records');
    return low;
  }

  /**
   * Writes one control batch (COMMIT or ABORT) per partition of each marker, as the partition's leader
   * (NOT_LEADER_OR_FOLLOWER elsewhere), internal topics included; in a cluster each is answered once the ISR
   * has it (acks=all). A repeated marker (the transaction already ended) is written again without error, as
   * Kafka does; a marker with an older producer epoch gets INVALID_PRODUCER_EPOCH, with an older coordinator
   * epoch TRANSACTION_COORDINATOR_FENCED. Results are in marker and partition order.
   */
  async appendTxnMarkers(markers: readonly TxnMarker[]): Promise<TxnMarkerResult[]> {
    const cluster = this.#ctx.cluster;
    const timeoutMs = MARKER_TIMEOUT_MS;
    return Promise.all(markers.map(async (m): Promise<TxnMarkerResult> => ({
      producerId: m.producerId,
      partitions: await Promise.all(m.partitions.map(async ({ topic, partition }) => {
        const errorCode = await (async () => {
          const log = this.#ctx.metadata.getTopic(topic) ? this.#ctx.partition(topic, partition) : undefined;
          if (!log) return cluster ? ErrorCode.NOT_LEADER_OR_FOLLOWER : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
          const replica = cluster?.replicas.leaderOrError(topic, partition);
          const r = await log.appendTxnMarker({ producerId: m.producerId, producerEpoch: m.producerEpoch, coordinatorEpoch: m.coordinatorEpoch, commit: m.commit });
          if (replica) {
            cluster!.replicas.afterLeaderAppend(replica);
            await cluster!.replicas.waitForHighWatermark(replica, r.lastOffset + 1, timeoutMs);
          }
          return ErrorCode.NONE;
        })().catch((err: unknown) => {
          const k = kafkaErrorOf(err);
          this.#ctx.log.warn({ topic, partition, producerId: m.producerId, producerEpoch: m.producerEpoch, commit: m.commit, error: k.name, reason: k.message }, 'transaction marker refused');
          return k.errorCode;
        });
        return { topic, partition, errorCode };
      })),
    })));
  }

  /** Every producer's state in a partition this broker leads (DescribeProducers); throws a BrokerError otherwise. */
  producerStates(topic: string, partition: number): ProducerState[] {
    const log = this.#ctx.metadata.getTopic(topic) ? this.#ctx.partition(topic, partition) : undefined;
    if (!log) throw new BrokerError(this.#ctx.cluster ? 'NOT_LEADER_OR_FOLLOWER' : 'UNKNOWN_TOPIC_OR_PARTITION', `This server does not host this topic-partition: ${topic}-${partition}`);
    this.#ctx.cluster?.replicas.leaderOrError(topic, partition);
    return log.producerStates().map((p) => ({ producerId: p.producerId, producerEpoch: p.producerEpoch, lastSequence: p.lastSequence,
      lastTimestamp: p.lastTimestamp, coordinatorEpoch: p.coordinatorEpoch, currentTxnStartOffset: p.currentTxnStartOffset }));
  }

  /** Asks the coordinator's verifier (when installed) about each partition with transactional batches; error codes by "topic-partition". */
  async #verifyTransaction(transactionalId: string, entries: readonly PartitionAppend[], producers: ReadonlyArray<{ producerId: number; producerEpoch: number } | null>, add: boolean): Promise<Map<string, number> | undefined> {
    const verifier = this.#ctx.transactionVerifier;
    if (!verifier) return undefined;
    const first = producers.find((p) => p !== null)!;
    const partitions = entries.filter((_, i) => producers[i] !== null).map((e) => ({ topic: e.topic, partition: e.partition }));
    try {
      return await verifier(transactionalId, first.producerId, first.producerEpoch, partitions, add);
    } catch (err) {
      const code = kafkaErrorOf(err).errorCode;
      return new Map(partitions.map((p) => [`${p.topic}-${p.partition}`, code]));
    }
  }

  /** What readers may see up to: the replicated high watermark in a cluster, the log end on a single node. */
  #highWatermark(topic: string, partition: number, log: Partition): number {
    return this.#ctx.cluster?.replicas.replica(topic, partition)?.highWatermark ?? log.highWatermark;
  }

  /**
   * The error for a partition with no log here: in a cluster, a partition of an existing topic that this
   * broker is no replica of answers as Kafka does (NOT_LEADER_OR_FOLLOWER, or LEADER_NOT_AVAILABLE), so
   * clients refresh their metadata; anything else is UNKNOWN_TOPIC_OR_PARTITION.
   */
  #notHosted(topic: string, partition: number): BrokerError {
    const meta = this.#ctx.metadata.getTopic(topic);
    if (this.#ctx.cluster && meta && partition >= 0 && partition < meta.partitions) {
      try {
        this.#ctx.cluster.replicas.leaderOrError(topic, partition);
      } catch (e) {
        if (e instanceof BrokerError) return e;
      }
    }
    return new BrokerError('UNKNOWN_TOPIC_OR_PARTITION', `This server does not host this topic-partition: ${topic}-${partition}`);
  }

  /** Throws TOPIC_AUTHORIZATION_FAILED unless the requester may do `operation` on the topic. */
  #authorizeTopic(requester: Requester, operation: number, topic: string): void {
    if (!this.#ctx.authorize(requester, operation, ResourceType.TOPIC, topic)) {
      throw new BrokerError('TOPIC_AUTHORIZATION_FAILED', `Not authorized to access topics: [${topic}]`);
    }
  }

  /** Auto-creation needs Create on the cluster or on the topic (Kafka's rule for Metadata's auto-creation). */
  #mayCreate(requester: Requester, topic: string): boolean {
    return this.#ctx.authorize(requester, AclOperation.CREATE, ResourceType.CLUSTER) || this.#ctx.authorize(requester, AclOperation.CREATE, ResourceType.TOPIC, topic);
  }

  /** A partition log the requester may use for `operation` (Describe unless said), checking leadership and the leader epoch. */
  #readable(requester: Requester, topic: string, partition: number, currentLeaderEpoch = -1, operation: number = AclOperation.DESCRIBE): Partition {
    this.#authorizeTopic(requester, operation, topic);
    const log = this.#ctx.metadata.getTopic(topic) ? this.#ctx.partition(topic, partition) : undefined;
    if (!log) throw this.#notHosted(topic, partition);
    if (this.#ctx.cluster) {
      this.#ctx.cluster.replicas.leaderOrError(topic, partition, currentLeaderEpoch);
      return log;
    }
    if (currentLeaderEpoch > log.leaderEpoch) throw new BrokerError('UNKNOWN_LEADER_EPOCH', `Leader epoch ${currentLeaderEpoch} of ${topic}-${partition} is newer than the broker's ${log.leaderEpoch}`);
    if (currentLeaderEpoch >= 0 && currentLeaderEpoch < log.leaderEpoch) throw new BrokerError('FENCED_LEADER_EPOCH', `Leader epoch ${currentLeaderEpoch} of ${topic}-${partition} is older than the broker's ${log.leaderEpoch}`);
    return log;
  }
}

function failed(e: PartitionAppend, errorCode: number, errorMessage: string | null): PartitionAppendResult {
  return { topic: e.topic, partition: e.partition, errorCode, errorMessage, baseOffset: -1, logAppendTime: -1, logStartOffset: -1, recordCount: 0 };
}

function fetchError(e: PartitionFetch, errorCode: number): PartitionFetchResult {
  return { topic: e.topic, partition: e.partition, errorCode, highWatermark: -1, lastStableOffset: -1, logStartOffset: -1, abortedTransactions: null, records: EMPTY };
}

/**
 * The last stable offset: the first offset of the earliest open transaction, but never past the high watermark,
 * nor below the log start offset (retention or DeleteRecords may have removed the transaction's start, as Kafka).
 */
function lastStableOffset(log: Partition, highWatermark: number): number {
  const unstable = log.firstUnstableOffset;
  return unstable === null ? highWatermark : Math.min(Math.max(unstable, log.logStartOffset), highWatermark);
}

/** The offset after the last batch of `records` (RecordBatch v2: baseOffset i64 at 0, lastOffsetDelta i32 at 23). */
function nextOffsetAfter(records: Buffer, from: number): number {
  let next = from;
  let at = 0;
  while (records.length - at >= 61) {
    next = Number(records.readBigInt64BE(at)) + records.readInt32BE(at + 23) + 1;
    const length = records.readInt32BE(at + 8);
    if (length <= 0) break;
    at += 12 + length;
  }
  return next;
}

/** The producer of the first transactional batch in `records` (RecordBatch v2 headers), or null when none is. */
function transactionalProducer(records: Buffer | null): { producerId: number; producerEpoch: number } | null {
  if (!records) return null;
  let at = 0;
  // baseOffset i64, batchLength i32 (at 8), ..., attributes i16 (at 21), producerId i64 (at 43), producerEpoch i16 (at 51).
  while (records.length - at >= 61) {
    const attributes = records.readInt16BE(at + 21);
    if ((attributes & TRANSACTIONAL_FLAG) !== 0 && (attributes & CONTROL_FLAG) === 0) {
      return { producerId: Number(records.readBigInt64BE(at + 43)), producerEpoch: records.readInt16BE(at + 51) };
    }
    const length = records.readInt32BE(at + 8);
    if (length <= 0) break;
    at += 12 + length;
  }
  return null;
}

function nameOfCode(code: number): string {
  return errorName(code) ?? 'UNKNOWN_SERVER_ERROR';
}

/** Resolves on the first append to any of `logs` (or high watermark move of any of `replicas`), or after `ms`. */
function waitForAppend(logs: readonly Partition[], ms: number, replicas: readonly PartitionReplica[] = []): Promise<void> {
  return new Promise((resolve) => {
    const cancels: Array<() => void> = [];
    const done = () => {
      clearTimeout(timer);
      for (const c of cancels) c();
      resolve();
    };
    const timer = setTimeout(done, ms);
    for (const l of logs) cancels.push(l.onData(done));
    for (const r of replicas) cancels.push(r.onHighWatermark(done));
  });
}

/** Which topics of a fetch are denied, or undefined when none is (one check per topic). */
function deniedTopics(entries: readonly PartitionFetch[], allowed: (topic: string) => boolean): ((topic: string) => boolean) | undefined {
  const denied = new Set<string>();
  const checked = new Set<string>();
  for (const e of entries) {
    if (checked.has(e.topic)) continue;
    checked.add(e.topic);
    if (!allowed(e.topic)) denied.add(e.topic);
  }
  return denied.size === 0 ? undefined : (t) => denied.has(t);
}

/** Bytes of a partition's records, in memory or left in a segment file. */
export function recordsBytes(r: RecordsPayload): number {
  return Buffer.isBuffer(r) ? r.length : r.byteLength;
}
