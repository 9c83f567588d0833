// One partition's log as the control plane sees it: the native PartitionLog plus the leader epoch
// and the wake-ups that long-polling fetches wait on. All calls run on the main thread.
import { BrokerError } from '../protocol/index.js';
import type { CompressionType, TopicConfig } from '../config/index.js';
import { native, type WorkerPool, type AppendOptions, type AppendOutcome, type AppendResult, type CompactOptions, type CompactResult, type EpochEndOffset, type FetchSlice, type LogConfig, type PartitionLog, type ReadResult, type RetentionPolicy, type RetentionResult, type TimestampOffset, type TxnMarkerSpec, type AbortedTransaction, type ProducerStateInfo } from '../hotpath/index.js';

export type Offset = number;

/** The topic's `compression.type` as the addon takes it: a codec id (0 none .. 4 zstd) or -1 for `producer`, and its level. */
export interface StoredCompression {
  readonly type: number;
  readonly level?: number;
}

/**
 * Where appends run. Without `pool`: on the main thread, one native call per request (requests queued
 * meanwhile still go in one call). With `pool`: queued appends of at least `poolMinBytes` (summed) run on
 * a worker of that pool in one native call (group commit); the buffers are shared with the worker, not
 * copied, when they live in a SharedArrayBuffer. Compaction runs on `pool` too (on the main thread without).
 */
export interface AppendPolicy {
  readonly pool?: WorkerPool;
  readonly poolMinBytes: number;
  /** Threshold instead of `poolMinBytes` when the topic's compression.type re-compresses what was sent (CPU-heavy). */
  readonly poolRecompressMinBytes?: number;
  /** Compaction passes go to `compactPool` (default: `pool`) even when appends stay inline. */
  readonly compactPool?: WorkerPool;
  /** Reads of data that is not in the page cache are done here first (`warmForFetch`), not on the event loop. */
  readonly readPool?: WorkerPool;
}

export const INLINE_APPENDS: AppendPolicy = Object.freeze({ poolMinBytes: 0 });

interface QueuedAppend {
  readonly records: Buffer;
  readonly resolve: (r: AppendResult) => void;
  readonly reject: (e: Error) => void;
  /** A follower's copy of its leader's batches (`appendAsFollower`), not a producer's. */
  readonly asFollower?: true;
  /** A transaction marker the broker writes (`appendTxnMarker`); `records` is empty. */
  readonly marker?: TxnMarkerSpec;
}

const EMPTY = Buffer.alloc(0);

const CODEC_IDS: Readonly<Record<CompressionType, number>> = { producer: -1, uncompressed: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 };

/** Maps topic configs (`compression.type`, `compression.<codec>.level`) to what `append` applies. */
export function storedCompression(cfg: TopicConfig): StoredCompression {
  const name = cfg['compression.type'];
  const type = CODEC_IDS[name];
  const level = name === 'gzip' ? cfg['compression.gzip.level'] : name === 'lz4' ? cfg['compression.lz4.level'] : name === 'zstd' ? cfg['compression.zstd.level'] : undefined;
  // gzip's -1 means "zlib's default", which is also the addon's.
  return level !== undefined && level !== -1 ? { type, level } : { type };
}

export class Partition {
  readonly topic: string;
  readonly partition: number;
  /** Leader epoch stamped on every batch `append` writes (the epoch this broker leads in); 0 on a single node that has always led. */
  leaderEpoch = 0;
  readonly #log: PartitionLog;
  readonly #waiters = new Set<() => void>();
  #logAppendTime: boolean;
  #compression: StoredCompression;
  readonly #policy: AppendPolicy;
  /** Appends waiting for the one in flight (at most one native append per partition at a time). */
  #queue: QueuedAppend[] = [];
  #queuedBytes = 0;
  #inflight = false;
  #nativeAppendCalls = 0;
  #lastFlushMs = Date.now();

  constructor(topic: string, partition: number, dir: string, config: LogConfig, logAppendTime: boolean, compression: StoredCompression = { type: -1 }, policy: AppendPolicy = INLINE_APPENDS) {
    this.topic = topic;
    this.partition = partition;
    this.#log = native.PartitionLog.open(dir, config);
    this.#logAppendTime = logAppendTime;
    this.#compression = compression;
    this.#policy = policy;
  }

