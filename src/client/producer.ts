// The producer: records are grouped per partition into RecordBatch v2 batches
// (closed when full, after linger.ms, or on flush), compressed, and sent to each
// partition's leader, one batch per partition per Produce request, several
// requests in flight per connection. With idempotence the producer gets a
// producer id (InitProducerId) and numbers each partition's batches with
// sequence numbers; a retried batch is resent byte-for-byte, so it keeps its
// sequence and the broker can drop duplicates.

import {
  buildRecordBatch, compressionByName, ErrorCode, InitProducerId, NO_PRODUCER_EPOCH, NO_PRODUCER_ID, Produce,
  type BatchRecord, type CompressionCodecId, type CompressionName, type RecordHeader,
} from '../protocol/index.js';
import { Cluster, type ClusterOptions, type TopicInfo } from './cluster.js';
import { clientErrorFrom, isRetriable, KafkaClientError, KafkaProtocolError } from './errors.js';
import { DefaultPartitioner } from './partitioner.js';

export type MessageHeaders = Record<string, string | Buffer | null> | RecordHeader[];

export interface ProducerMessage {
  key?: string | Buffer | null;
  value: string | Buffer | null;
  headers?: MessageHeaders;
  /** Explicit partition; otherwise the partitioner picks (murmur2 of the key, sticky for null keys). */
  partition?: number;
  /** CreateTime in ms; default now. */
  timestamp?: number;
}

export interface ProducerRecordSet {
  topic: string;
  messages: ProducerMessage[];
}

/** Where a run of one send() call's messages landed: `recordCount` records from `baseOffset` on. */
export interface RecordMetadata {
  topic: string;
  partition: number;
  /** -1 with acks=0 (no answer) or when the broker reported a duplicate. */
  baseOffset: number;
  /** -1 unless the topic uses LogAppendTime. */
  logAppendTime: number;
  recordCount: number;
}

export interface ProducerOptions extends Partial<ClusterOptions> {
  /** Share an existing cluster view (its connections); otherwise `bootstrap` is required. */
  cluster?: Cluster;
  /** -1 (all in-sync replicas, default), 1 (leader) or 0 (no answer). */
  acks?: -1 | 0 | 1;
  compression?: CompressionName | CompressionCodecId;
  /** Wait up to this long for more records before closing a batch (default 0: close at the end of the current tick). */
  lingerMs?: number;
  /** Close a batch once its records reach about this many bytes (default 16384). */
  batchSize?: number;
  /** Enable idempotence (requires acks -1). Default false. */
  idempotent?: boolean;
  /** Retries of a failed batch for retriable errors (default 5). */
  retries?: number;
  retryBackoffMs?: number;
  /** Batches of one partition in flight at once (default 5). */
  maxInFlightPerPartition?: number;
  /** Bytes of records buffered before waitForCapacity() waits (default 32 MiB). */
  bufferMemory?: number;
  /** Let the broker create unknown topics (if it allows that). Default true, as in Kafka. */
  allowAutoTopicCreation?: boolean;
}

interface Segment {
  start: number;
  count: number;
  resolve: (m: RecordMetadata) => void;
  reject: (e: Error) => void;
}

interface OpenBatch {
  topic: string;
  partition: number;
  records: BatchRecord[];
  bytes: number;
  segments: Segment[];
  timer: NodeJS.Timeout | null;
}

interface ReadyBatch {
  topic: string;
  partition: number;
  recordCount: number;
  bytes: number;
  segments: Segment[];
  /** The encoded batch once built (compression is async). */
  buffer: Buffer | null;
  baseSequence: number;
  attempts: number;
  retryAt: number;
  failed: Error | null;
}

interface PartitionState {
  topic: string;
  partition: number;
  queue: ReadyBatch[];
  inFlight: number;
  nextSequence: number;
}

const RECORD_OVERHEAD = 21;

