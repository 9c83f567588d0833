// A follower's copy loop for the partitions one leader leads (Kafka's ReplicaFetcherThread): first each
// newly followed partition is truncated to where its log and the leader's agree (OffsetForLeaderEpoch for
// the follower's latest epoch, KIP-101/279), then Fetch requests with replica_id set bring the leader's
// batches, appended as they are (offsets and leader epochs kept). The leader learns the follower's
// progress from the fetch offsets and answers with its high watermark, which the follower keeps too.
//
// Fetch sessions (KIP-227), as Kafka's followers use them: the first fetch is full (session id 0, epoch 0)
// and the leader answers with a session id; later fetches carry the next epoch and name only partitions
// whose fetch offset or log start offset changed, plus the ones no longer followed (forgotten); the leader
// answers only partitions with news. A session error (the leader restarted or evicted it) or a failed
// request starts again with a full fetch.
//
// The follower-side reassignment throttle (follower.replication.throttled.rate, KIP-73) works as Kafka's
// fetcher applies it: a partition listed for this broker in its topic's follower.replication.throttled.replicas
// is left out of the fetch while the broker's throttled bytes are over the rate, unless it is caught up
// with the leader's high watermark (an in-sync replica is never held back); the bytes it brings are metered.
import { Fetch, OffsetForLeaderEpoch, ErrorCode, errorName } from '../protocol/index.js';
import { Connection, type ConnectionOptions } from '../client/index.js';
import type { PartitionReplica } from './replicas.js';

export interface FetcherLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface FetcherOptions {
  readonly fetchWaitMaxMs: number;
  readonly fetchMaxBytes: number;
  readonly fetchResponseMaxBytes: number;
  readonly fetchBackoffMs: number;
  /** TLS and SASL for connecting to the leader's inter-broker listener (absent: plaintext). */
  readonly connectSecurity?: (host: string) => Pick<ConnectionOptions, 'tls' | 'sasl'>;
  /** follower.replication.throttled.rate with the broker's meter (shared by its fetchers); absent: none. */
  readonly followerThrottle?: FollowerThrottle;
}

export interface FollowerThrottle {
  /** Bytes per second (follower.replication.throttled.rate). */
  rate(): number;
  /** Whether the topic's follower.replication.throttled.replicas names this broker's replica of the partition. */
  throttled(topic: string, partition: number): boolean;
  /** The broker's throttled-byte rate meter (its ReplicationThrottle). */
  readonly meter: { exceeded(limitBytesPerSecond: number): boolean; record(bytes: number): void };
}

const FETCH_VERSION = 12;
const EPOCH_VERSION = 4;

/** What the session on the leader holds for one partition: the fields last sent. */
interface SentPartition {
  readonly fetchOffset: number;
  readonly logStartOffset: number;
  readonly leaderEpoch: number;
}

/** The follower's side of its fetch session with one leader. */
class FetchSessionState {
  id = 0;
  /** Epoch of the next request: 0 for a full fetch that opens a session. */
  epoch = 0;
  readonly sent = new Map<string, SentPartition>();

  reset(): void {
    this.id = 0;
    this.epoch = 0;
    this.sent.clear();
  }
}

export class ReplicaFetcher {
  readonly #brokerId: number;
  readonly #leaderId: number;
  readonly #endpoint: { host: string; port: number };
  readonly #log: FetcherLogger;
  readonly #opts: FetcherOptions;
  #partitions: PartitionReplica[] = [];
  #conn: Connection | undefined;
  readonly #session = new FetchSessionState();
  /** The leader's high watermark last seen per partition: a follower at it is in sync (not throttled). */
  readonly #leaderHighWatermark = new Map<string, number>();
  #closed = false;
  #wake: (() => void) | undefined;

  constructor(brokerId: number, leaderId: number, endpoint: { host: string; port: number }, log: FetcherLogger, opts: FetcherOptions) {
    this.#brokerId = brokerId;
    this.#leaderId = leaderId;
    this.#endpoint = endpoint;
    this.#log = log;
    this.#opts = opts;
  }

  setPartitions(parts: PartitionReplica[]): void {
    this.#partitions = parts;
    this.#wake?.();
  }

  start(): void {
    void this.#run();
  }

  close(): void {
    this.#closed = true;
    this.#conn?.close();
    this.#conn = undefined;
    this.#wake?.();
  }

