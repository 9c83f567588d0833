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
//    another broker while its preferred replica is alive and in sync is handed back (epoch bumped);
//  - elections on demand (ElectLeaders): preferred, or unclean for partitions without a live leader;
//  - reassignments (KIP-455, as Kafka 3.x in ZooKeeper mode): a request stores the full replica set
//    RS = target + (original - target) with `adding`/`removing` in the topic's assignment; the added replicas
//    start fetching (every broker follows the assignment) and join the ISR when caught up; once every added
//    replica is in the ISR the controller moves leadership into the target set if needed, drops the removed
//    replicas from the ISR, then writes the target as the assignment, and the removed replicas' brokers stop
//    fetching and delete their local copy. The state lives in the store, so a new controller resumes it.
//    (Kafka waits for the whole target to be in the ISR; here only the added replicas must be, so a target
//    replica that was already one and is down or lagging does not hold the move up. A cancel adds nothing
//    and completes at once, leadership first going back to an original replica if an added one led.)
// Writes are conditional on the state's version; a conflict (a leader changed the ISR meanwhile) is
// resolved by re-reading and deciding again. Work is serialized: one pass at a time.
import type { ClusterMetadataStore, PartitionReassignment, PartitionState as StateToWrite, ReplicaAssignmentChange, TopicMetadata, VersionedPartitionState as PartitionState } from '../metadata/index.js';

/** ElectLeaders' election types (KIP-460). */
export type ElectionKind = 'PREFERRED' | 'UNCLEAN';

/** The outcome of one partition's election or reassignment request: `error` is a Kafka error name. */
export interface PartitionOutcome {
  topic: string;
  partition: number;
  error?: string;
  message?: string;
}

/** One partition of an AlterPartitionReassignments request: `replicas` null cancels. */
export interface ReassignmentRequest {
  topic: string;
  partition: number;
  replicas: readonly number[] | null;
}