export class Producer {
  readonly cluster: Cluster;
  readonly #ownsCluster: boolean;
  readonly #acks: -1 | 0 | 1;
  readonly #codec: CompressionCodecId;
  readonly #lingerMs: number;
  readonly #batchSize: number;
  readonly #idempotent: boolean;
  readonly #retries: number;
  readonly #retryBackoffMs: number;
  readonly #maxInFlight: number;
  readonly #bufferMemory: number;
  readonly #requestTimeoutMs: number;
  readonly #autoCreate: boolean;
  readonly #partitioner = new DefaultPartitioner();
  readonly #open = new Map<string, OpenBatch>();
  readonly #partitions = new Map<string, PartitionState>();
  /** Every batch not yet settled, for flush(). */
  readonly #outstanding = new Set<Promise<void>>();
  #bufferedBytes = 0;
  #capacityWaiters: Array<() => void> = [];
  #producerId = NO_PRODUCER_ID;
  #producerEpoch = NO_PRODUCER_EPOCH;
  #initProducerId: Promise<void> | null = null;
  #drainScheduled = false;
  #enqueueChain: Promise<void> = Promise.resolve();
  /** send() calls waiting in the chain; while any do, later calls queue behind them. */
  #waitingEnqueues = 0;
  #retryTimer: NodeJS.Timeout | null = null;
  #closed = false;