  async #run(): Promise<void> {
    while (!this.#closed) {
      try {
        const parts = this.#partitions.filter((r) => r.role === 'follower' && r.leaderId === this.#leaderId);
        if (parts.length === 0) {
          await this.#sleep(1000);
          continue;
        }
        const conn = await this.#connection();
        const untruncated = parts.filter((r) => !r.truncated);
        if (untruncated.length > 0) await this.#truncate(conn, untruncated);
        const ready = this.#unthrottled(parts.filter((r) => r.truncated));
        if (ready.length > 0) await this.#fetch(conn, ready);
        else if (untruncated.length === 0) await this.#sleep(this.#opts.fetchBackoffMs);
      } catch (e) {
        if (this.#closed) return;
        this.#log.warn({ leader: this.#leaderId, err: (e as Error).message }, 'replica fetcher: fetch from the leader failed; backing off');
        this.#session.reset();
        this.#conn?.close();
        this.#conn = undefined;
        await this.#sleep(this.#opts.fetchBackoffMs);
      }
    }
  }

  async #connection(): Promise<Connection> {
    if (this.#conn && !this.#conn.closed) return this.#conn;
    const conn = await Connection.connect({ host: this.#endpoint.host, port: this.#endpoint.port, nodeId: this.#leaderId, clientId: `broker-${this.#brokerId}-fetcher-${this.#leaderId}`, requestTimeoutMs: 30_000,
      ...this.#opts.connectSecurity?.(this.#endpoint.host) });
    // Closed while connecting (the broker is stopping): an open socket would keep its process alive.
    if (this.#closed) {
      conn.close();
      throw new Error('replica fetcher closed');
    }
    this.#conn = conn;
    return conn;
  }

  /** Cuts each partition's log back to where it agrees with the leader's (its latest epoch's end there). */
  async #truncate(conn: Connection, parts: PartitionReplica[]): Promise<void> {
    const byTopic = group(parts);
    const res = await conn.send(OffsetForLeaderEpoch, {
      replicaId: this.#brokerId,
      topics: [...byTopic].map(([topic, ps]) => ({ topic, partitions: ps.map((r) => ({ partition: r.partition, currentLeaderEpoch: r.leaderEpoch, leaderEpoch: r.log.latestEpoch ?? -1 })) })),
    }, { version: EPOCH_VERSION });
    for (const t of res.topics) {
      for (const p of t.partitions) {
        const r = parts.find((x) => x.topic === t.topic && x.partition === p.partition);
        if (!r) continue;
        if (p.errorCode !== ErrorCode.NONE) {
          this.#log.warn({ topic: t.topic, partition: p.partition, leader: this.#leaderId, error: errorName(p.errorCode) }, 'replica fetcher: leader refused OffsetForLeaderEpoch; retrying');
          continue;
        }
        const leo = r.log.logEndOffset;
        let to = leo;
        if (p.leaderEpoch === -1 || p.endOffset < 0) {
          // The leader knows no epoch at or below ours: nothing of ours is known to be shared. Keep what the
          // high watermark covers (it was acknowledged by the ISR then) and fetch the rest again.
          to = Math.min(leo, r.highWatermark);
        } else {
          // The leader's end of the largest epoch both know; ours for that epoch may end earlier.
          const ours = r.log.epochEndOffset(p.leaderEpoch);
          to = Math.min(leo, p.endOffset, ours && ours.leaderEpoch === p.leaderEpoch ? ours.endOffset : p.endOffset);
        }
        if (to < leo) {
          r.log.truncateTo(to);
          this.#log.warn({ topic: r.topic, partition: r.partition, from: leo, to, leaderEpoch: p.leaderEpoch }, 'truncated the divergent tail of a follower log');
        }
        r.highWatermark = Math.min(r.highWatermark, r.log.logEndOffset);
        r.truncated = true;
      }
    }
  }

  /** The partitions to fetch now: throttled ones that lag the leader wait while the throttled rate is over. */
  #unthrottled(parts: PartitionReplica[]): PartitionReplica[] {
    const t = this.#opts.followerThrottle;
    if (!t || !t.meter.exceeded(t.rate())) return parts;
    return parts.filter((r) => !t.throttled(r.topic, r.partition) || r.log.logEndOffset >= (this.#leaderHighWatermark.get(key(r)) ?? Infinity));
  }

  async #fetch(conn: Connection, parts: PartitionReplica[]): Promise<void> {
    const session = this.#session;
    const full = session.id === 0;
    if (full) session.sent.clear();
    // A full fetch names every partition; an incremental one only those whose fields changed.
    const now = new Map(parts.map((r) => [key(r), { fetchOffset: r.log.logEndOffset, logStartOffset: r.log.logStartOffset, leaderEpoch: r.leaderEpoch }]));
    const named = parts.filter((r) => {
      const was = session.sent.get(key(r));
      const is = now.get(key(r))!;
      return full || !was || was.fetchOffset !== is.fetchOffset || was.logStartOffset !== is.logStartOffset || was.leaderEpoch !== is.leaderEpoch;
    });
    const forgotten = full ? [] : [...session.sent.keys()].filter((k) => !now.has(k));
    const forgottenByTopic = new Map<string, number[]>();
    for (const k of forgotten) {
      const [topic, partition] = k.split('\0') as [string, string];
      forgottenByTopic.set(topic, [...(forgottenByTopic.get(topic) ?? []), Number(partition)]);
    }
    const epoch = session.epoch;
    const res = await conn.send(Fetch, {
      replicaId: this.#brokerId, maxWaitMs: this.#opts.fetchWaitMaxMs, minBytes: 1, maxBytes: this.#opts.fetchResponseMaxBytes, isolationLevel: 0,
      sessionId: session.id, sessionEpoch: epoch, rackId: '',
      forgottenTopicsData: [...forgottenByTopic].map(([topic, partitions]) => ({ topic, partitions })),
      topics: [...group(named)].map(([topic, ps]) => ({
        topic,
        partitions: ps.map((r) => ({ partition: r.partition, currentLeaderEpoch: r.leaderEpoch, fetchOffset: r.log.logEndOffset, lastFetchedEpoch: -1, logStartOffset: r.log.logStartOffset, partitionMaxBytes: this.#opts.fetchMaxBytes })),
      })),
    }, { version: FETCH_VERSION, timeoutMs: this.#opts.fetchWaitMaxMs + 30_000 });
    if (res.errorCode === ErrorCode.FETCH_SESSION_ID_NOT_FOUND || res.errorCode === ErrorCode.INVALID_FETCH_SESSION_EPOCH) {
      // The leader lost the session (restarted, evicted it): start again with a full fetch.
      session.reset();
      return;
    }
    if (res.errorCode !== ErrorCode.NONE) throw new Error(`Fetch from leader ${this.#leaderId} failed: ${errorName(res.errorCode)}`);
    if (res.sessionId === 0) {
      session.reset(); // the leader keeps no session for us: every fetch stays full
    } else {
      session.id = res.sessionId;
      session.epoch = epoch === 0x7fffffff ? 1 : epoch + 1;
      for (const r of named) session.sent.set(key(r), now.get(key(r))!);
      for (const k of forgotten) session.sent.delete(k);
    }
    let backoff = false;
    for (const t of res.responses) {
      for (const p of t.partitions) {
        const r = parts.find((x) => x.topic === t.topic && x.partition === p.partitionIndex);
        if (!r || r.role !== 'follower' || r.leaderId !== this.#leaderId) continue;
        if (p.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE) {
          // Our end is past the leader's (an unclean election) or before its start (retention): start again.
          if (r.log.logEndOffset < p.logStartOffset) r.log.truncateFullyAndStartAt(p.logStartOffset);
          else r.truncated = false;
          continue;
        }
        if (p.errorCode !== ErrorCode.NONE) {
          backoff = true;
          continue;
        }
        const records = p.records;
        if (records && Buffer.isBuffer(records) && records.length > 0) {
          await r.log.appendAsFollower(records);
          const t = this.#opts.followerThrottle;
          if (t?.throttled(r.topic, r.partition)) t.meter.record(records.length);
        }
        this.#leaderHighWatermark.set(key(r), p.highWatermark);
        r.highWatermark = Math.max(r.highWatermark, Math.min(p.highWatermark, r.log.logEndOffset));
      }
    }
    if (backoff) await this.#sleep(this.#opts.fetchBackoffMs);
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      t.unref();
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.#wake = done;
    });
  }
}

function key(r: PartitionReplica): string {
  return `${r.topic}\0${r.partition}`;
}

function group(parts: PartitionReplica[]): Map<string, PartitionReplica[]> {
  const m = new Map<string, PartitionReplica[]>();
  for (const r of parts) {
    let l = m.get(r.topic);
    if (!l) m.set(r.topic, (l = []));
    l.push(r);
  }
  return m;
}
