// The controller: one broker of the cluster, elected through the metadata store (ZooKeeper's ephemeral
// /controller znode and /controller_epoch, as Kafka 3.x in ZooKeeper mode), decides each partition's
// leader and writes it into the partition's state; every broker acts on those states (partition-roles.ts).
//
// What it does, as Kafka's controller does:
//  - new partitions: the first live replica (in assignment order, so the preferred one when alive) leads,
//    the live replicas form the ISR, leader epoch 0;
//  - a leader gone: the next leader comes from the ISR (the first live member in assignment order) with
//    the leader epoch bumped; with none left the partition goes offline (leader -1) and keeps its last
//    ISR, unless unclean.leader.election.enable lets an out-of-sync live replica lead;
//  - brokers gone from the ISR of partitions whose leader lives are removed from it;
//  - preferred leaders: when auto.leader.rebalance.enable, every `rebalanceIntervalMs` a partition led by
//    another broker while its preferred replica is alive and in sync is handed back (epoch bumped).
// Writes are conditional on the state's version; a conflict (a leader changed the ISR meanwhile) is
// resolved by re-reading and deciding again. Work is serialized: one pass at a time.
import type { ClusterMetadataStore, PartitionState as StateToWrite, TopicMetadata, VersionedPartitionState as PartitionState } from '../metadata/index.js';

export interface ControllerLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface ControllerOptions {
  /** unclean.leader.election.enable of the topic. */
  readonly uncleanLeaderElection: (topic: string) => boolean;
  /** auto.leader.rebalance.enable */
  readonly autoRebalance: boolean;
  /** leader.imbalance.check.interval.seconds, in ms. */
  readonly rebalanceIntervalMs: number;
}

export class Controller {
  readonly #store: ClusterMetadataStore;
  readonly #brokerId: number;
  readonly #log: ControllerLogger;
  readonly #opts: ControllerOptions;
  readonly #unsubscribe: Array<() => void> = [];
  #epoch: number | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #closed = false;
  #rebalanceTimer: NodeJS.Timeout | undefined;

  constructor(store: ClusterMetadataStore, brokerId: number, log: ControllerLogger, opts: ControllerOptions) {
    this.#store = store;
    this.#brokerId = brokerId;
    this.#log = log;
    this.#opts = opts;
  }

  /** Whether this broker is the controller now. */
  get active(): boolean {
    return this.#epoch !== undefined && this.#store.controller()?.id === this.#brokerId;
  }

  get epoch(): number | undefined {
    return this.#epoch;
  }

