// Owns every partition log under log.dirs: opens and recovers them at start, creates and deletes them,
// flushes per policy and checkpoints recovery points (DESIGN.md §4).
//
// On disk, besides the partition directories:
//   recovery-point-offset-checkpoint   "0\n<count>\n<topic> <partition> <offset>\n..." (Kafka's format)
//   meta.properties                    version, broker.id/node.id and cluster.id
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { effectiveTopicConfig, type BrokerConfig } from '../config/index.js';
import { Partition } from './partition.js';

export const RECOVERY_CHECKPOINT = 'recovery-point-offset-checkpoint';
export const META_PROPERTIES = 'meta.properties';

export interface LogManagerLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export class LogManager {
  readonly dir: string;
  readonly #config: BrokerConfig;
  readonly #log: LogManagerLogger;
  readonly #partitions = new Map<string, Partition[]>();
  readonly #recoveryPoints = new Map<string, number>();
  #timers: NodeJS.Timeout[] = [];
  #closed = false;

  constructor(config: BrokerConfig, logger: LogManagerLogger) {
    this.#config = config;
    this.#log = logger;
    this.dir = config['log.dirs'];
    mkdirSync(this.dir, { recursive: true });
    this.#readRecoveryCheckpoint();
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

  /** Opens (creating or recovering) the partitions of a topic. */
  openTopic(topic: string, partitions: number, overrides: Readonly<Record<string, string>>): Partition[] {
    const existing = this.#partitions.get(topic) ?? [];
    const cfg = effectiveTopicConfig(this.#config, overrides);
    const list = [...existing];
    for (let p = existing.length; p < partitions; p++) {
      const key = `${topic} ${p}`;
      const started = Date.now();
      const part = new Partition(topic, p, join(this.dir, `${topic}-${p}`), {
        segmentBytes: cfg['segment.bytes'] as number,
        segmentMs: cfg['segment.ms'] as number,
        indexIntervalBytes: cfg['index.interval.bytes'] as number,
        flushIntervalMessages: cfg['flush.messages'] as number,
        maxMessageBytes: cfg['max.message.bytes'] as number,
        recoveryPoint: this.#recoveryPoints.get(key) ?? 0,
      }, cfg['message.timestamp.type'] === 'LogAppendTime');
      const elapsed = Date.now() - started;
      if (elapsed > 100) this.#log.info({ topic, partition: p, ms: elapsed, logEndOffset: part.logEndOffset }, 'recovered partition log');
      list.push(part);
    }
    this.#partitions.set(topic, list);
    return list;
  }

  getPartition(topic: string, partition: number): Partition | undefined {
    return this.#partitions.get(topic)?.[partition];
  }

  getPartitions(topic: string): readonly Partition[] | undefined {
    return this.#partitions.get(topic);
  }

  /** Closes and removes every partition of a topic from disk. */
  deleteTopic(topic: string): void {
    const parts = this.#partitions.get(topic);
    if (!parts) return;
    this.#partitions.delete(topic);
    for (const p of parts) {
      p.deleteAll();
      this.#recoveryPoints.delete(`${topic} ${p.partition}`);
    }
    this.checkpointRecoveryPoints();
  }

  *allPartitions(): Iterable<Partition> {
    for (const parts of this.#partitions.values()) yield* parts;
  }

  /** Starts the periodic flusher (log.flush.interval.ms / topic flush.ms) and the recovery point checkpointer. */
  startBackgroundTasks(topicFlushMs: (topic: string) => number): void {
    const checkpointMs = this.#config['log.flush.offset.checkpoint.interval.ms'];
    if (checkpointMs > 0) this.#timers.push(setInterval(() => this.#safely('checkpoint', () => this.checkpointRecoveryPoints()), checkpointMs).unref());
    const schedulerMs = Math.min(this.#config['log.flush.scheduler.interval.ms'], 1000);
    this.#timers.push(setInterval(() => this.#safely('flush', () => {
      const now = Date.now();
      for (const p of this.allPartitions()) {
        const flushMs = topicFlushMs(p.topic);
        if (flushMs < Number.MAX_SAFE_INTEGER && now - p.lastFlushMs >= flushMs && p.recoveryPoint < p.logEndOffset) p.flush();
      }
    }), schedulerMs).unref());
  }

  checkpointRecoveryPoints(): void {
    for (const p of this.allPartitions()) this.#recoveryPoints.set(`${p.topic} ${p.partition}`, p.recoveryPoint);
    this.#writeCheckpoint();
  }

  #writeCheckpoint(): void {
    const lines = [...this.#recoveryPoints].map(([k, v]) => `${k} ${v}`);
    atomicWrite(join(this.dir, RECOVERY_CHECKPOINT), `0\n${lines.length}\n${lines.join('\n')}${lines.length ? '\n' : ''}`);
  }

  /** Flushes and closes every log, then records recovery points so the next start skips the scan. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const t of this.#timers) clearInterval(t);
    for (const p of this.allPartitions()) {
      try {
        p.flush();
        this.#recoveryPoints.set(`${p.topic} ${p.partition}`, p.recoveryPoint);
        p.close();
      } catch (e) {
        this.#log.error({ topic: p.topic, partition: p.partition, err: e }, 'closing partition log failed');
      }
    }
    this.#partitions.clear();
    this.#writeCheckpoint();
  }

  #safely(task: string, fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.#log.error({ task, err: e }, 'background log task failed');
    }
  }

  #readRecoveryCheckpoint(): void {
    const path = join(this.dir, RECOVERY_CHECKPOINT);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      return;
    }
    const lines = text.split('\n');
    if (lines[0] !== '0') {
      this.#log.warn({ path }, 'unknown recovery checkpoint version; scanning all logs');
      return;
    }
    for (const line of lines.slice(2)) {
      const m = /^(\S+) (\d+) (\d+)$/.exec(line);
      if (m) this.#recoveryPoints.set(`${m[1]} ${m[2]}`, Number(m[3]));
    }
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
