// This broker's replicas in a cluster: which partitions it leads or follows (from the partition states the
// controller writes), and the leader's bookkeeping Kafka's Partition.scala keeps — each follower's log end
// offset and when it last caught up, the ISR (grown when a follower reaches the high watermark, shrunk
// when one lags more than replica.lag.time.max.ms; written back to the partition state conditionally on
// its version), and the high watermark: the smallest log end offset in the ISR, so what every in-sync
// replica holds. acks=all producers wait for it (`waitForHighWatermark`); consumers read below it.
// Followers copy their leaders with ReplicaFetchers (replica-fetcher.ts).
import { BrokerError } from '../protocol/index.js';
import type { ClusterMetadataStore, VersionedPartitionState as PartitionState, BrokerRegistration } from '../metadata/index.js';
import type { LogManager, Partition } from '../log/index.js';
import { ReplicaFetcher, type FetcherLogger, type FetcherOptions } from './replica-fetcher.js';

export type Role = 'leader' | 'follower' | 'offline';

interface FollowerProgress {
  logEndOffset: number;
  /** When its fetch offset last reached the leader's log end (Kafka's lastCaughtUpTimeMs). */
  lastCaughtUpMs: number;
}

interface HwWaiter {
  readonly offset: number;
  readonly resolve: () => void;
}

/** One partition this broker holds a replica of. */
export class PartitionReplica {
  role: Role = 'offline';
  leaderId = -1;
  leaderEpoch = -1;
  isr: readonly number[] = [];
  stateVersion = -1;
  /** Follower: ready to fetch once truncated to the leader's epoch boundary. */
  truncated = false;
  highWatermark: number;
  readonly followers = new Map<number, FollowerProgress>();
  waiters: HwWaiter[] = [];
  /** An ISR update in flight (one at a time). */
  isrChange: Promise<void> | undefined;
  becameLeaderMs = 0;
  readonly #hwListeners = new Set<() => void>();

  constructor(readonly topic: string, readonly partition: number, readonly log: Partition, highWatermark: number) {
    this.highWatermark = Math.min(highWatermark, log.logEndOffset);
  }

  /** Calls `wake` once when the high watermark moves (consumers' long polls); returns a cancel function. */
  onHighWatermark(wake: () => void): () => void {
    const once = () => {
      this.#hwListeners.delete(once);
      wake();
    };
    this.#hwListeners.add(once);
    return () => this.#hwListeners.delete(once);
  }