  get logStartOffset(): Offset {
    return this.#log.logStartOffset;
  }
  get logEndOffset(): Offset {
    return this.#log.logEndOffset;
  }
  get highWatermark(): Offset {
    return this.#log.highWatermark;
  }
  get recoveryPoint(): Offset {
    return this.#log.recoveryPoint;
  }
  get sizeInBytes(): number {
    return this.#log.sizeInBytes;
  }
  get lastFlushMs(): number {
    return this.#lastFlushMs;
  }

  /**
   * Validates and appends whole batches (all or nothing); rejects with an error whose `code` is a Kafka error
   * name. Appends to one partition complete in call order. The buffer is rewritten in place (offsets) and
   * must not be reused by the caller.
   */
  append(records: Buffer): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ records, resolve, reject });
      this.#queuedBytes += records.length;
      if (!this.#inflight) this.#drain();
    });
  }

  /**
   * A follower's append of batches fetched from its leader (what the leader's `read` returned), stored as they
   * are: offsets, leader epochs and timestamps kept. Queued with `append`s, so it never interleaves with another
   * append to this log, and wakes long-polling fetches. Rejects with `code` CORRUPT_MESSAGE for corrupt bytes and
   * UNKNOWN_SERVER_ERROR when the batches do not continue the log (the first must start at or after
   * `logEndOffset`, each next after the previous one's last offset); nothing is written then.
   */
  appendAsFollower(records: Buffer): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ records, resolve, reject, asFollower: true });
      this.#queuedBytes += records.length;
      if (!this.#inflight) this.#drain();
    });
  }

  /**
   * Writes the control batch (COMMIT or ABORT) that ends a producer's transaction, queued behind the appends
   * before it. Rejects with `code` INVALID_PRODUCER_EPOCH for a producer epoch older than the partition's, and
   * TRANSACTION_COORDINATOR_FENCED for an older coordinator epoch; a marker with no open transaction is written
   * all the same (a coordinator's retry), as Kafka does.
   */
  appendTxnMarker(marker: TxnMarkerSpec): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ records: EMPTY, resolve, reject, marker });
      if (!this.#inflight) this.#drain();
    });
  }

  /** First offset of the earliest open transaction, or null: the last stable offset is this or the high watermark, whichever is lower. */
  get firstUnstableOffset(): Offset | null {
    return this.#log.firstUnstableOffset;
  }

  /** Aborted transactions overlapping `[fetchOffset, upperBound)` (a read_committed fetch lists them). */
  abortedTransactions(fetchOffset: Offset, upperBound: Offset): AbortedTransaction[] {
    return this.#log.abortedTransactions(fetchOffset, upperBound);
  }

  /** Every producer's state in this partition (DescribeProducers). */
  producerStates(): ProducerStateInfo[] {
    return this.#log.producerStates();
  }

  /** Forgets producers with no open transaction whose last write is expirationMs or more old (producer.id.expiration.ms); how many went. */
  removeExpiredProducers(nowMs: number, expirationMs: number): number {
    return this.#log.removeExpiredProducers(nowMs, expirationMs);
  }

  /** Native append calls made so far: fewer than appends when group commit coalesced them (diagnostics, tests). */
  get nativeAppendCalls(): number {
    return this.#nativeAppendCalls;
  }

  #options(): AppendOptions {
    return { leaderEpoch: this.leaderEpoch, nowMs: Date.now(), logAppendTime: this.#logAppendTime,
      compressionType: this.#compression.type, compressionLevel: this.#compression.level };
  }

  #drain(): void {
    while (!this.#inflight && this.#queue.length > 0) {
      if (this.#queue[0]!.asFollower) {
        this.#appendAsFollower(this.#queue.shift()!);
        continue;
      }
      if (this.#queue[0]!.marker) {
        this.#appendMarker(this.#queue.shift()!);
        continue;
      }
      // Producer appends up to the next follower append or marker go together (group commit).
      const cut = this.#queue.findIndex((j) => j.asFollower || j.marker);
      const jobs = cut < 0 ? this.#queue : this.#queue.slice(0, cut);
      this.#queue = cut < 0 ? [] : this.#queue.slice(cut);
      const bytes = jobs.reduce((n, j) => n + j.records.length, 0);
      this.#queuedBytes -= bytes;
      this.#nativeAppendCalls++;
      const pool = this.#policy.pool;
      if (pool && bytes >= this.#poolThreshold(jobs)) {
        this.#inflight = true;
        pool.append(this.#log.handle, jobs.map((j) => j.records), this.#options()).then(
          (outcomes) => {
            this.#inflight = false;
            this.#settle(jobs, outcomes);
            this.#drain();
          },
          (err: Error) => {
            this.#inflight = false;
            for (const j of jobs) j.reject(err);
            this.#drain();
          },
        );
        return;
      }
      if (jobs.length === 1) {
        const job = jobs[0]!;
        try {
          const r = this.#log.append(job.records, this.#options());
          if (!r.duplicate) this.#wake();
          job.resolve(r);
        } catch (err) {
          job.reject(err as Error);
        }
      } else {
        this.#settle(jobs, this.#log.appendManySync(jobs.map((j) => j.records), this.#options()));
      }
    }
  }

  /**
   * One follower append. The bytes are stored as they are (no re-compression): inline unless they reach
   * append.pool.min.bytes, then on the compute pool like a leader's large append (CRC checks and the
   * segment write off the event loop).
   */
  #appendAsFollower(job: QueuedAppend): void {
    this.#queuedBytes -= job.records.length;
    this.#nativeAppendCalls++;
    const pool = this.#policy.pool;
    if (pool && job.records.length >= this.#policy.poolMinBytes) {
      this.#inflight = true;
      pool.appendAsFollower(this.#log.handle, job.records, Date.now()).then(
        (r) => {
          this.#inflight = false;
          this.#wake();
          job.resolve(r);
          this.#drain();
        },
        (err: Error) => {
          this.#inflight = false;
          job.reject(err);
          this.#drain();
        },
      );
      return;
    }
    try {
      const r = this.#log.appendAsFollower(job.records, Date.now());
      this.#wake();
      job.resolve(r);
    } catch (err) {
      job.reject(err as Error);
    }
  }

  /** One transaction marker, inline: a single small control batch. */
  #appendMarker(job: QueuedAppend): void {
    this.#nativeAppendCalls++;
    try {
      const r = this.#log.appendTxnMarker(job.marker!, this.#options());
      this.#wake();
      job.resolve(r);
    } catch (err) {
      job.reject(err as Error);
    }
  }

  /** Appends that the addon will re-compress (the topic's codec differs from the producer's) go to the pool sooner. */
  #poolThreshold(jobs: readonly QueuedAppend[]): number {
    const target = this.#compression.type;
    const recompressAt = this.#policy.poolRecompressMinBytes;
    if (target < 0 || recompressAt === undefined) return this.#policy.poolMinBytes;
    // The first batch's codec: attributes (int16 at byte 21 of a RecordBatch), low 3 bits.
    const recompresses = jobs.some((j) => j.records.length >= 23 && (j.records[22]! & 7) !== target);
    return recompresses ? Math.min(recompressAt, this.#policy.poolMinBytes) : this.#policy.poolMinBytes;
  }

  #settle(jobs: readonly QueuedAppend[], outcomes: readonly AppendOutcome[]): void {
    let appended = false;
    jobs.forEach((job, i) => {
      const o = outcomes[i];
      if (o?.result) {
        if (!o.result.duplicate) appended = true;
        job.resolve(o.result);
      } else {
        job.reject(BrokerError.fromName(o?.errorCode ?? 'UNKNOWN_SERVER_ERROR', o?.message ?? 'append failed'));
      }
    });
    if (appended) this.#wake();
  }

  /**
   * Whole batches from `fetchOffset`, at most `maxBytes` (but one whole batch when `minOneBatch`), below
   * `maxOffset`: the log's end by default; a replicated partition's leader passes its high watermark.
   */
  read(fetchOffset: Offset, maxBytes: number, minOneBatch: boolean, maxOffset: Offset = this.#log.highWatermark): ReadResult {
    return this.#log.read(fetchOffset, maxBytes, maxOffset, minOneBatch);
  }

  /**
   * When a fetch at `fetchOffset` would start reading data that is not in the page cache (a consumer
   * catching up), resolves once a worker of `readPool` has pulled it in, so the lookup and read that
   * follow on the event loop do not wait for the disk; undefined when the data is cached (no hop).
   */
  warmForFetch(fetchOffset: Offset, maxBytes: number): Promise<void> | undefined {
    const pool = this.#policy.readPool;
    if (!pool) return undefined; // fetch.cold.reads.pool off: not even the probe (a syscall per partition)
    const id = this.#log.coldRange(fetchOffset, maxBytes);
    if (id === null) return undefined;
    // A failed warm-up is not the fetch's failure: the read that follows reports what is wrong.
    return pool.warmRange(id).catch(() => undefined);
  }

  /**
   * Like `read`, but the batches stay in their segment file (for sendfile, or `FetchSlice.read`). With `skipEmpty`
   * (a consumer's fetch, not a follower's), a segment's tail of record-less batches (kept by the cleaner for their
   * producers) is passed over for the next segment's batches: kafkajs would otherwise fetch them again and again.
   */
  locate(fetchOffset: Offset, maxBytes: number, minOneBatch: boolean, maxOffset: Offset = this.#log.highWatermark, skipEmpty = false): FetchSlice {
    return this.#log.locate(fetchOffset, maxBytes, maxOffset, minOneBatch, skipEmpty);
  }

  offsetForTimestamp(timestamp: number): TimestampOffset | null {
    return this.#log.offsetForTimestamp(timestamp);
  }

  maxTimestamp(): TimestampOffset | null {
    return this.#log.maxTimestamp();
  }

  get segmentCount(): number {
    return this.#log.segmentCount;
  }

  /** Deletes closed segments expired by time or size, or wholly below the log start offset. */
  enforceRetention(nowMs: number, policy: RetentionPolicy): RetentionResult {
    return this.#log.enforceRetention(nowMs, policy);
  }

  /** DeleteRecords: moves the log start offset to `offset` (-1: high watermark); returns the new log start offset. */
  deleteRecordsBefore(offset: Offset): Offset {
    return this.#log.deleteRecordsBefore(offset);
  }

  /** New settings from the next append on (AlterConfigs). */
  updateConfig(config: LogConfig, logAppendTime: boolean, compression?: StoredCompression): void {
    this.#log.updateConfig(config);
    this.#logAppendTime = logAppendTime;
    if (compression) this.#compression = compression;
  }

  /** One compaction pass on a pool worker (inline without a pool: tools, tests); rejects with a Kafka error `code`. */
  async compact(options: CompactOptions): Promise<CompactResult> {
    const pool = this.#policy.compactPool ?? this.#policy.pool;
    const r = pool ? await pool.compact(this.#log.handle, options) : this.#log.compactSync(options);
    if (r.errorCode) throw BrokerError.fromName(r.errorCode, r.errorMessage ?? r.errorCode);
    return r;
  }

  /**
   * OffsetForLeaderEpoch: the largest epoch <= `epoch` and the offset where it ended (below every known epoch:
   * `epoch` and the first known epoch's start offset); null for a negative epoch or when no batch carried one.
   */
  epochEndOffset(epoch: number): EpochEndOffset | null {
    return this.#log.epochEndOffset(epoch);
  }

  /** The leader epoch of the latest data (the last leader-epoch cache entry); null when no batch carried one. */
  get latestEpoch(): number | null {
    return this.#log.latestEpoch();
  }

  /**
   * A follower's truncation: removes every record at and after `offset` (an offset inside a batch truncates at that
   * batch's start, the leader sends it again); nothing when `offset >= logEndOffset`. Leader epochs from the new log
   * end on are dropped, producer state is rebuilt, high watermark and recovery point are capped at the new log end.
   * Runs at once, not behind queued appends: the caller (the replica fetcher) stops appending to a log before it
   * truncates it. Waiting fetches are woken to look again (one past the new end gets OFFSET_OUT_OF_RANGE).
   */
  truncateTo(offset: Offset): void {
    this.#log.truncateTo(offset);
    this.#wake();
  }

  /** Deletes everything and starts the log again, empty, at `offset` (a follower behind its leader's log start). */
  truncateFullyAndStartAt(offset: Offset): void {
    this.#log.truncateFullyAndStartAt(offset);
    this.#wake();
  }

  flush(): void {
    this.#log.flush();
    this.#lastFlushMs = Date.now();
  }

  close(): void {
    this.#wake();
    this.#log.close();
  }

  deleteAll(): void {
    this.#wake();
    this.#log.deleteAll();
  }

  /** Registers a one-shot wake-up called on the next append (or truncation, or close); returns its canceller. */
  onData(wake: () => void): () => void {
    this.#waiters.add(wake);
    return () => this.#waiters.delete(wake);
  }

  #wake(): void {
    if (this.#waiters.size === 0) return;
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    for (const w of waiters) w();
  }
}