  constructor(options: ProducerOptions) {
    if (options.cluster) {
      this.cluster = options.cluster;
      this.#ownsCluster = false;
    } else {
      if (options.bootstrap === undefined) throw new KafkaClientError('ERR_CLIENT_INVALID_ARGUMENT', 'producer needs `bootstrap` or `cluster`');
      this.cluster = new Cluster({ ...options, bootstrap: options.bootstrap });
      this.#ownsCluster = true;
    }
    this.#acks = options.acks ?? -1;
    if (![-1, 0, 1].includes(this.#acks)) throw new KafkaClientError('ERR_CLIENT_INVALID_ARGUMENT', `acks must be -1, 0 or 1, got ${String(options.acks)}`);
    const c = options.compression ?? 0;
    try {
      this.#codec = typeof c === 'string' ? compressionByName(c) : c;
    } catch (e) {
      throw clientErrorFrom(e);
    }
    this.#lingerMs = nonNegative('lingerMs', options.lingerMs ?? 0);
    this.#batchSize = nonNegative('batchSize', options.batchSize ?? 16384);
    this.#idempotent = options.idempotent ?? false;
    if (this.#idempotent && this.#acks !== -1) {
      throw new KafkaClientError('ERR_CLIENT_INVALID_ARGUMENT', 'idempotence requires acks=-1 (all)');
    }
    this.#retries = nonNegative('retries', options.retries ?? 5);
    this.#retryBackoffMs = nonNegative('retryBackoffMs', options.retryBackoffMs ?? 100);
    this.#maxInFlight = Math.max(1, options.maxInFlightPerPartition ?? 5);
    this.#bufferMemory = Math.max(1, options.bufferMemory ?? 32 * 1024 * 1024);
    this.#requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.#autoCreate = options.allowAutoTopicCreation ?? true;
  }

  /** Connects and (with idempotence) obtains a producer id. Optional: send() does it too. */
  async connect(): Promise<void> {
    await this.cluster.anyConnection();
    if (this.#idempotent) await this.#ensureProducerId();
  }

  get producerId(): number {
    return this.#producerId;
  }

  /**
   * Queues the messages and resolves once all of them are acknowledged, with one
   * entry per (partition, batch) run of these messages.
   */
  send(set: ProducerRecordSet): Promise<RecordMetadata[]> {
    try {
      this.#checkOpen();
      if (typeof set.topic !== 'string' || set.topic === '') throw new KafkaClientError('ERR_CLIENT_INVALID_ARGUMENT', 'send() needs a topic');
      // Fast path: nothing queued ahead of this call and everything it needs is known, so it
      // enqueues synchronously (no promise chain per call: this is the per-record cost).
      if (this.#waitingEnqueues === 0 && (!this.#idempotent || this.#producerId >= 0)) {
        const topic = this.cluster.cachedTopic(set.topic);
        if (topic && topic.partitions.length > 0 && topic.partitions.every((p) => p.leader >= 0)) {
          const results = this.#enqueueInto(set, topic);
          return results.length === 1 ? results[0].then((r) => [r]) : Promise.all(results);
        }
      }
    } catch (e) {
      return Promise.reject(e);
    }
    return this.#sendSlow(set);
  }

  /** Calls that must wait (metadata, producer id) keep call order through a chain. */
  async #sendSlow(set: ProducerRecordSet): Promise<RecordMetadata[]> {
    const previous = this.#enqueueChain;
    let release!: () => void;
    this.#enqueueChain = new Promise<void>((resolve) => (release = resolve));
    this.#waitingEnqueues++;
    let results: Array<Promise<RecordMetadata>>;
    try {
      await previous;
      results = await this.#enqueue(set);
    } finally {
      this.#waitingEnqueues--;
      release();
    }
    return Promise.all(results);
  }

  async #enqueue(set: ProducerRecordSet): Promise<Array<Promise<RecordMetadata>>> {
    if (this.#idempotent) await this.#ensureProducerId();
    const topic = await this.cluster.topic(set.topic, { autoCreate: this.#autoCreate, timeoutMs: this.#requestTimeoutMs });
    return this.#enqueueInto(set, topic);
  }

  #enqueueInto(set: ProducerRecordSet, topic: TopicInfo): Array<Promise<RecordMetadata>> {
    const numPartitions = topic.partitions.length;
    for (const m of set.messages) {
      const p = m.partition;
      if (p !== undefined && (!Number.isInteger(p) || p < 0 || p >= numPartitions)) {
        throw new KafkaClientError('ERR_CLIENT_INVALID_ARGUMENT', `partition ${p} does not exist in topic ${set.topic} (${numPartitions} partitions)`);
      }
    }
    const now = Date.now();
    const results: Array<Promise<RecordMetadata>> = [];
    // One segment per batch this call writes into; this call's records in a batch are contiguous.
    const segments = new Map<OpenBatch, Segment>();
    for (const m of set.messages) {
      const record = toBatchRecord(m, now);
      let partition = m.partition;
      if (partition === undefined) partition = this.#partitioner.partition({ topic: set.topic, key: record.key, numPartitions });
      const size = recordSize(record);
      let batch = this.#open.get(key(set.topic, partition));
      if (batch && batch.records.length > 0 && batch.bytes + size > this.#batchSize) {
        this.#closeBatch(batch);
        batch = undefined;
        // The sticky partition may have moved on; re-pick for keyless records.
        if (m.partition === undefined && record.key === null) {
          partition = this.#partitioner.partition({ topic: set.topic, key: null, numPartitions });
          batch = this.#open.get(key(set.topic, partition));
        }
      }
      if (!batch) batch = this.#newBatch(set.topic, partition);
      let segment = segments.get(batch);
      if (segment === undefined) {
        let resolve!: (m: RecordMetadata) => void;
        let reject!: (e: Error) => void;
        results.push(
          new Promise<RecordMetadata>((res, rej) => {
            resolve = res;
            reject = rej;
          }),
        );
        segment = { start: batch.records.length, count: 0, resolve, reject };
        batch.segments.push(segment);
        segments.set(batch, segment);
      }
      batch.records.push(record);
      batch.bytes += size;
      segment.count++;
      this.#bufferedBytes += size;
      if (batch.bytes >= this.#batchSize) this.#closeBatch(batch);
    }
    return results;
  }

  /** Resolves when buffered record bytes are below `bufferMemory`; for callers that send without awaiting. */
  async waitForCapacity(): Promise<void> {
    while (this.#bufferedBytes >= this.#bufferMemory && !this.#closed) {
      await new Promise<void>((resolve) => this.#capacityWaiters.push(resolve));
    }
  }

  /** Sends everything buffered and waits until every batch is acknowledged or failed. */
  async flush(): Promise<void> {
    // Sends called before flush() may still be waiting for metadata; let them enqueue first.
    let chain: Promise<void>;
    do {
      chain = this.#enqueueChain;
      await chain;
      for (const b of [...this.#open.values()]) this.#closeBatch(b);
      while (this.#outstanding.size > 0) await Promise.allSettled([...this.#outstanding]);
    } while (chain !== this.#enqueueChain);
  }

  /** Flushes, then closes connections (if this producer opened them). */
  async close(): Promise<void> {
    if (this.#closed) return;
    try {
      await this.flush();
    } finally {
      this.#closed = true;
      if (this.#retryTimer) clearTimeout(this.#retryTimer);
      for (const w of this.#capacityWaiters.splice(0)) w();
      if (this.#ownsCluster) await this.cluster.close();
    }
  }

  // ---- batching -------------------------------------------------------------------

  #newBatch(topic: string, partition: number): OpenBatch {
    const batch: OpenBatch = { topic, partition, records: [], bytes: 0, segments: [], timer: null };
    this.#open.set(key(topic, partition), batch);
    if (this.#lingerMs > 0) batch.timer = setTimeout(() => this.#closeBatch(batch), this.#lingerMs);
    else setImmediate(() => this.#closeBatch(batch));
    return batch;
  }

  #closeBatch(batch: OpenBatch): void {
    const k = key(batch.topic, batch.partition);
    if (this.#open.get(k) !== batch) return;
    this.#open.delete(k);
    if (batch.timer) clearTimeout(batch.timer);
    if (batch.records.length === 0) return;
    const numPartitions = this.cluster.cachedTopic(batch.topic)?.partitions.length ?? 1;
    this.#partitioner.onNewBatch(batch.topic, batch.partition, numPartitions);

    const state = this.#partitionState(batch.topic, batch.partition);
    const ready: ReadyBatch = {
      topic: batch.topic,
      partition: batch.partition,
      recordCount: batch.records.length,
      bytes: batch.bytes,
      segments: batch.segments,
      buffer: null,
      baseSequence: -1,
      attempts: 0,
      retryAt: 0,
      failed: null,
    };
    if (this.#idempotent) {
      ready.baseSequence = state.nextSequence;
      state.nextSequence = (state.nextSequence + batch.records.length) % 0x80000000;
    }
    state.queue.push(ready);
    const done = new Promise<void>((resolve) => {
      const settle = (): void => resolve();
      const segments = ready.segments;
      // Resolve `done` when the last segment settles, however it settles.
      let left = segments.length;
      for (const s of segments) {
        const { resolve: ok, reject: fail } = s;
        s.resolve = (m) => {
          ok(m);
          if (--left === 0) settle();
        };
        s.reject = (e) => {
          fail(e);
          if (--left === 0) settle();
        };
      }
    });
    this.#outstanding.add(done);
    done.then(() => {
      this.#outstanding.delete(done);
      this.#bufferedBytes -= ready.bytes;
      if (this.#bufferedBytes < this.#bufferMemory) for (const w of this.#capacityWaiters.splice(0)) w();
    });
    buildRecordBatch(batch.records, {
      compression: this.#codec,
      producerId: this.#producerId,
      producerEpoch: this.#producerEpoch,
      baseSequence: ready.baseSequence,
    }).then(
      (buf) => {
        ready.buffer = buf;
        this.#scheduleDrain();
      },
      (err: Error) => {
        state.queue.splice(state.queue.indexOf(ready), 1);
        this.#fail(ready, clientErrorFrom(err) as Error);
        this.#scheduleDrain();
      },
    );
  }

  #partitionState(topic: string, partition: number): PartitionState {
    const k = key(topic, partition);
    let s = this.#partitions.get(k);
    if (!s) {
      s = { topic, partition, queue: [], inFlight: 0, nextSequence: 0 };
      this.#partitions.set(k, s);
    }
    return s;
  }

  // ---- sending ----------------------------------------------------------------------

  #scheduleDrain(): void {
    if (this.#drainScheduled) return;
    this.#drainScheduled = true;
    queueMicrotask(() => {
      this.#drainScheduled = false;
      this.#drain().catch(() => undefined);
    });
  }

  async #drain(): Promise<void> {
    const now = Date.now();
    const byLeader = new Map<number, Array<{ state: PartitionState; batch: ReadyBatch }>>();
    let nextRetry = Infinity;
    let needMetadata = false;
    for (const state of this.#partitions.values()) {
      if (state.inFlight >= this.#maxInFlight) continue;
      const batch = state.queue[0];
      if (!batch || batch.buffer === null) continue;
      if (batch.retryAt > now) {
        nextRetry = Math.min(nextRetry, batch.retryAt);
        continue;
      }
      // With idempotence, a partition waits for its in-flight batches before resending a retry (keeps sequences in order).
      if (this.#idempotent && batch.attempts > 0 && state.inFlight > 0) continue;
      const leader = this.cluster.leaderFor(state.topic, state.partition);
      if (leader < 0) {
        needMetadata = true;
        continue;
      }
      state.queue.shift();
      state.inFlight++;
      let list = byLeader.get(leader);
      if (!list) byLeader.set(leader, (list = []));
      list.push({ state, batch });
    }
    for (const [leader, list] of byLeader) this.#sendTo(leader, list);
    if (nextRetry < Infinity) {
      if (this.#retryTimer) clearTimeout(this.#retryTimer);
      this.#retryTimer = setTimeout(() => {
        this.#retryTimer = null;
        this.#scheduleDrain();
      }, Math.max(1, nextRetry - now));
    }
    if (needMetadata) {
      const topics = new Set<string>();
      for (const s of this.#partitions.values()) if (s.queue.length > 0 && this.cluster.leaderFor(s.topic, s.partition) < 0) topics.add(s.topic);
      for (const t of topics) {
        try {
          await this.cluster.topic(t, { refresh: true, autoCreate: this.#autoCreate, timeoutMs: this.#requestTimeoutMs });
        } catch (e) {
          // The topic is gone or unreachable: fail what waits for it.
          for (const s of this.#partitions.values()) {
            if (s.topic !== t) continue;
            for (const b of s.queue.splice(0)) this.#fail(b, e as Error);
          }
        }
      }
      this.#scheduleDrain();
    }
  }

  #sendTo(leader: number, list: Array<{ state: PartitionState; batch: ReadyBatch }>): void {
    const topics = new Map<string, Array<{ index: number; records: Buffer }>>();
    for (const { batch } of list) {
      let parts = topics.get(batch.topic);
      if (!parts) topics.set(batch.topic, (parts = []));
      parts.push({ index: batch.partition, records: batch.buffer! });
      batch.attempts++;
    }
    const request = {
      transactionalId: null,
      acks: this.#acks,
      timeoutMs: this.#requestTimeoutMs,
      topicData: [...topics].map(([name, partitionData]) => ({ name, partitionData })),
    };
    const finish = () => {
      for (const { state } of list) state.inFlight--;
      this.#scheduleDrain();
    };
    (async () => {
      const conn = await this.cluster.connectionFor(leader);
      if (this.#acks === 0) {
        await conn.send(Produce, request, { expectResponse: false });
        for (const { batch } of list) this.#succeed(batch, -1, -1);
        return;
      }
      const res = await conn.send(Produce, request, { timeoutMs: this.#requestTimeoutMs + 5000 });
      const answers = new Map<string, { errorCode: number; baseOffset: number; logAppendTimeMs: number; errorMessage: string | null }>();
      for (const t of res.responses) for (const p of t.partitionResponses) answers.set(key(t.name, p.index), p);
      for (const { batch } of list) {
        const a = answers.get(key(batch.topic, batch.partition));
        if (!a) {
          this.#retryOrFail(batch, new KafkaClientError('ERR_CLIENT_BAD_RESPONSE', `no answer for ${batch.topic}-${batch.partition} in the Produce response`));
        } else if (a.errorCode === ErrorCode.NONE) {
          this.#succeed(batch, a.baseOffset, a.logAppendTimeMs);
        } else if (a.errorCode === ErrorCode.DUPLICATE_SEQUENCE_NUMBER) {
          this.#succeed(batch, -1, -1); // already written by an earlier attempt
        } else {
          const err = new KafkaProtocolError(a.errorCode, `produce to ${batch.topic}-${batch.partition}`, a.errorMessage);
          if (err.errorCode === ErrorCode.NOT_LEADER_OR_FOLLOWER || err.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION || err.errorCode === ErrorCode.LEADER_NOT_AVAILABLE) {
            this.cluster.invalidate(batch.topic);
          }
          this.#retryOrFail(batch, err);
        }
      }
    })()
      .catch((err: Error) => {
        // The connection to the leader failed: it may be gone and another broker lead now. Ask again before retrying.
        for (const { batch } of list) {
          this.cluster.invalidate(batch.topic);
          if (batch.failed === null) this.#retryOrFail(batch, err);
        }
      })
      .finally(finish);
  }

  #succeed(batch: ReadyBatch, baseOffset: number, logAppendTime: number): void {
    for (const s of batch.segments) {
      s.resolve({
        topic: batch.topic,
        partition: batch.partition,
        baseOffset: baseOffset < 0 ? -1 : baseOffset + s.start,
        logAppendTime,
        recordCount: s.count,
      });
    }
    batch.segments = [];
  }

  #retryOrFail(batch: ReadyBatch, err: Error): void {
    if (batch.segments.length === 0) return; // already settled
    const outOfOrder = err instanceof KafkaProtocolError && err.errorCode === ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER && this.#idempotent;
    if ((isRetriable(err) || outOfOrder) && batch.attempts <= this.#retries && !this.#closed) {
      batch.retryAt = Date.now() + this.#retryBackoffMs * Math.min(2 ** (batch.attempts - 1), 10);
      const state = this.#partitionState(batch.topic, batch.partition);
      // Back into the queue in sequence order (creation order without idempotence: retried first).
      const i = this.#idempotent ? state.queue.findIndex((b) => b.baseSequence > batch.baseSequence) : 0;
      state.queue.splice(i < 0 ? state.queue.length : i, 0, batch);
      this.#scheduleDrain();
      return;
    }
    this.#fail(batch, err);
  }

  #fail(batch: ReadyBatch, err: Error): void {
    batch.failed = err;
    for (const s of batch.segments) s.reject(err);
    batch.segments = [];
  }

  async #ensureProducerId(): Promise<void> {
    if (this.#producerId >= 0) return;
    this.#initProducerId ??= (async () => {
      const res = await this.cluster.sendAny(InitProducerId, {
        transactionalId: null,
        transactionTimeoutMs: 60_000,
        producerId: -1,
        producerEpoch: -1,
      });
      if (res.errorCode !== ErrorCode.NONE) throw new KafkaProtocolError(res.errorCode, 'InitProducerId');
      this.#producerId = res.producerId;
      this.#producerEpoch = res.producerEpoch;
    })();
    try {
      await this.#initProducerId;
    } catch (e) {
      this.#initProducerId = null;
      throw e;
    }
  }

  #checkOpen(): void {
    if (this.#closed) throw new KafkaClientError('ERR_CLIENT_CLOSED', 'the producer was closed');
  }
}

function key(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

function nonNegative(name: string, v: number): number {
  if (!Number.isFinite(v) || v < 0) throw new KafkaClientError('ERR_CLIENT_INVALID_ARGUMENT', `${name} must be a non-negative number, got ${v}`);
  return v;
}

function toBuffer(v: string | Buffer | null | undefined): Buffer | null {
  if (v === null || v === undefined) return null;
  return typeof v === 'string' ? Buffer.from(v, 'utf8') : v;
}

function toHeaders(h: MessageHeaders | undefined): RecordHeader[] {
  if (h === undefined) return [];
  if (Array.isArray(h)) return h;
  return Object.entries(h).map(([k, v]) => ({ key: k, value: toBuffer(v) }));
}

function toBatchRecord(m: ProducerMessage, now: number): BatchRecord {
  return { key: toBuffer(m.key), value: toBuffer(m.value), timestamp: m.timestamp ?? now, headers: toHeaders(m.headers) };
}

function recordSize(r: BatchRecord): number {
  let n = RECORD_OVERHEAD + (r.key?.length ?? 0) + (r.value?.length ?? 0);
  for (const h of r.headers ?? []) n += h.key.length + (h.value?.length ?? 0) + 2;
  return n;
}
