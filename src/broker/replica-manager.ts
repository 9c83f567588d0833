// The one append/read service below every ingress (Kafka's ReplicaManager): the Produce and Fetch
// handlers, ListOffsets, DeleteRecords, OffsetForLeaderEpoch and the HTTP/WebSocket gateway all reach
// partition logs through it, never directly. The rules about who may append or read what live here
// once: auto-creation, the refusal of client writes to internal topics, the acks and transactional-id
// rules, error mapping to Kafka codes, and the produce/fetch diagnostics. Leadership checks,
// transaction state and authorization are added here, once, for every ingress.
import { BrokerError, ErrorCode, kafkaErrorOf, type RecordsPayload } from '../protocol/index.js';
import { fileRecords, native, type EpochEndOffset, type TimestampOffset } from '../hotpath/index.js';
import type { Partition } from '../log/index.js';
import { PartitionReplica } from '../cluster/index.js';
import type { TopicMetadata } from '../metadata/index.js';
import type { BrokerContext } from './context.js';
import { fetchChannel, produceChannel, type FetchEvent, type ProduceEvent } from './diagnostics.js';

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
  readonly transactionalId?: string | null;
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
  /** In memory, or a range left in a segment file (sent with sendfile). */
  readonly records: RecordsPayload;
}

/** Records of one partition read into memory (the gateway's WebSocket streams and message browser). */
export interface ReadRecordsResult {
  readonly records: Buffer;
  readonly highWatermark: number;
  readonly logStartOffset: number;
}

/** Offsets of a partition, as a reader may see them. */
export interface PartitionOffsets {
  readonly logStartOffset: number;
  readonly logEndOffset: number;
  readonly highWatermark: number;
  readonly sizeInBytes: number;
  readonly leaderEpoch: number;
}

const EMPTY = Buffer.alloc(0);

export class ReplicaManager {
  readonly #ctx: BrokerContext;
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
  async topicForAppend(_requester: Requester, topic: string): Promise<TopicMetadata> {
    const meta = this.#ctx.metadata.getTopic(topic) ?? await this.#ctx.autoCreateTopic(topic);
    if (!meta) {
      const why = this.#ctx.config['auto.create.topics.enable'] ? '' : ' (auto.create.topics.enable=false)';
      throw new BrokerError('UNKNOWN_TOPIC_OR_PARTITION', `Topic '${topic}' does not exist${why}`);
    }
    if (meta.internal) throw new BrokerError('INVALID_TOPIC_EXCEPTION', `Cannot append to internal topic ${topic}`);
    return meta;
  }

