// Owns every partition log under log.dirs: opens and recovers them at start, creates and deletes them,
// flushes per policy, enforces retention and checkpoints recovery points and log start offsets (DESIGN.md §4).
//
// On disk, besides the partition directories:
//   recovery-point-offset-checkpoint   "0\n<count>\n<topic> <partition> <offset>\n..." (Kafka's format)
//   log-start-offset-checkpoint        same format: log start offsets moved inside a segment (DeleteRecords)
//   cleaner-offset-checkpoint          same format: where each compacted log's dirty part starts
//   replication-offset-checkpoint      same format: each hosted replica's high watermark (clusters only),
//                                      written every replica.high.watermark.checkpoint.interval.ms and at close
//   meta.properties                    version, broker.id/node.id and cluster.id
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { effectiveTopicConfig, type BrokerConfig, type TopicConfig } from '../config/index.js';
import type { LogConfig, WorkerPool } from '../hotpath/index.js';
import { BrokerError } from '../protocol/index.js';
import { Partition, storedCompression, type AppendPolicy } from './partition.js';

export const RECOVERY_CHECKPOINT = 'recovery-point-offset-checkpoint';
export const LOG_START_CHECKPOINT = 'log-start-offset-checkpoint';
export const CLEANER_CHECKPOINT = 'cleaner-offset-checkpoint';
export const HIGH_WATERMARK_CHECKPOINT = 'replication-offset-checkpoint';

/** A replica's high watermark, as the cluster module knows it. */
export interface HighWatermarkEntry {
  readonly topic: string;
  readonly partition: number;
  readonly highWatermark: number;
}

/** Parses a checkpoint file ("0\n<count>\n<topic> <partition> <offset>\n..."); undefined for another version or a bad file. */
export function parseCheckpoint(text: string): Map<string, number> | undefined {
  const lines = text.split('\n');
  if (lines[0]?.trim() !== '0') return undefined;
  const count = Number(lines[1]?.trim());
  if (!Number.isInteger(count) || count < 0) return undefined;
  const entries = new Map<string, number>();
  for (const line of lines.slice(2)) {
    if (line.trim() === '') continue;
    const m = /^(\S+) (\d+) (\d+)$/.exec(line.trim());
    if (!m) return undefined;
    entries.set(`${m[1]} ${m[2]}`, Number(m[3]));
  }
  return entries.size === count ? entries : undefined;
}

/** Native log settings from an effective topic config. */
function logConfig(cfg: TopicConfig, recoveryPoint: number, logStartOffset?: number): LogConfig {
  return {
    segmentBytes: cfg['segment.bytes'],
    segmentMs: cfg['segment.ms'],
    indexIntervalBytes: cfg['index.interval.bytes'],
    flushIntervalMessages: cfg['flush.messages'],
    maxMessageBytes: cfg['max.message.bytes'],
    compacted: cfg['cleanup.policy'].includes('compact'),
    recoveryPoint,
    logStartOffset,
  };
}
export const META_PROPERTIES = 'meta.properties';

export interface LogManagerLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export class LogManager {
  readonly dir: string;
  #config: BrokerConfig;
  readonly #log: LogManagerLogger;
  /** Open logs by topic, indexed by partition; in a cluster only the hosted ones (holes for the rest). */
  readonly #partitions = new Map<string, Array<Partition | undefined>>();
  /** In a cluster: whether this broker holds a replica of a partition (only those get a log). */
  #hosts: ((topic: string, partition: number) => boolean) | undefined;
  readonly #recoveryPoints = new Map<string, number>();
  readonly #logStartOffsets = new Map<string, number>();
  readonly #cleanerOffsets = new Map<string, number>();
  /** When kept tombstones of a log pass delete.retention.ms: a pass is due then even with nothing dirty. */
  readonly #tombstonesDue = new Map<string, number>();
  #cleaning: Promise<void> | undefined;
  /** Synchronous writes per checkpoint file, so a slower background write never replaces a newer one. */
  readonly #checkpointGeneration = new Map<string, number>();
  #backgroundCheckpoint = false;
  /** High watermarks read from replication-offset-checkpoint at start, and where current ones come from. */
  readonly #checkpointedHighWatermarks = new Map<string, number>();
  #highWatermarkSource: (() => Iterable<HighWatermarkEntry>) | undefined;
  #highWatermarkWriting = false;
  #timers: NodeJS.Timeout[] = [];
  #closed = false;
  readonly #appendPolicy: AppendPolicy;