  /** Starts taking part in the election, and controlling once elected. */
  async start(): Promise<void> {
    this.#unsubscribe.push(
      this.#store.on('controller', () => void this.#elect()),
      this.#store.on('brokers', () => this.#schedule()),
      this.#store.on('topics', () => this.#schedule()),
      this.#store.on('partitionState', () => this.#schedule()),
      this.#store.on('reconnected', () => void this.#elect()),
    );
    await this.#elect();
    if (this.#opts.autoRebalance) {
      this.#rebalanceTimer = setInterval(() => this.#schedule(true), Math.max(100, this.#opts.rebalanceIntervalMs));
      this.#rebalanceTimer.unref();
    }
  }

  /** Waits for the pass in progress (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.#running) await this.#running;
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#rebalanceTimer);
    for (const u of this.#unsubscribe) u();
    await this.settled().catch(() => {});
    if (this.active) await this.#store.resignController(this.#brokerId).catch(() => {});
    this.#epoch = undefined;
  }

  /** Preferred-replica election on demand (ElectLeaders, `gregor leader-election`): the partitions it moved. */
  async electPreferred(partitions?: ReadonlyArray<{ topic: string; partition: number }>): Promise<Array<{ topic: string; partition: number; error?: string }>> {
    if (!this.active) throw new Error('this broker is not the controller');
    const wanted = partitions ?? this.#store.listTopics().flatMap((t) => Array.from({ length: t.partitions }, (_, partition) => ({ topic: t.name, partition })));
    const out: Array<{ topic: string; partition: number; error?: string }> = [];
    for (const w of wanted) {
      const t = this.#store.getTopic(w.topic);
      const state = this.#store.partitionState(w.topic, w.partition);
      if (!t || !state || w.partition >= t.partitions) {
        out.push({ ...w, error: 'UNKNOWN_TOPIC_OR_PARTITION' });
        continue;
      }
      const preferred = t.replicas[w.partition]![0]!;
      if (state.leader === preferred) {
        out.push({ ...w, error: 'ELECTION_NOT_NEEDED' });
        continue;
      }
      const live = this.#live();
      if (!live.has(preferred) || !state.isr.includes(preferred)) {
        out.push({ ...w, error: 'PREFERRED_LEADER_NOT_AVAILABLE' });
        continue;
      }
      const done = await this.#write(w.topic, w.partition, { ...this.#base(state), leader: preferred, leaderEpoch: state.leaderEpoch + 1 }, state.version, 'preferred leader elected');
      out.push(done ? w : { ...w, error: 'NOT_CONTROLLER' });
    }
    return out;
  }

  async #elect(): Promise<void> {
    if (this.#closed) return;
    const current = this.#store.controller();
    if (current && current.id !== this.#brokerId) {
      if (this.#epoch !== undefined) this.#log.info({ controller: current.id, epoch: current.epoch }, 'no longer the controller');
      this.#epoch = undefined;
      return;
    }
    if (current?.id === this.#brokerId && this.#epoch !== undefined) return;
    try {
      const epoch = await this.#store.electController(this.#brokerId);
      if (epoch === undefined) return;
      this.#epoch = epoch;
      this.#log.info({ brokerId: this.#brokerId, controllerEpoch: epoch }, 'elected controller');
      this.#schedule();
    } catch (e) {
      this.#log.warn({ err: (e as Error).message }, 'controller election failed; retrying on the next change');
    }
  }

  /** Runs a pass now, or once more after the one in progress. */
  #schedule(rebalance = false): void {
    if (this.#closed || !this.active) return;
    if (this.#running) {
      this.#again = true;
      this.#rebalanceWanted ||= rebalance;
      return;
    }
    this.#rebalanceWanted ||= rebalance;
    this.#running = (async () => {
      try {
        do {
          this.#again = false;
          const r = this.#rebalanceWanted;
          this.#rebalanceWanted = false;
          await this.#pass(r);
        } while (this.#again && this.active && !this.#closed);
      } catch (e) {
        this.#log.error({ err: e }, 'controller pass failed');
      } finally {
        this.#running = undefined;
      }
    })();
  }

  #rebalanceWanted = false;

  #live(): Set<number> {
    return new Set(this.#store.liveBrokers().map((b) => b.id));
  }

  #base(state: PartitionState): StateToWrite {
    return { leader: state.leader, leaderEpoch: state.leaderEpoch, isr: state.isr, controllerEpoch: this.#epoch! };
  }

  /** One look at every partition; writes what must change. */
  async #pass(rebalance: boolean): Promise<void> {
    const live = this.#live();
    for (const t of this.#store.listTopics()) {
      for (let p = 0; p < t.partitions; p++) {
        if (!this.active || this.#closed) return;
        await this.#decide(t, p, live, rebalance);
      }
    }
  }

  async #decide(t: TopicMetadata, p: number, live: Set<number>, rebalance: boolean): Promise<void> {
    const replicas = t.replicas[p] ?? [];
    const state = this.#store.partitionState(t.name, p);
    if (!state) {
      const isr = replicas.filter((r) => live.has(r));
      const leader = isr[0] ?? -1;
      await this.#write(t.name, p, { leader, leaderEpoch: 0, isr: leader === -1 ? [...replicas] : isr, controllerEpoch: this.#epoch! }, -1, leader === -1 ? 'new partition offline: no replica is alive' : 'new partition');
      return;
    }
    if (state.leader === -1 || !live.has(state.leader)) {
      const inSync = replicas.filter((r) => state.isr.includes(r) && live.has(r));
      let leader = inSync[0] ?? -1;
      let isr = inSync;
      let why = 'leader elected from the ISR';
      if (leader === -1 && this.#opts.uncleanLeaderElection(t.name)) {
        leader = replicas.find((r) => live.has(r)) ?? -1;
        isr = leader === -1 ? [] : [leader];
        why = 'unclean leader election: no ISR member is alive';
      }
      if (leader === -1) {
        // Offline: keep the last ISR, so the last in-sync broker to return is the one that leads.
        if (state.leader !== -1) await this.#write(t.name, p, { ...this.#base(state), leader: -1, leaderEpoch: state.leaderEpoch + 1 }, state.version, 'partition offline: no in-sync replica is alive');
        return;
      }
      await this.#write(t.name, p, { leader, leaderEpoch: state.leaderEpoch + 1, isr, controllerEpoch: this.#epoch! }, state.version, why);
      return;
    }
    const isr = state.isr.filter((r) => live.has(r));
    if (isr.length !== state.isr.length) {
      await this.#write(t.name, p, { ...this.#base(state), isr }, state.version, 'dead brokers removed from the ISR');
      return;
    }
    const preferred = replicas[0];
    if (rebalance && preferred !== undefined && preferred !== state.leader && live.has(preferred) && state.isr.includes(preferred)) {
      await this.#write(t.name, p, { ...this.#base(state), leader: preferred, leaderEpoch: state.leaderEpoch + 1 }, state.version, 'preferred leader restored (auto.leader.rebalance.enable)');
    }
  }

  async #write(topic: string, partition: number, next: StateToWrite, version: number, why: string): Promise<boolean> {
    const written = await this.#store.writePartitionState(topic, partition, next, version);
    if (!written) {
      // Changed meanwhile (a leader's ISR update, or a topic deleted): look again on the next pass.
      this.#again = true;
      return false;
    }
    this.#log.info({ topic, partition, leader: next.leader, leaderEpoch: next.leaderEpoch, isr: next.isr, controllerEpoch: next.controllerEpoch }, why);
    return true;
  }
}
