// One partition's log as the control plane sees it: the native PartitionLog plus the leader epoch
// and the wake-ups that long-polling fetches wait on. All calls run on the main thread.
import { native, type AppendResult, type CompactOptions, type CompactResult, type EpochEndOffset, type FetchSlice, type LogConfig, type PartitionLog, type ReadResult, type RetentionPolicy, type RetentionResult, type TimestampOffset } from '../hotpath/index.js';

export type Offset = number;

/** The topic's `compression.type` as the addon takes it: a codec id (0 none .. 4 zstd) or -1 for `producer`, and its level. */
export interface StoredCompression {
  readonly type: number;
  readonly level?: number;
}

const CODEC_IDS: Readonly<Record<string, number>> = { producer: -1, uncompressed: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 };

/** Maps topic configs (`compression.type`, `compression.<codec>.level`) to what `append` applies. */
export function storedCompression(cfg: Readonly<Record<string, unknown>>): StoredCompression {
  const name = String(cfg['compression.type'] ?? 'producer');
  const type = CODEC_IDS[name] ?? -1;
  const level = cfg[`compression.${name}.level`];
  // gzip's -1 means "zlib's default", which is also the addon's.
  return typeof level === 'number' && level !== -1 ? { type, level } : { type };
}

export class Partition {
  readonly topic: string;
  readonly partition: number;
  /** Leader epoch stamped on every appended batch; 0 on a single node that has always led. */
  leaderEpoch = 0;
  readonly #log: PartitionLog;
  readonly #waiters = new Set<() => void>();
  #logAppendTime: boolean;
  #compression: StoredCompression;
  #lastFlushMs = Date.now();

  constructor(topic: string, partition: number, dir: string, config: LogConfig, logAppendTime: boolean, compression: StoredCompression = { type: -1 }) {
    this.topic = topic;
    this.partition = partition;
    this.#log = native.PartitionLog.open(dir, config);
    this.#logAppendTime = logAppendTime;
    this.#compression = compression;
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

  /** Validates and appends whole batches (all or nothing); throws an error whose `code` is a Kafka error name. */
  append(records: Buffer): AppendResult {
    const result = this.#log.append(records, { leaderEpoch: this.leaderEpoch, nowMs: Date.now(), logAppendTime: this.#logAppendTime,
      compressionType: this.#compression.type, compressionLevel: this.#compression.level });
    if (!result.duplicate) this.#wake();
    return result;
  }

  /** Whole batches from `fetchOffset`, at most `maxBytes` (but one whole batch when `minOneBatch`), below the high watermark. */
  read(fetchOffset: Offset, maxBytes: number, minOneBatch: boolean): ReadResult {
    return this.#log.read(fetchOffset, maxBytes, this.#log.highWatermark, minOneBatch);
  }

  /** Like `read`, but the batches stay in their segment file (for sendfile, or `FetchSlice.read`). */
  locate(fetchOffset: Offset, maxBytes: number, minOneBatch: boolean): FetchSlice {
    return this.#log.locate(fetchOffset, maxBytes, this.#log.highWatermark, minOneBatch);
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

  /** One compaction pass on the addon's thread pool (the event loop is never blocked); rejects with a Kafka error `code`. */
  async compact(options: CompactOptions): Promise<CompactResult> {
    const r = await this.#log.compact(options);
    if (r.errorCode) throw Object.assign(new Error(r.errorMessage ?? r.errorCode), { code: r.errorCode });
    return r;
  }

  /** OffsetForLeaderEpoch: the largest epoch <= `epoch` and the offset where it ended; null when none. */
  epochEndOffset(epoch: number): EpochEndOffset | null {
    return this.#log.epochEndOffset(epoch);
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

  /** Registers a one-shot wake-up called on the next append (or close); returns its canceller. */
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
