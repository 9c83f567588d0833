// A simple consumer without a group: the caller assigns partitions and a start
// position (earliest, latest, an offset, or a timestamp resolved by ListOffsets);
// the consumer long-polls each partition's leader with Fetch (maxWaitMs,
// minBytes, maxBytes) and hands back records in offset order per partition. A
// position the log no longer has (OFFSET_OUT_OF_RANGE) is reset by policy.

import { ErrorCode, Fetch, ListOffsets, parseRecordBatches, type RecordHeader } from '../protocol/index.js';
import { Cluster, sleep, type ClusterOptions } from './cluster.js';
import { clientErrorFrom, isRetriable, KafkaClientError, KafkaProtocolError } from './errors.js';

export const EARLIEST_TIMESTAMP = -2;
export const LATEST_TIMESTAMP = -1;

export type StartPosition = 'earliest' | 'latest' | number | { timestamp: number };

export interface ConsumerAssignment {
  topic: string;
  /** Partitions to read; all partitions of the topic when omitted. */
  partitions?: number[];
  /** Where to start (default: the consumer's `autoOffsetReset`). A number is an offset. */
  from?: StartPosition;
}

export interface ConsumerRecord {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  /** 0 = CreateTime, 1 = LogAppendTime. */
  timestampType: 0 | 1;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
}

export interface ConsumerOptions extends Partial<ClusterOptions> {
  cluster?: Cluster;
  /** Longest a fetch waits for minBytes (default 500 ms). */
  maxWaitMs?: number;
  minBytes?: number;
  /** Per fetch response (default 50 MiB). */
  maxBytes?: number;
  /** Per partition (default 1 MiB). */
  maxPartitionBytes?: number;
  /** What to do without a start position or when it is out of range (default 'latest', like Kafka). */
  autoOffsetReset?: 'earliest' | 'latest' | 'none';
  /** 0 = read uncommitted, 1 = read committed. */
  isolationLevel?: 0 | 1;
  /** Check batch CRCs (default true). */
  checkCrcs?: boolean;
}

interface PartitionPosition {
  topic: string;
  partition: number;
  /** Next offset to fetch; -1 until resolved. */
  offset: number;
  pending: StartPosition | null;
  highWatermark: number;
}

export class Consumer {
  readonly cluster: Cluster;
  readonly #ownsCluster: boolean;
  readonly #maxWaitMs: number;
  readonly #minBytes: number;
  readonly #maxBytes: number;
  readonly #maxPartitionBytes: number;
  readonly #reset: 'earliest' | 'latest' | 'none';
  readonly #isolationLevel: 0 | 1;
  readonly #checkCrcs: boolean;
  readonly #requestTimeoutMs: number;
  readonly #positions = new Map<string, PartitionPosition>();
  #closed = false;