  /**
   * `pool`: the compute worker pool for large appends (when `append.pool`) and compaction; `readPool`: the
   * pool that pulls cold data into the page cache before fetches read it. Without them all runs inline.
   */
  constructor(config: BrokerConfig, logger: LogManagerLogger, pool?: WorkerPool, readPool?: WorkerPool) {
    this.#config = config;
    this.#log = logger;
    this.dir = config['log.dirs'];
    this.#appendPolicy = Object.freeze({ pool: config['append.pool'] ? pool : undefined, compactPool: pool, readPool: config['fetch.cold.reads.pool'] ? readPool : undefined,
      poolMinBytes: config['append.pool.min.bytes'], poolRecompressMinBytes: config['append.pool.recompress.min.bytes'] });
    mkdirSync(this.dir, { recursive: true });
    this.#readCheckpoint(RECOVERY_CHECKPOINT, this.#recoveryPoints);
    this.#readCheckpoint(LOG_START_CHECKPOINT, this.#logStartOffsets);
    this.#readCheckpoint(CLEANER_CHECKPOINT, this.#cleanerOffsets);
    this.#readHighWatermarkCheckpoint();
  }

  /** The high watermark of a partition as last checkpointed (replication-offset-checkpoint), if any. */
  checkpointedHighWatermark(topic: string, partition: number): number | undefined {
    return this.#checkpointedHighWatermarks.get(`${topic} ${partition}`);
  }

  /**
   * Checkpoints the high watermarks `source` gives every `intervalMs` (replica.high.watermark.checkpoint.interval.ms)
   * in the background, and once more, synchronously, at close().
   */
  startHighWatermarkCheckpoints(source: () => Iterable<HighWatermarkEntry>, intervalMs: number): void {
    this.#highWatermarkSource = source;
    if (intervalMs > 0) this.#timers.push(setInterval(() => void this.checkpointHighWatermarksInBackground(), intervalMs).unref());
  }

  /** Writes replication-offset-checkpoint now (temp file, fsync, rename, fsync of the directory). */
  checkpointHighWatermarks(): void {
    const entries = this.#highWatermarkEntries();
    if (!entries) return;
    this.#writeCheckpointNow(HIGH_WATERMARK_CHECKPOINT, entries);
    fsyncDir(this.dir);
  }

  /** The periodic high-watermark checkpoint, written and fsynced on libuv's threads. */
  async checkpointHighWatermarksInBackground(): Promise<void> {
    if (this.#highWatermarkWriting || this.#closed) return;
    const entries = this.#highWatermarkEntries();
    if (!entries) return;
    this.#highWatermarkWriting = true;
    const generation = this.#checkpointGeneration.get(HIGH_WATERMARK_CHECKPOINT) ?? 0;
    const path = join(this.dir, HIGH_WATERMARK_CHECKPOINT);
    const tmp = `${path}.tmp-background`;
    try {
      await writeAndSync(tmp, checkpointText(entries));
      if (!this.#closed && (this.#checkpointGeneration.get(HIGH_WATERMARK_CHECKPOINT) ?? 0) === generation) {
        renameSync(tmp, path);
        await syncDir(this.dir);
      } else {
        rmSync(tmp, { force: true });
      }
    } catch (e) {
      if (!this.#closed) this.#log.error({ task: 'high-watermark checkpoint', err: e }, 'background log task failed');
    } finally {
      this.#highWatermarkWriting = false;
    }
  }

  /** Current high watermarks of the open logs the source knows (every hosted replica). */
  #highWatermarkEntries(): Map<string, number> | undefined {
    const source = this.#highWatermarkSource;
    if (!source) return undefined;
    const entries = new Map<string, number>();
    for (const e of source()) {
      if (this.getPartition(e.topic, e.partition)) entries.set(`${e.topic} ${e.partition}`, e.highWatermark);
    }
    return entries;
  }

  #readHighWatermarkCheckpoint(): void {
    const path = join(this.dir, HIGH_WATERMARK_CHECKPOINT);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      return;
    }
    const entries = parseCheckpoint(text);
    if (!entries) {
      this.#log.warn({ path }, 'unreadable high-watermark checkpoint; replicas start from offset 0 and learn theirs from the leader');
      return;
    }
    for (const [k, v] of entries) this.#checkpointedHighWatermarks.set(k, v);
  }

  /** Writes meta.properties the way Kafka does, refusing a directory that belongs to another cluster. */
  writeMetaProperties(clusterId: string): void {
    const path = join(this.dir, META_PROPERTIES);
    if (existsSync(path)) {
      const existing = /^cluster\.id=(.*)$/m.exec(readFileSync(path, 'utf8'))?.[1]?.trim();
      if (existing && existing !== clusterId) {
        throw new Error(`${path} belongs to cluster ${existing}, not ${clusterId}: point log.dirs at an empty directory or the right cluster's data`);
      }
      return;
    }
    const id = this.#config['broker.id'];
    atomicWrite(path, `#\n#${new Date().toString()}\nversion=1\nbroker.id=${id}\nnode.id=${id}\ncluster.id=${clusterId}\n`);
  }

  /**
   * In a cluster, logs are opened only for partitions this broker is a replica of: `hosts` says which.
   * Without it (a single node) every partition of every topic is here.
   */
  setHostedPartitions(hosts: (topic: string, partition: number) => boolean): void {
    this.#hosts = hosts;
  }

  /** Opens (creating or recovering) the partitions of a topic this broker hosts; returns the open ones. */
  openTopic(topic: string, partitions: number, overrides: Readonly<Record<string, string>>): Partition[] {
    for (let p = 0; p < partitions; p++) {
      if (this.getPartition(topic, p) || (this.#hosts && !this.#hosts(topic, p))) continue;
      this.openPartition(topic, p, overrides);
    }
    return [...(this.getPartitions(topic) ?? [])];
  }

  /** Opens (creating or recovering) one partition's log, hosted or not: a replica assigned to this broker. */
  openPartition(topic: string, partition: number, overrides: Readonly<Record<string, string>>): Partition {
    const open = this.getPartition(topic, partition);
    if (open) return open;
    const cfg = effectiveTopicConfig(this.#config, overrides);
    const key = `${topic} ${partition}`;
    const started = Date.now();
    const part = new Partition(topic, partition, join(this.dir, `${topic}-${partition}`), logConfig(cfg, this.#recoveryPoints.get(key) ?? 0, this.#logStartOffsets.get(key)),
      cfg['message.timestamp.type'] === 'LogAppendTime', storedCompression(cfg), this.#appendPolicy);
    const elapsed = Date.now() - started;
    if (elapsed > 100) this.#log.info({ topic, partition, ms: elapsed, logEndOffset: part.logEndOffset }, 'recovered partition log');
    let list = this.#partitions.get(topic);
    if (!list) this.#partitions.set(topic, (list = []));
    list[partition] = part;
    return part;
  }

  /** Closes one partition's log and removes it from disk (its replica moved to other brokers). */
  deletePartition(topic: string, partition: number): void {
    const list = this.#partitions.get(topic);
    const p = list?.[partition];
    if (!list || !p) return;
    list[partition] = undefined;
    if (list.every((x) => x === undefined)) this.#partitions.delete(topic);
    p.deleteAll();
    this.#forget(topic, partition);
    this.checkpointRecoveryPoints();
  }

  /**
   * Removes partition directories under log.dirs whose partition this broker does not host (their topic was
   * deleted, or the replica moved, while this broker was down); returns their names. Only `<topic>-<n>`
   * directories of partitions not open here are candidates.
   */
  removeStrayLogs(hosted: (topic: string, partition: number) => boolean): string[] {
    const removed: string[] = [];
    for (const name of readdirSync(this.dir)) {
      const m = /^([A-Za-z0-9._-]+)-(\d+)$/.exec(name);
      if (!m) continue;
      const topic = m[1]!;
      const partition = Number(m[2]);
      if (this.getPartition(topic, partition) || hosted(topic, partition)) continue;
      const path = join(this.dir, name);
      try {
        if (!statSync(path).isDirectory()) continue;
        rmSync(path, { recursive: true, force: true });
      } catch (e) {
        this.#log.warn({ path, err: (e as Error).message }, 'cannot remove the log of a partition not hosted here');
        continue;
      }
      this.#forget(topic, partition);
      removed.push(name);
    }
    if (removed.length > 0) this.checkpointRecoveryPoints();
    return removed;
  }

  #forget(topic: string, partition: number): void {
    const key = `${topic} ${partition}`;
    this.#recoveryPoints.delete(key);
    this.#logStartOffsets.delete(key);
    this.#cleanerOffsets.delete(key);
    this.#tombstonesDue.delete(key);
    this.#checkpointedHighWatermarks.delete(key);
  }

  /** Applies changed settings (topic overrides or broker defaults) to the open partitions of a topic. */
  updateTopicConfig(topic: string, overrides: Readonly<Record<string, string>>): void {
    const cfg = effectiveTopicConfig(this.#config, overrides);
    for (const p of this.getPartitions(topic) ?? []) p.updateConfig(logConfig(cfg, 0), cfg['message.timestamp.type'] === 'LogAppendTime', storedCompression(cfg));
  }

  /** New broker configuration (dynamic broker configs changed); callers then re-apply topic configs. */
  setBrokerConfig(config: BrokerConfig): void {
    this.#config = config;
  }

  /** DeleteRecords on one partition; the new log start offset is checkpointed before this returns. */
  deleteRecords(topic: string, partition: number, offset: number): number {
    const p = this.getPartition(topic, partition);
    if (!p) throw new BrokerError('UNKNOWN_TOPIC_OR_PARTITION', `Unknown partition ${topic}-${partition}`);
    const low = p.deleteRecordsBefore(offset);
    this.#writeLogStartCheckpoint();
    return low;
  }

  /**
   * One retention pass over every partition (log.retention.check.interval.ms): closed segments whose
   * largest timestamp is older than retention.ms, or beyond retention.bytes, or below the log start
   * offset go. Compact-only topics lose only what is below the log start offset.
   */
  enforceRetention(topicConfig: (topic: string) => TopicConfig, nowMs = Date.now()): { deletedSegments: number; deletedBytes: number } {
    let deletedSegments = 0;
    let deletedBytes = 0;
    for (const p of this.allPartitions()) {
      const cfg = topicConfig(p.topic);
      const r = p.enforceRetention(nowMs, {
        retentionMs: cfg['retention.ms'],
        retentionBytes: cfg['retention.bytes'],
        deleteEnabled: cfg['cleanup.policy'].includes('delete'),
      });
      if (r.deletedSegments > 0) {
        deletedSegments += r.deletedSegments;
        deletedBytes += r.deletedBytes;
        this.#log.info({ topic: p.topic, partition: p.partition, segments: r.deletedSegments, bytes: r.deletedBytes, byTime: r.byTime, bySize: r.bySize,
          byStartOffset: r.byStartOffset, logStartOffset: r.logStartOffset }, 'deleted log segments by retention');
      }
    }
    if (deletedSegments > 0) this.#writeLogStartCheckpoint();
    return { deletedSegments, deletedBytes };
  }

  /**
   * Kafka's producer-id expiration (every producer.id.expiration.check.interval.ms): in every partition,
   * producers with no open transaction whose last write (its batch's max timestamp) is producer.id.expiration.ms
   * or more old are forgotten. A forgotten producer that writes again is taken as new (any sequence accepted).
   */
  removeExpiredProducers(nowMs = Date.now()): number {
    const expirationMs = this.#config['producer.id.expiration.ms'];
    let removed = 0;
    for (const p of this.allPartitions()) removed += p.removeExpiredProducers(nowMs, expirationMs);
    if (removed > 0) this.#log.info({ producers: removed, expirationMs }, 'expired producer ids');
    return removed;
  }

  /** Starts the retention checker; it reads each topic's config at every pass, so changes apply at the next one. */
  startRetention(topicConfig: (topic: string) => TopicConfig): void {
    const everyMs = this.#config['log.retention.check.interval.ms'];
    this.#timers.push(setInterval(() => this.#safely('retention', () => this.enforceRetention(topicConfig)), everyMs).unref());
  }

  /**
   * One cleaner pass: every partition of a compacted topic (cleanup.policy contains compact), one at
   * a time, each on the addon's thread pool. Returns the bytes cleaned. Passes never overlap.
   */
  compactAll(topicConfig: (topic: string) => TopicConfig, opts: { force?: boolean; nowMs?: number } = {}): Promise<{ partitions: number; bytesRead: number; recordsRemoved: number }> {
    const run = async () => {
      const total = { partitions: 0, bytesRead: 0, recordsRemoved: 0 };
      for (const p of [...this.allPartitions()]) {
        if (this.#closed) break;
        const cfg = topicConfig(p.topic);
        if (!cfg['cleanup.policy'].includes('compact')) continue;
        const key = `${p.topic} ${p.partition}`;
        const first = this.#cleanerOffsets.get(key) ?? 0;
        const now = opts.nowMs ?? Date.now();
        let r: Awaited<ReturnType<Partition['compact']>>;
        try {
          r = await p.compact({
            firstDirtyOffset: first,
            minCleanableRatio: cfg['min.cleanable.dirty.ratio'],
            minCompactionLagMs: cfg['min.compaction.lag.ms'],
            maxCompactionLagMs: cfg['max.compaction.lag.ms'],
            deleteRetentionMs: cfg['delete.retention.ms'],
            force: (opts.force ?? false) || now >= (this.#tombstonesDue.get(key) ?? Infinity),
            nowMs: now,
            dedupeBufferBytes: this.#config['log.cleaner.dedupe.buffer.size'],
          });
        } catch (e) {
          // A log closed or deleted meanwhile is skipped; other failures are logged and the pass goes on.
          if ((e as { code?: string }).code !== 'NOT_LEADER_OR_FOLLOWER' && this.getPartition(p.topic, p.partition) === p) {
            this.#log.error({ topic: p.topic, partition: p.partition, err: e }, 'cleaning log failed');
          }
          continue;
        }
        if (!r.cleaned) continue;
        if (r.tombstonesDueMs != null) this.#tombstonesDue.set(key, r.tombstonesDueMs);
        else this.#tombstonesDue.delete(key);
        total.partitions++;
        total.bytesRead += r.bytesRead;
        total.recordsRemoved += r.recordsRemoved;
        if (this.getPartition(p.topic, p.partition) === p) {
          this.#cleanerOffsets.set(key, r.firstDirtyOffset);
          this.#writeCheckpointNow(CLEANER_CHECKPOINT, this.#cleanerOffsets);
        }
        this.#log.info({ topic: p.topic, partition: p.partition, dirtyRatio: Number(r.dirtyRatio.toFixed(3)), bytesRead: r.bytesRead, bytesWritten: r.bytesWritten,
          recordsRemoved: r.recordsRemoved, keys: r.keys, segmentsCleaned: r.segmentsCleaned, segmentsRemoved: r.segmentsRemoved, firstDirtyOffset: r.firstDirtyOffset }, 'cleaned log');
      }
      return total;
    };
    const previous = this.#cleaning ?? Promise.resolve();
    const result = previous.then(run, run);
    this.#cleaning = result.then(() => undefined, () => undefined);
    return result;
  }

  /** Starts the log cleaner (log.cleaner.enable): a pass every log.cleaner.backoff.ms, reading topic configs each time. */
  startCleaner(topicConfig: (topic: string) => TopicConfig): void {
    if (!this.#config['log.cleaner.enable']) return;
    const everyMs = Math.max(this.#config['log.cleaner.backoff.ms'], 10);
    const tick = () => {
      if (this.#closed) return;
      this.compactAll(topicConfig).catch((e: unknown) => this.#log.error({ task: 'cleaner', err: e }, 'background log task failed'))
        .finally(() => {
          if (!this.#closed) this.#timers.push(setTimeout(tick, everyMs).unref());
        });
    };
    this.#timers.push(setTimeout(tick, everyMs).unref());
  }

  getPartition(topic: string, partition: number): Partition | undefined {
    return this.#partitions.get(topic)?.[partition];
  }

  /** The open partitions of a topic (in a cluster, the hosted ones). */
  getPartitions(topic: string): readonly Partition[] | undefined {
    return this.#partitions.get(topic)?.filter((p): p is Partition => p !== undefined);
  }

  /** Closes and removes every partition of a topic from disk. */
  deleteTopic(topic: string): void {
    const parts = this.getPartitions(topic);
    if (!parts) return;
    this.#partitions.delete(topic);
    for (const p of parts) {
      p.deleteAll();
      this.#forget(topic, p.partition);
    }
    this.checkpointRecoveryPoints();
  }

  *allPartitions(): Iterable<Partition> {
    for (const parts of this.#partitions.values()) for (const p of parts) if (p) yield p;
  }

  /** Starts the periodic flusher (log.flush.interval.ms / topic flush.ms) and the recovery point checkpointer. */
  startBackgroundTasks(topicFlushMs: (topic: string) => number): void {
    const expireMs = this.#config['producer.id.expiration.check.interval.ms'];
    this.#timers.push(setInterval(() => this.#safely('producer expiration', () => this.removeExpiredProducers()), expireMs).unref());
    const checkpointMs = this.#config['log.flush.offset.checkpoint.interval.ms'];
    if (checkpointMs > 0) this.#timers.push(setInterval(() => void this.checkpointInBackground(), checkpointMs).unref());
    const schedulerMs = Math.min(this.#config['log.flush.scheduler.interval.ms'], 1000);
    this.#timers.push(setInterval(() => this.#safely('flush', () => {
      const now = Date.now();
      for (const p of this.allPartitions()) {
        const flushMs = topicFlushMs(p.topic);
        if (flushMs < Number.MAX_SAFE_INTEGER && now - p.lastFlushMs >= flushMs && p.recoveryPoint < p.logEndOffset) p.flush();
      }
    }), schedulerMs).unref());
  }

  /**
   * The periodic checkpoint: the files are written and fsynced on libuv's threads, not the event loop, and
   * each is renamed into place only if no synchronous write of it happened meanwhile (which is newer).
   */
  async checkpointInBackground(): Promise<void> {
    if (this.#backgroundCheckpoint || this.#closed) return;
    this.#backgroundCheckpoint = true;
    try {
      for (const p of this.allPartitions()) {
        this.#recoveryPoints.set(`${p.topic} ${p.partition}`, p.recoveryPoint);
        this.#logStartOffsets.set(`${p.topic} ${p.partition}`, p.logStartOffset);
      }
      // Snapshot both files now; the writes below take turns on libuv's threads.
      const files = ([[RECOVERY_CHECKPOINT, this.#recoveryPoints], [LOG_START_CHECKPOINT, this.#logStartOffsets]] as const)
        .map(([name, entries]) => ({ name, text: checkpointText(entries), generation: this.#checkpointGeneration.get(name) ?? 0 }));
      for (const { name, text, generation } of files) {
        const path = join(this.dir, name);
        const tmp = `${path}.tmp-background`;
        await writeAndSync(tmp, text);
        if (!this.#closed && (this.#checkpointGeneration.get(name) ?? 0) === generation) renameSync(tmp, path);
        else rmSync(tmp, { force: true });
      }
    } catch (e) {
      if (!this.#closed) this.#log.error({ task: 'checkpoint', err: e }, 'background log task failed');
    } finally {
      this.#backgroundCheckpoint = false;
    }
  }

  #writeCheckpointNow(name: string, entries: Map<string, number>): void {
    this.#checkpointGeneration.set(name, (this.#checkpointGeneration.get(name) ?? 0) + 1);
    writeCheckpointFile(join(this.dir, name), entries);
  }

  checkpointRecoveryPoints(): void {
    for (const p of this.allPartitions()) this.#recoveryPoints.set(`${p.topic} ${p.partition}`, p.recoveryPoint);
    this.#writeCheckpoint();
    this.#writeLogStartCheckpoint();
  }

  #writeCheckpoint(): void {
    this.#writeCheckpointNow(RECOVERY_CHECKPOINT, this.#recoveryPoints);
  }

  /** Log start offsets that are not a segment base (the only ones recovery cannot rediscover), plus the rest for simplicity. */
  #writeLogStartCheckpoint(): void {
    for (const p of this.allPartitions()) this.#logStartOffsets.set(`${p.topic} ${p.partition}`, p.logStartOffset);
    this.#writeCheckpointNow(LOG_START_CHECKPOINT, this.#logStartOffsets);
  }

  /** Flushes and closes every log, then records recovery points so the next start skips the scan. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const t of this.#timers) clearTimeout(t);
    try {
      this.checkpointHighWatermarks();
    } catch (e) {
      this.#log.error({ err: e }, 'writing the high-watermark checkpoint failed');
    }
    for (const p of this.allPartitions()) {
      try {
        p.flush();
        this.#recoveryPoints.set(`${p.topic} ${p.partition}`, p.recoveryPoint);
        this.#logStartOffsets.set(`${p.topic} ${p.partition}`, p.logStartOffset);
        p.close();
      } catch (e) {
        this.#log.error({ topic: p.topic, partition: p.partition, err: e }, 'closing partition log failed');
      }
    }
    this.#partitions.clear();
    this.#writeCheckpoint();
    this.#writeCheckpointNow(LOG_START_CHECKPOINT, this.#logStartOffsets);
  }

  #safely(task: string, fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.#log.error({ task, err: e }, 'background log task failed');
    }
  }

  #readCheckpoint(name: string, into: Map<string, number>): void {
    const path = join(this.dir, name);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      return;
    }
    const lines = text.split('\n');
    if (lines[0] !== '0') {
      this.#log.warn({ path }, 'unknown checkpoint version; ignoring it');
      return;
    }
    for (const line of lines.slice(2)) {
      const m = /^(\S+) (\d+) (\d+)$/.exec(line);
      if (m) into.set(`${m[1]} ${m[2]}`, Number(m[3]));
    }
  }
}

function checkpointText(entries: Map<string, number>): string {
  const lines = [...entries].map(([k, v]) => `${k} ${v}`);
  return `0\n${lines.length}\n${lines.join('\n')}${lines.length ? '\n' : ''}`;
}

function writeCheckpointFile(path: string, entries: Map<string, number>): void {
  atomicWrite(path, checkpointText(entries));
}

async function writeAndSync(path: string, text: string): Promise<void> {
  const f = await open(path, 'w');
  try {
    await f.writeFile(text);
    await f.sync();
  } finally {
    await f.close();
  }
}

/** fsync of a directory, so a rename into it survives a crash (Kafka flushes the parent dir after its atomic move). */
function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

async function syncDir(dir: string): Promise<void> {
  const f = await open(dir, 'r');
  try {
    await f.sync();
  } finally {
    await f.close();
  }
}

function atomicWrite(path: string, text: string): void {
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}