  /** The topic a client may read, or a BrokerError(UNKNOWN_TOPIC_OR_PARTITION). */
  topicForRead(_requester: Requester, topic: string): TopicMetadata {
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
    const refusal = acks !== -1 && acks !== 0 && acks !== 1 ? new BrokerError('INVALID_REQUIRED_ACKS', `acks must be -1, 0 or 1, got ${acks}`)
      : opts.transactionalId != null ? new BrokerError('TRANSACTIONAL_ID_AUTHORIZATION_FAILED', 'Transactions are not supported by this broker yet')
        : undefined;
    // One topic lookup (and auto-creation, awaited only for topics that do not exist yet) per topic.
    const topics = new Map<string, TopicMetadata | BrokerError>();
    if (!refusal) {
      for (const e of entries) {
        if (topics.has(e.topic)) continue;
        const known = this.#ctx.metadata.getTopic(e.topic);
        topics.set(e.topic, known && !known.internal ? known : await this.topicForAppend(requester, e.topic).catch((err: unknown) => (
          err instanceof BrokerError ? err : new BrokerError('UNKNOWN_SERVER_ERROR', (err as Error).message))));
      }
    }
    const topicOf = (name: string): TopicMetadata | BrokerError => topics.get(name)!;
    entries.forEach((e, i) => {
      const fail = (err: BrokerError) => {
        results[i] = failed(e, err.errorCode, err.message);
      };
      if (refusal) return fail(refusal);
      const meta = topicOf(e.topic);
      if (meta instanceof BrokerError) return fail(meta);
      const partition = this.#ctx.partition(e.topic, e.partition);
      if (!partition) return fail(new BrokerError('UNKNOWN_TOPIC_OR_PARTITION', `This server does not host this topic-partition: ${e.topic}-${e.partition}`));
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
    const logs = entries.map((e, i) => !(leaders?.[i] instanceof BrokerError) && this.#ctx.metadata.getTopic(e.topic) ? this.#ctx.partition(e.topic, e.partition) : undefined);

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
        try {
          const hw = leader ? leader.highWatermark : log.highWatermark;
          const r = log.locate(e.fetchOffset, Math.max(Math.min(e.partitionMaxBytes, budget), 0), bytes === 0, follower ? log.logEndOffset : hw);
          const n = r.byteLength;
          bytes += n;
          budget -= n;
          const records = n === 0 ? EMPTY : zeroCopy && n >= zeroCopyMinBytes ? fileRecords(r) : r.read();
          return { topic: e.topic, partition: e.partition, errorCode: ErrorCode.NONE, highWatermark: hw, lastStableOffset: hw, logStartOffset: r.logStartOffset, records };
        } catch (err) {
          errors = true;
          const k = kafkaErrorOf(err);
          if (k.errorCode !== ErrorCode.OFFSET_OUT_OF_RANGE) this.#ctx.log.warn({ topic: e.topic, partition: e.partition, error: k.name, reason: k.message, ingress: requester.ingress, client: requester.clientId }, 'fetch failed');
          return { ...fetchError(e, k.errorCode), highWatermark: log.highWatermark, logStartOffset: log.logStartOffset };
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

  /** Up to `maxBytes` of whole batches from `offset`, in memory; throws a BrokerError (e.g. OFFSET_OUT_OF_RANGE). */
  readRecords(requester: Requester, topic: string, partition: number, offset: number, maxBytes: number, minOneBatch = true): ReadRecordsResult {
    const log = this.#readable(requester, topic, partition);
    const hw = this.#highWatermark(topic, partition, log);
    const r = log.read(offset, maxBytes, minOneBatch, hw);
    if (fetchChannel.hasSubscribers && r.records.length > 0) fetchChannel.publish({ topic, partition, bytes: r.records.length, ingress: requester.ingress } satisfies FetchEvent);
    return { records: r.records, highWatermark: hw, logStartOffset: r.logStartOffset };
  }

  /**
   * A partition's offsets and size; throws a BrokerError: UNKNOWN_TOPIC_OR_PARTITION, or for a client that
   * names its current leader epoch (>= 0), UNKNOWN_LEADER_EPOCH when it is newer than ours and
   * FENCED_LEADER_EPOCH when older.
   */
  offsets(requester: Requester, topic: string, partition: number, currentLeaderEpoch = -1): PartitionOffsets {
    const log = this.#readable(requester, topic, partition, currentLeaderEpoch);
    return { logStartOffset: log.logStartOffset, logEndOffset: log.logEndOffset, highWatermark: this.#highWatermark(topic, partition, log), sizeInBytes: log.sizeInBytes, leaderEpoch: log.leaderEpoch };
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
    return this.#readable(requester, topic, partition).onData(wake);
  }

  /** DeleteRecords: moves the log start offset up to `offset` (-1: the high watermark); returns the new low watermark. */
  deleteRecords(requester: Requester, topic: string, partition: number, offset: number): number {
    this.#readable(requester, topic, partition);
    if (offset < -1) throw new BrokerError('OFFSET_OUT_OF_RANGE', `Cannot delete records of ${topic}-${partition} before offset ${offset}`);
    const low = this.#ctx.logs.deleteRecords(topic, partition, offset);
    this.#ctx.log.info({ topic, partition, offset, logStartOffset: low, ingress: requester.ingress, client: requester.clientId }, 'deleted records');
    return low;
  }

  /** What readers may see up to: the replicated high watermark in a cluster, the log end on a single node. */
  #highWatermark(topic: string, partition: number, log: Partition): number {
    return this.#ctx.cluster?.replicas.replica(topic, partition)?.highWatermark ?? log.highWatermark;
  }

  #readable(_requester: Requester, topic: string, partition: number, currentLeaderEpoch = -1): Partition {
    const log = this.#ctx.metadata.getTopic(topic) ? this.#ctx.partition(topic, partition) : undefined;
    if (!log) throw new BrokerError('UNKNOWN_TOPIC_OR_PARTITION', `This server does not host this topic-partition: ${topic}-${partition}`);
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
  return { topic: e.topic, partition: e.partition, errorCode, highWatermark: -1, lastStableOffset: -1, logStartOffset: -1, records: EMPTY };
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

/** Bytes of a partition's records, in memory or left in a segment file. */
export function recordsBytes(r: RecordsPayload): number {
  return Buffer.isBuffer(r) ? r.length : r.byteLength;
}