/** A reassignment in progress, as ListPartitionReassignments reports it. */
export interface OngoingReassignment {
  topic: string;
  partition: number;
  replicas: readonly number[];
  adding: readonly number[];
  removing: readonly number[];
}

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

  /**
   * Leader election on demand (ElectLeaders, `gregor leader-election`), for `partitions` or every partition
   * (undefined). PREFERRED hands leadership to the first replica when it is alive and in the ISR; UNCLEAN elects
   * a leader for partitions without a live one: the first live ISR member, else the first live replica.
   * Errors as Kafka's: ELECTION_NOT_NEEDED, PREFERRED_LEADER_NOT_AVAILABLE, ELIGIBLE_LEADERS_NOT_AVAILABLE,
   * UNKNOWN_TOPIC_OR_PARTITION. Any broker may run it: every write is conditional on the state's version, as
   * the controller's own are, and a conflict is decided again on the fresh state.
   */
  async electLeaders(kind: ElectionKind, partitions?: ReadonlyArray<{ topic: string; partition: number }>): Promise<PartitionOutcome[]> {
    const wanted = partitions ?? this.#store.listTopics().flatMap((t) => Array.from({ length: t.partitions }, (_, partition) => ({ topic: t.name, partition })));
    const out: PartitionOutcome[] = [];
    for (const w of wanted) out.push({ topic: w.topic, partition: w.partition, ...(await this.#electOne(kind, w.topic, w.partition)) });
    return out;
  }

  async #electOne(kind: ElectionKind, topic: string, partition: number): Promise<{ error?: string; message?: string }> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const t = this.#store.getTopic(topic);
      const state = this.#store.partitionState(topic, partition);
      if (!t || !Number.isInteger(partition) || partition < 0 || partition >= t.partitions || !state) return { error: 'UNKNOWN_TOPIC_OR_PARTITION', message: `The partition ${topic}-${partition} does not exist.` };
      const replicas = t.replicas[partition] ?? [];
      const live = this.#live();
      let leader: number;
      if (kind === 'PREFERRED') {
        const preferred = replicas[0];
        if (state.leader === preferred) return { error: 'ELECTION_NOT_NEEDED', message: `Leader election not needed for ${topic}-${partition}: the preferred replica ${preferred} leads.` };
        if (preferred === undefined || !live.has(preferred) || !state.isr.includes(preferred)) {
          return { error: 'PREFERRED_LEADER_NOT_AVAILABLE', message: `Failed to elect leader for partition ${topic}-${partition} under strategy PreferredReplicaPartitionLeaderElectionStrategy: preferred replica ${preferred} is ${preferred !== undefined && live.has(preferred) ? 'not in the ISR' : 'not alive'}.` };
        }
        leader = preferred;
      } else {
        if (state.leader >= 0 && live.has(state.leader)) return { error: 'ELECTION_NOT_NEEDED', message: `Leader election not needed for ${topic}-${partition}: broker ${state.leader} leads.` };
        const candidate = replicas.find((r) => live.has(r) && state.isr.includes(r)) ?? replicas.find((r) => live.has(r));
        if (candidate === undefined) return { error: 'ELIGIBLE_LEADERS_NOT_AVAILABLE', message: `Failed to elect leader for partition ${topic}-${partition} under strategy OfflinePartitionLeaderElectionStrategy(true): no replica of ${replicas.join(',')} is alive.` };
        leader = candidate;
      }
      const isr = state.isr.includes(leader) ? [...state.isr] : [leader];
      const written = await this.#store.writePartitionState(topic, partition, { ...this.#base(state), isr, leader, leaderEpoch: state.leaderEpoch + 1, controllerEpoch: this.#controllerEpoch() }, state.version);
      if (written) {
        this.#log.info({ topic, partition, leader, leaderEpoch: written.leaderEpoch, isr }, kind === 'PREFERRED' ? 'preferred leader elected (ElectLeaders)' : 'unclean leader elected (ElectLeaders)');
        return {};
      }
    }
    return { error: 'REQUEST_TIMED_OUT', message: `The state of ${topic}-${partition} kept changing; try again.` };
  }

  // ---- reassignments ----

  /**
   * AlterPartitionReassignments: validates each partition's target as Kafka's controller does, then stores
   * the reassignment (or its cancellation) in the topic's assignment; the controller carries it out. Any
   * broker may take the request: the store's read-modify-write keeps concurrent changes apart.
   */
  async alterReassignments(requests: readonly ReassignmentRequest[]): Promise<PartitionOutcome[]> {
    const out: PartitionOutcome[] = [];
    const byTopic = new Map<string, ReassignmentRequest[]>();
    for (const r of requests) {
      let l = byTopic.get(r.topic);
      if (!l) byTopic.set(r.topic, (l = []));
      l.push(r);
    }
    for (const [topic, reqs] of byTopic) {
      const outcomes = new Map<ReassignmentRequest, PartitionOutcome>();
      const current = this.#store.getTopic(topic);
      if (!current) {
        for (const r of reqs) out.push({ topic, partition: r.partition, error: 'UNKNOWN_TOPIC_OR_PARTITION', message: 'The partition does not exist.' });
        continue;
      }
      try {
        await this.#store.updateReplicaAssignment(topic, (t) => {
          outcomes.clear();
          const replicas = t.replicas.map((r) => [...r]);
          const reassigning: Record<number, PartitionReassignment> = { ...(t.reassigning ?? {}) };
          let changed = false;
          for (const r of reqs) {
            const verdict = this.#reassignOne(t, r, replicas, reassigning);
            outcomes.set(r, { topic, partition: r.partition, ...verdict });
            if (!verdict.error) changed = true;
          }
          return changed ? { replicas, reassigning } : undefined;
        });
      } catch (e) {
        for (const r of reqs) outcomes.set(r, { topic, partition: r.partition, error: 'UNKNOWN_TOPIC_OR_PARTITION', message: (e as Error).message });
      }
      for (const r of reqs) out.push(outcomes.get(r)!);
    }
    this.#schedule();
    return out;
  }

  /** One partition of a reassignment request, applied to `replicas`/`reassigning` when valid. */
  #reassignOne(t: TopicMetadata, r: ReassignmentRequest, replicas: number[][], reassigning: Record<number, PartitionReassignment>): { error?: string; message?: string } {
    const p = r.partition;
    if (!Number.isInteger(p) || p < 0 || p >= t.partitions) return { error: 'UNKNOWN_TOPIC_OR_PARTITION', message: 'The partition does not exist.' };
    const ongoing = reassigning[p];
    const current = replicas[p]!;
    const origin = current.filter((b) => !(ongoing?.adding ?? []).includes(b));
    if (r.replicas === null) {
      if (!ongoing) return { error: 'NO_REASSIGNMENT_IN_PROGRESS', message: `No reassignment in progress for partition ${t.name}-${p}.` };
      // Cancel: back to the original replicas; the ones being added are dropped at once (the controller
      // moves leadership back first if one of them leads).
      replicas[p] = [...origin, ...current.filter((b) => !origin.includes(b))];
      reassigning[p] = { adding: [], removing: current.filter((b) => !origin.includes(b)) };
      if (reassigning[p].removing.length === 0) {
        replicas[p] = origin;
        delete reassigning[p];
      }
      return {};
    }
    const target = [...r.replicas];
    if (target.length === 0) return { error: 'INVALID_REPLICA_ASSIGNMENT', message: 'Empty replica list specified in partition reassignment.' };
    if (new Set(target).size !== target.length) return { error: 'INVALID_REPLICA_ASSIGNMENT', message: `Duplicate replica ids in partition reassignment replica list: ${target.join(',')}` };
    if (target.some((b) => !Number.isInteger(b) || b < 0)) return { error: 'INVALID_REPLICA_ASSIGNMENT', message: `Invalid broker id in replica list: ${target.join(',')}` };
    const full = [...new Set([...target, ...origin])];
    const adding = full.filter((b) => !origin.includes(b));
    const removing = full.filter((b) => !target.includes(b));
    const live = this.#live();
    if (!adding.every((b) => live.has(b))) {
      return { error: 'INVALID_REPLICA_ASSIGNMENT', message: `Replica assignment has brokers that are not alive. Replica list: ${adding.join(',')}, live broker list: ${[...live].sort((a, b) => a - b).join(',')}` };
    }
    if (adding.length === 0 && removing.length === 0) {
      replicas[p] = target;
      delete reassigning[p];
    } else {
      replicas[p] = full;
      reassigning[p] = { adding, removing };
    }
    return {};
  }

  /** Reassignments in progress (ListPartitionReassignments), for `partitions` or all. */
  listReassignments(partitions?: ReadonlyArray<{ topic: string; partition: number }>): OngoingReassignment[] {
    const out: OngoingReassignment[] = [];
    const wanted = partitions && new Set(partitions.map((p) => `${p.topic}\0${p.partition}`));
    for (const t of this.#store.listTopics()) {
      for (const [p, r] of Object.entries(t.reassigning ?? {})) {
        const partition = Number(p);
        if (wanted && !wanted.has(`${t.name}\0${partition}`)) continue;
        out.push({ topic: t.name, partition, replicas: t.replicas[partition] ?? [], adding: r.adding, removing: r.removing });
      }
    }
    return out;
  }

  /** Carries a stored reassignment one step further when its added replicas are in sync. */
  async #advanceReassignment(t: TopicMetadata, p: number, r: PartitionReassignment, state: PartitionState, live: Set<number>): Promise<void> {
    const replicas = t.replicas[p] ?? [];
    const target = replicas.filter((b) => !r.removing.includes(b));
    if (!r.adding.every((b) => state.isr.includes(b))) return; // still catching up
    let leader = state.leader;
    if (!target.includes(leader) || !live.has(leader)) {
      const next = target.find((b) => live.has(b) && state.isr.includes(b));
      if (next === undefined) return; // no target replica can lead yet
      leader = next;
    }
    const isr = state.isr.filter((b) => target.includes(b));
    if (leader !== state.leader || isr.length !== state.isr.length) {
      const moved = leader !== state.leader;
      const done = await this.#write(t.name, p, { ...this.#base(state), leader, leaderEpoch: moved ? state.leaderEpoch + 1 : state.leaderEpoch, isr }, state.version,
        moved ? 'reassignment: leadership moved into the target replicas' : 'reassignment: removed replicas left the ISR');
      if (!done) return;
    }
    const before = JSON.stringify(r);
    await this.#store.updateReplicaAssignment(t.name, (cur): ReplicaAssignmentChange | undefined => {
      const ongoing = cur.reassigning?.[p];
      if (!ongoing || JSON.stringify(ongoing) !== before) return undefined; // changed meanwhile: next pass
      const reassigning = { ...cur.reassigning };
      delete reassigning[p];
      const next = cur.replicas.map((x) => [...x]);
      next[p] = (cur.replicas[p] ?? []).filter((b) => !ongoing.removing.includes(b));
      return { replicas: next, reassigning };
    });
    this.#log.info({ topic: t.name, partition: p, replicas: target, removed: r.removing, added: r.adding }, 'reassignment completed');
  }

  #controllerEpoch(): number {
    return this.#epoch ?? this.#store.controller()?.epoch ?? 0;
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
    return { leader: state.leader, leaderEpoch: state.leaderEpoch, isr: state.isr, controllerEpoch: this.#controllerEpoch() };
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
    const reassignment = t.reassigning?.[p];
    if (reassignment) {
      await this.#advanceReassignment(t, p, reassignment, state, live);
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