  /** Moves the high watermark up (never down) and wakes producers and consumers waiting for it. */
  advanceHighWatermark(hw: number): boolean {
    if (hw <= this.highWatermark) return false;
    this.highWatermark = hw;
    for (const l of [...this.#hwListeners]) l();
    const due = this.waiters.filter((w) => w.offset <= hw);
    if (due.length > 0) {
      this.waiters = this.waiters.filter((w) => w.offset > hw);
      for (const w of due) w.resolve();
    }
    return true;
  }

  wakeAll(): void {
    for (const l of [...this.#hwListeners]) l();
    const all = this.waiters;
    this.waiters = [];
    for (const w of all) w.resolve();
  }
}

export interface ReplicasOptions {
  /** replica.lag.time.max.ms */
  readonly replicaLagTimeMaxMs: number;
  /** replica.fetch.wait.max.ms, replica.fetch.max.bytes, replica.fetch.response.max.bytes, replica.fetch.backoff.ms */
  readonly fetchWaitMaxMs: number;
  readonly fetchMaxBytes: number;
  readonly fetchResponseMaxBytes: number;
  readonly fetchBackoffMs: number;
  /** Where a broker's Kafka listener is, from its registration. */
  readonly endpointOf: (b: BrokerRegistration) => { host: string; port: number };
  /** TLS and SASL for connecting to a leader's inter-broker listener (absent: plaintext). */
  readonly connectSecurity?: FetcherOptions['connectSecurity'];
  /** follower.replication.throttled.rate for this broker's fetchers (absent: none). */
  readonly followerThrottle?: FetcherOptions['followerThrottle'];
}

export class Replicas {
  readonly #store: ClusterMetadataStore;
  readonly #brokerId: number;
  readonly #logs: LogManager;
  readonly #log: FetcherLogger;
  readonly #opts: ReplicasOptions;
  readonly #replicas = new Map<string, PartitionReplica>();
  readonly #fetchers = new Map<number, ReplicaFetcher>();
  readonly #unsubscribe: Array<() => void> = [];
  readonly #roleListeners = new Set<(r: PartitionReplica, previous: Role) => void>();
  readonly #localTopics = new Set<string>();
  #hwCheckpoint: (topic: string, partition: number) => number;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(store: ClusterMetadataStore, brokerId: number, logs: LogManager, log: FetcherLogger, opts: ReplicasOptions, hwCheckpoint: (topic: string, partition: number) => number = () => 0) {
    this.#store = store;
    this.#brokerId = brokerId;
    this.#logs = logs;
    this.#log = log;
    this.#opts = opts;
    this.#hwCheckpoint = hwCheckpoint;
  }

  get brokerId(): number {
    return this.#brokerId;
  }

  start(): void {
    const sync = () => this.sync();
    this.#unsubscribe.push(this.#store.on('partitionState', sync), this.#store.on('topics', sync), this.#store.on('brokers', sync));
    this.sync();
    // ISR shrink checks, as Kafka's isr-expiration task (every replica.lag.time.max.ms / 2).
    this.#timer = setInterval(() => this.#shrinkIsrs(), Math.max(50, Math.floor(this.#opts.replicaLagTimeMaxMs / 2)));
    this.#timer.unref();
  }

  /** Called with each partition whose role changed (the group coordinator loads/unloads on it). */
  onRoleChange(listener: (r: PartitionReplica, previous: Role) => void): () => void {
    this.#roleListeners.add(listener);
    return () => this.#roleListeners.delete(listener);
  }

  replica(topic: string, partition: number): PartitionReplica | undefined {
    return this.#replicas.get(key(topic, partition));
  }

  all(): PartitionReplica[] {
    return [...this.#replicas.values()];
  }

  /** The partition led here, or a BrokerError a client acts on (refresh metadata, retry). */
  leaderOrError(topic: string, partition: number, currentLeaderEpoch = -1): PartitionReplica {
    const r = this.#replicas.get(key(topic, partition));
    if (!r || r.role !== 'leader') {
      const state = this.#store.partitionState(topic, partition);
      if (!state || state.leader === -1) throw new BrokerError('LEADER_NOT_AVAILABLE', `${topic}-${partition} has no leader right now`);
      throw new BrokerError('NOT_LEADER_OR_FOLLOWER', `Broker ${this.#brokerId} is not the leader of ${topic}-${partition} (broker ${state.leader} is)`);
    }
    if (currentLeaderEpoch > r.leaderEpoch) throw new BrokerError('UNKNOWN_LEADER_EPOCH', `Leader epoch ${currentLeaderEpoch} of ${topic}-${partition} is newer than ${r.leaderEpoch}`);
    if (currentLeaderEpoch >= 0 && currentLeaderEpoch < r.leaderEpoch) throw new BrokerError('FENCED_LEADER_EPOCH', `Leader epoch ${currentLeaderEpoch} of ${topic}-${partition} is older than ${r.leaderEpoch}`);
    return r;
  }

  /**
   * A follower fetched from `fetchOffset` (its log end offset): note its progress, grow the ISR when it
   * caught up, and move the high watermark. Throws a BrokerError for a broker that is no replica.
   */
  recordFollowerFetch(r: PartitionReplica, followerId: number, fetchOffset: number, nowMs = Date.now()): void {
    const t = this.#store.getTopic(r.topic);
    const replicas = t?.replicas[r.partition] ?? [];
    if (!replicas.includes(followerId)) throw new BrokerError('NOT_LEADER_OR_FOLLOWER', `Broker ${followerId} is not a replica of ${r.topic}-${r.partition}`);
    // A replica a reassignment is removing does not rejoin the ISR the controller took it out of.
    const leaving = t?.reassigning?.[r.partition]?.removing.includes(followerId) ?? false;
    let p = r.followers.get(followerId);
    if (!p) r.followers.set(followerId, (p = { logEndOffset: fetchOffset, lastCaughtUpMs: 0 }));
    p.logEndOffset = fetchOffset;
    if (fetchOffset >= r.log.logEndOffset) p.lastCaughtUpMs = nowMs;
    if (!leaving && !r.isr.includes(followerId) && fetchOffset >= r.highWatermark && fetchOffset >= this.#epochStart(r)) {
      this.#changeIsr(r, [...r.isr, followerId], 'follower caught up: added to the ISR');
    }
    this.#maybeAdvanceHighWatermark(r);
  }

  /** After the leader appended: the high watermark may move (an ISR of one), followers will fetch. */
  afterLeaderAppend(r: PartitionReplica): void {
    this.#maybeAdvanceHighWatermark(r);
  }

  /**
   * Resolves once the high watermark reached `offset` (acks=all), or rejects with a BrokerError:
   * REQUEST_TIMED_OUT after `timeoutMs`, NOT_LEADER_OR_FOLLOWER when leadership moved meanwhile.
   */
  waitForHighWatermark(r: PartitionReplica, offset: number, timeoutMs: number): Promise<void> {
    // Writers that append to the log themselves (the group coordinator) come here straight after: with
    // the leader alone in the ISR nothing else would move the high watermark.
    this.#maybeAdvanceHighWatermark(r);
    if (r.highWatermark >= offset) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const epoch = r.leaderEpoch;
      const timer = setTimeout(() => {
        r.waiters = r.waiters.filter((w) => w !== waiter);
        reject(new BrokerError('REQUEST_TIMED_OUT', `${r.topic}-${r.partition}: the ISR did not reach offset ${offset} within ${timeoutMs} ms`));
      }, Math.max(1, timeoutMs));
      const waiter: HwWaiter = {
        offset,
        resolve: () => {
          clearTimeout(timer);
          if (r.role !== 'leader' || r.leaderEpoch !== epoch) reject(new BrokerError('NOT_LEADER_OR_FOLLOWER', `${r.topic}-${r.partition}: leadership moved before the ISR had the records`));
          else resolve();
        },
      };
      r.waiters.push(waiter);
    });
  }

  /** Reads the partition states and acts on changes: become leader, become follower, go offline. */
  sync(): void {
    if (this.#closed) return;
    const wanted = new Set<string>();
    const topics = new Set(this.#store.listTopics().map((t) => t.name));
    // A topic deleted through another broker: its local logs go too, so a topic created again under the
    // same name starts empty.
    for (const name of this.#localTopics) {
      if (topics.has(name)) continue;
      this.#localTopics.delete(name);
      for (const [k, r] of this.#replicas) if (r.topic === name) {
        this.#replicas.delete(k);
        this.#setRole(r, 'offline');
      }
      this.#logs.deleteTopic(name);
      this.#log.info({ topic: name }, 'deleted the local replicas of a deleted topic');
    }
    for (const t of this.#store.listTopics()) {
      this.#localTopics.add(t.name);
      for (let p = 0; p < t.partitions; p++) {
        if (!(t.replicas[p] ?? []).includes(this.#brokerId)) continue;
        const k = key(t.name, p);
        wanted.add(k);
        const state = this.#store.partitionState(t.name, p);
        let r = this.#replicas.get(k);
        if (!r) {
          // A partition newly assigned here gets its log now (created empty, or the one already on disk).
          const log = this.#logs.openPartition(t.name, p, t.configs);
          r = new PartitionReplica(t.name, p, log, this.#hwCheckpoint(t.name, p));
          this.#replicas.set(k, r);
        }
        if (state) this.#apply(r, state);
      }
    }
    for (const [k, r] of this.#replicas) {
      if (wanted.has(k)) continue;
      // No longer a replica here (moved to other brokers): as Kafka's StopReplica with delete, the log goes.
      this.#replicas.delete(k);
      this.#setRole(r, 'offline');
      if (topics.has(r.topic)) {
        this.#logs.deletePartition(r.topic, r.partition);
        this.#log.info({ topic: r.topic, partition: r.partition }, 'deleted the local log of a replica moved to other brokers');
      }
    }
    this.#refreshFetchers();
  }

  #apply(r: PartitionReplica, s: PartitionState): void {
    const changedLeader = s.leader !== r.leaderId || s.leaderEpoch !== r.leaderEpoch;
    r.isr = s.isr;
    r.stateVersion = s.version;
    if (!changedLeader) {
      // The controller shrank the ISR (a dead broker left it): what the rest hold may now be committed.
      this.#maybeAdvanceHighWatermark(r);
      return;
    }
    r.leaderId = s.leader;
    r.leaderEpoch = s.leaderEpoch;
    if (s.leader === this.#brokerId) {
      // Become leader: stamp the new epoch on appends; followers' progress starts unknown.
      r.log.leaderEpoch = s.leaderEpoch;
      r.followers.clear();
      r.truncated = true;
      r.becameLeaderMs = Date.now();
      this.#log.info({ topic: r.topic, partition: r.partition, leaderEpoch: s.leaderEpoch, isr: s.isr, logEndOffset: r.log.logEndOffset, highWatermark: r.highWatermark }, 'became leader');
      this.#setRole(r, 'leader');
      this.#maybeAdvanceHighWatermark(r);
    } else if (s.leader >= 0) {
      r.truncated = false;
      this.#log.info({ topic: r.topic, partition: r.partition, leader: s.leader, leaderEpoch: s.leaderEpoch, logEndOffset: r.log.logEndOffset, highWatermark: r.highWatermark }, 'became follower');
      this.#setRole(r, 'follower');
    } else {
      this.#setRole(r, 'offline');
    }
  }

  #setRole(r: PartitionReplica, role: Role): void {
    const previous = r.role;
    r.role = role;
    if (previous === 'leader' && role !== 'leader') r.wakeAll();
    if (previous !== role) for (const l of this.#roleListeners) l(r, previous);
  }

  /** One fetcher per leader this broker follows; fetchers whose leader no longer leads anything here stop. */
  #refreshFetchers(): void {
    const byLeader = new Map<number, PartitionReplica[]>();
    for (const r of this.#replicas.values()) {
      if (r.role !== 'follower') continue;
      let l = byLeader.get(r.leaderId);
      if (!l) byLeader.set(r.leaderId, (l = []));
      l.push(r);
    }
    for (const [leader, f] of this.#fetchers) {
      if (!byLeader.has(leader)) {
        this.#fetchers.delete(leader);
        f.close();
      }
    }
    for (const [leader, parts] of byLeader) {
      let f = this.#fetchers.get(leader);
      if (!f) {
        const reg = this.#store.liveBrokers().find((b) => b.id === leader);
        if (!reg) continue; // not registered (yet): the next 'brokers' event brings it
        f = new ReplicaFetcher(this.#brokerId, leader, this.#opts.endpointOf(reg), this.#log, this.#opts);
        this.#fetchers.set(leader, f);
        f.start();
      }
      f.setPartitions(parts);
    }
  }

  /** Offset from which the current leader epoch's records start (a follower must reach it to rejoin). */
  #epochStart(r: PartitionReplica): number {
    const e = r.log.epochEndOffset(r.leaderEpoch - 1);
    return e ? e.endOffset : 0;
  }

  #maybeAdvanceHighWatermark(r: PartitionReplica): void {
    if (r.role !== 'leader') return;
    let hw = r.log.logEndOffset;
    for (const id of r.isr) {
      if (id === this.#brokerId) continue;
      const p = r.followers.get(id);
      // A follower in the ISR whose progress is not known yet (this broker just became leader) holds the
      // high watermark where it is, as Kafka's leader does until it hears from it.
      hw = Math.min(hw, p ? p.logEndOffset : r.highWatermark);
    }
    r.advanceHighWatermark(hw);
  }

  #shrinkIsrs(): void {
    const now = Date.now();
    for (const r of this.#replicas.values()) {
      if (r.role !== 'leader' || r.isr.length <= 1) continue;
      const lagging = r.isr.filter((id) => {
        if (id === this.#brokerId) return false;
        const p = r.followers.get(id);
        // A follower at the leader's end is in sync whenever it last fetched; otherwise it must have caught up recently.
        if (p && p.logEndOffset >= r.log.logEndOffset) return false;
        const since = p?.lastCaughtUpMs || r.becameLeaderMs;
        return now - since > this.#opts.replicaLagTimeMaxMs;
      });
      if (lagging.length > 0) this.#changeIsr(r, r.isr.filter((id) => !lagging.includes(id)), `followers ${lagging.join(', ')} lagged more than replica.lag.time.max.ms: removed from the ISR`);
    }
  }

  /** Writes a new ISR into the partition state, conditionally on its version (the controller may have changed it). */
  #changeIsr(r: PartitionReplica, isr: number[], why: string): void {
    if (r.isrChange) return;
    const state = this.#store.partitionState(r.topic, r.partition);
    if (!state || state.leader !== this.#brokerId || state.leaderEpoch !== r.leaderEpoch) return;
    r.isrChange = this.#store.writePartitionState(r.topic, r.partition, { leader: state.leader, leaderEpoch: state.leaderEpoch, isr, controllerEpoch: state.controllerEpoch }, state.version)
      .then((written) => {
        if (!written) return;
        r.isr = written.isr;
        r.stateVersion = written.version;
        this.#log.info({ topic: r.topic, partition: r.partition, isr: written.isr, leaderEpoch: written.leaderEpoch }, why);
        this.#maybeAdvanceHighWatermark(r);
      }, (e: unknown) => this.#log.warn({ topic: r.topic, partition: r.partition, err: (e as Error).message }, 'ISR update failed; retrying later'))
      .finally(() => (r.isrChange = undefined));
  }

  /** Leadership away from this broker before it stops (controlled shutdown): the next in-sync replica leads. */
  async handOffLeadership(): Promise<void> {
    const live = new Set(this.#store.liveBrokers().map((b) => b.id).filter((id) => id !== this.#brokerId));
    for (const r of this.#replicas.values()) {
      if (r.role !== 'leader') continue;
      const t = this.#store.getTopic(r.topic);
      const order = t?.replicas[r.partition] ?? r.isr;
      const next = order.find((id) => id !== this.#brokerId && live.has(id) && r.isr.includes(id));
      const state = this.#store.partitionState(r.topic, r.partition);
      if (next === undefined || !state) continue;
      const written = await this.#store.writePartitionState(r.topic, r.partition, {
        leader: next, leaderEpoch: state.leaderEpoch + 1, isr: state.isr.filter((id) => id !== this.#brokerId), controllerEpoch: state.controllerEpoch,
      }, state.version).catch(() => undefined);
      if (written) this.#log.info({ topic: r.topic, partition: r.partition, leader: next, leaderEpoch: written.leaderEpoch }, 'controlled shutdown: leadership handed over');
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    for (const u of this.#unsubscribe) u();
    for (const f of this.#fetchers.values()) f.close();
    this.#fetchers.clear();
    for (const r of this.#replicas.values()) r.wakeAll();
  }
}

function key(topic: string, partition: number): string {
  return `${topic}\0${partition}`;
}