  constructor(options: ConsumerOptions) {
    if (options.cluster) {
      this.cluster = options.cluster;
      this.#ownsCluster = false;
    } else {
      if (options.bootstrap === undefined) throw new KafkaClientError('ERR_CLIENT_INVALID_ARGUMENT', 'consumer needs `bootstrap` or `cluster`');
      this.cluster = new Cluster({ ...options, bootstrap: options.bootstrap });
      this.#ownsCluster = true;
    }
    this.#maxWaitMs = options.maxWaitMs ?? 500;
    this.#minBytes = options.minBytes ?? 1;
    this.#maxBytes = options.maxBytes ?? 50 * 1024 * 1024;
    this.#maxPartitionBytes = options.maxPartitionBytes ?? 1024 * 1024;
    this.#reset = options.autoOffsetReset ?? 'latest';
    this.#isolationLevel = options.isolationLevel ?? 0;
    this.#checkCrcs = options.checkCrcs ?? true;
    this.#requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  }

  /** Adds partitions to read (replacing the position of ones already assigned). */
  async assign(assignments: ConsumerAssignment | ConsumerAssignment[]): Promise<void> {
    for (const a of Array.isArray(assignments) ? assignments : [assignments]) {
      const info = await this.cluster.topic(a.topic, { refresh: true, timeoutMs: this.#requestTimeoutMs });
      const existing = new Set(info.partitions.map((p) => p.partition));
      const partitions = a.partitions ?? [...existing];
      for (const p of partitions) {
        if (!existing.has(p)) {
          throw new KafkaClientError('ERR_CLIENT_INVALID_ARGUMENT', `partition ${p} does not exist in topic ${a.topic} (partitions 0-${info.partitions.length - 1})`);
        }
        const from = a.from ?? (this.#reset === 'none' ? null : this.#reset);
        if (from === null) throw new KafkaClientError('ERR_CLIENT_INVALID_ARGUMENT', `no start position for ${a.topic}-${p} and autoOffsetReset is none`);
        this.#positions.set(key(a.topic, p), { topic: a.topic, partition: p, offset: -1, pending: from, highWatermark: -1 });
      }
    }
    await this.#resolvePending();
  }

  /** Current assignment with next offsets. */
  positions(): Array<{ topic: string; partition: number; offset: number; highWatermark: number }> {
    return [...this.#positions.values()].map(({ topic, partition, offset, highWatermark }) => ({ topic, partition, offset, highWatermark }));
  }

  /** Moves a partition's position. */
  seek(topic: string, partition: number, to: StartPosition): void {
    const p = this.#positions.get(key(topic, partition));
    if (!p) throw new KafkaClientError('ERR_CLIENT_INVALID_ARGUMENT', `${topic}-${partition} is not assigned`);
    p.pending = to;
    p.offset = -1;
  }

  /**
   * One round of fetches (one request per leader, concurrently). Resolves with the
   * records found, possibly none after maxWaitMs.
   */
  async poll(): Promise<ConsumerRecord[]> {
    this.#checkOpen();
    await this.#resolvePending();
    const byLeader = new Map<number, PartitionPosition[]>();
    for (const p of this.#positions.values()) {
      if (p.offset < 0) continue;
      let leader = this.cluster.leaderFor(p.topic, p.partition);
      if (leader < 0) {
        await this.cluster.topic(p.topic, { refresh: true, timeoutMs: this.#requestTimeoutMs });
        leader = this.cluster.leaderFor(p.topic, p.partition);
      }
      let list = byLeader.get(leader);
      if (!list) byLeader.set(leader, (list = []));
      list.push(p);
    }
    if (byLeader.size === 0) {
      await sleep(this.#maxWaitMs);
      return [];
    }
    const results = await Promise.all([...byLeader].map(([leader, list]) => this.#fetchFrom(leader, list)));
    return results.flat();
  }

  /** Records as an async iterator, polling until close() (or until the loop breaks). */
  async *records(): AsyncGenerator<ConsumerRecord> {
    while (!this.#closed) {
      const batch = await this.poll();
      for (const r of batch) yield r;
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#ownsCluster) await this.cluster.close();
  }

  /** Offsets for `timestamp` (-2 earliest, -1 latest, else the first offset with a timestamp >= it; -1 if none). */
  async listOffsets(topic: string, partitions: number[], timestamp: number): Promise<Map<number, number>> {
    return listOffsets(this.cluster, topic, partitions, timestamp, this.#isolationLevel);
  }

  async #fetchFrom(leader: number, list: PartitionPosition[]): Promise<ConsumerRecord[]> {
    const topics = new Map<string, PartitionPosition[]>();
    for (const p of list) {
      let t = topics.get(p.topic);
      if (!t) topics.set(p.topic, (t = []));
      t.push(p);
    }
    let res;
    try {
      const conn = await this.cluster.connectionFor(leader);
      res = await conn.send(
        Fetch,
        {
          clusterId: null,
          replicaId: -1,
          maxWaitMs: this.#maxWaitMs,
          minBytes: this.#minBytes,
          maxBytes: this.#maxBytes,
          isolationLevel: this.#isolationLevel,
          sessionId: 0,
          sessionEpoch: -1,
          topics: [...topics].map(([topic, ps]) => ({
            topic,
            partitions: ps.map((p) => ({
              partition: p.partition,
              currentLeaderEpoch: -1,
              fetchOffset: p.offset,
              lastFetchedEpoch: -1,
              logStartOffset: -1,
              partitionMaxBytes: this.#maxPartitionBytes,
            })),
          })),
          forgottenTopicsData: [],
          rackId: '',
        },
        { timeoutMs: this.#requestTimeoutMs + this.#maxWaitMs },
      );
    } catch (e) {
      if (!isRetriable(e)) throw e;
      for (const t of topics.keys()) this.cluster.invalidate(t);
      await sleep(100);
      return [];
    }
    if (res.errorCode !== ErrorCode.NONE) throw new KafkaProtocolError(res.errorCode, 'fetch');
    const out: ConsumerRecord[] = [];
    for (const t of res.responses) {
      for (const pd of t.partitions) {
        const pos = this.#positions.get(key(t.topic, pd.partitionIndex));
        if (!pos || pos.offset < 0) continue;
        if (pd.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE) {
          if (this.#reset === 'none') throw new KafkaProtocolError(pd.errorCode, `fetch ${t.topic}-${pd.partitionIndex} at offset ${pos.offset}`);
          pos.pending = this.#reset;
          pos.offset = -1;
          continue;
        }
        if (pd.errorCode !== ErrorCode.NONE) {
          const err = new KafkaProtocolError(pd.errorCode, `fetch ${t.topic}-${pd.partitionIndex}`);
          if (!err.retriable) throw err;
          this.cluster.invalidate(t.topic);
          continue;
        }
        pos.highWatermark = pd.highWatermark;
        if (pd.records === null || pd.records.length === 0) continue;
        const batches = await parseRecordBatches(pd.records, { verifyCrc: this.#checkCrcs }).catch((e: unknown) => {
          throw clientErrorFrom(e);
        });
        const aborted = this.#isolationLevel === 1 ? abortedProducers(pd.abortedTransactions) : null;
        for (const b of batches) {
          if (b.lastOffset < pos.offset) continue;
          if (!b.isControl && !(aborted && b.isTransactional && aborted.has(b.producerId))) {
            for (const r of b.records) {
              if (r.offset < pos.offset) continue;
              out.push({
                topic: t.topic,
                partition: pd.partitionIndex,
                offset: r.offset,
                timestamp: r.timestamp,
                timestampType: b.timestampType,
                key: r.key,
                value: r.value,
                headers: r.headers,
              });
            }
          }
          pos.offset = b.lastOffset + 1;
        }
        if (batches.length === 0 && pd.records.length >= this.#maxPartitionBytes) {
          throw new KafkaClientError(
            'ERR_CLIENT_BAD_RESPONSE',
            `${t.topic}-${pd.partitionIndex} at offset ${pos.offset}: a record batch is larger than maxPartitionBytes (${this.#maxPartitionBytes}); raise it`,
          );
        }
      }
    }
    return out;
  }

  async #resolvePending(): Promise<void> {
    const pending = [...this.#positions.values()].filter((p) => p.pending !== null);
    if (pending.length === 0) return;
    // Group lookups by (topic, timestamp).
    const lookups = new Map<string, { topic: string; ts: number; list: PartitionPosition[] }>();
    for (const p of pending) {
      const from = p.pending!;
      if (typeof from === 'number') {
        if (!Number.isInteger(from) || from < 0) throw new KafkaClientError('ERR_CLIENT_INVALID_ARGUMENT', `invalid start offset ${from}`);
        p.offset = from;
        p.pending = null;
        continue;
      }
      const ts = from === 'earliest' ? EARLIEST_TIMESTAMP : from === 'latest' ? LATEST_TIMESTAMP : from.timestamp;
      const k = `${p.topic}\u0000${ts}`;
      let l = lookups.get(k);
      if (!l) lookups.set(k, (l = { topic: p.topic, ts, list: [] }));
      l.list.push(p);
    }
    for (const { topic, ts, list } of lookups.values()) {
      const offsets = await this.listOffsets(topic, list.map((p) => p.partition), ts);
      for (const p of list) {
        let o = offsets.get(p.partition) ?? -1;
        // No record at or after the timestamp: start at the end, as Kafka does.
        if (o < 0) o = (await this.listOffsets(topic, [p.partition], LATEST_TIMESTAMP)).get(p.partition) ?? 0;
        p.offset = o;
        p.pending = null;
      }
    }
  }

  #checkOpen(): void {
    if (this.#closed) throw new KafkaClientError('ERR_CLIENT_CLOSED', 'the consumer was closed');
  }
}

/** ListOffsets for partitions of one topic, each sent to its leader. */
export async function listOffsets(cluster: Cluster, topic: string, partitions: number[], timestamp: number, isolationLevel: 0 | 1 = 0): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  for (let attempt = 0; ; attempt++) {
    const info = await cluster.topic(topic, { refresh: attempt > 0 });
    const byLeader = new Map<number, number[]>();
    for (const p of partitions) {
      if (out.has(p)) continue;
      const leader = info.partitions.find((x) => x.partition === p)?.leader ?? -1;
      if (leader < 0) throw new KafkaProtocolError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `list offsets ${topic}-${p}`);
      let l = byLeader.get(leader);
      if (!l) byLeader.set(leader, (l = []));
      l.push(p);
    }
    let retry: KafkaProtocolError | null = null;
    await Promise.all(
      [...byLeader].map(async ([leader, ps]) => {
        const conn = await cluster.connectionFor(leader);
        const res = await conn.send(ListOffsets, {
          replicaId: -1,
          isolationLevel,
          topics: [{ name: topic, partitions: ps.map((p) => ({ partitionIndex: p, currentLeaderEpoch: -1, timestamp })) }],
        });
        for (const t of res.topics) {
          for (const p of t.partitions) {
            if (p.errorCode === ErrorCode.NONE) out.set(p.partitionIndex, p.offset);
            else {
              const err = new KafkaProtocolError(p.errorCode, `list offsets ${topic}-${p.partitionIndex}`);
              if (!err.retriable) throw err;
              retry = err;
            }
          }
        }
      }),
    );
    if (retry === null) return out;
    if (attempt >= 5) throw retry;
    await sleep(100 * (attempt + 1));
  }
}

function abortedProducers(list: Array<{ producerId: number }> | null): Set<number> | null {
  if (!list || list.length === 0) return null;
  return new Set(list.map((a) => a.producerId));
}

function key(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}
