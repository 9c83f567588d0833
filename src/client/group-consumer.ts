// A consumer that is a member of a consumer group (classic protocol): it joins through the group's
// coordinator, the leader assigns partitions with the range assignor, every member reads its partitions from
// the group's committed offsets (or autoOffsetReset), heartbeats in the background, rejoins when the group
// rebalances, and commits its positions (commit(), and on close before LeaveGroup).
//
// Delivery is at least once: records returned by poll() count as processed at the next commit.
import {
  decodeAssignment, decodeSubscription, encodeAssignment, encodeSubscription, ErrorCode, Heartbeat, JoinGroup, LeaveGroup, OffsetCommit, OffsetFetch,
  rangeAssign, SyncGroup, type TopicPartitions,
} from '../protocol/index.js';
import { Cluster, sleep } from './cluster.js';
import type { Connection } from './connection.js';
import { Consumer, type ConsumerOptions, type ConsumerRecord } from './consumer.js';
import { coordinatorFor } from './consumer-groups.js';
import { KafkaClientError, KafkaProtocolError } from './errors.js';

export interface GroupConsumerOptions extends ConsumerOptions {
  groupId: string;
  topics: string[];
  /** The coordinator removes the member after this long without a heartbeat (default 10 s). */
  sessionTimeoutMs?: number;
  /** How long a rebalance may wait for this member to rejoin (default 30 s). */
  rebalanceTimeoutMs?: number;
  /** Default: a third of the session timeout, at most 3 s. */
  heartbeatIntervalMs?: number;
  /** Static membership (KIP-345). */
  groupInstanceId?: string;
}

const REJOIN_ERRORS = new Set<number>([ErrorCode.REBALANCE_IN_PROGRESS, ErrorCode.ILLEGAL_GENERATION, ErrorCode.UNKNOWN_MEMBER_ID]);
const COORDINATOR_ERRORS = new Set<number>([ErrorCode.NOT_COORDINATOR, ErrorCode.COORDINATOR_NOT_AVAILABLE, ErrorCode.COORDINATOR_LOAD_IN_PROGRESS]);

export class GroupConsumer {
  readonly cluster: Cluster;
  readonly groupId: string;
  readonly #options: GroupConsumerOptions;
  readonly #ownsCluster: boolean;
  readonly #sessionTimeoutMs: number;
  readonly #rebalanceTimeoutMs: number;
  readonly #heartbeatIntervalMs: number;
  #coordinator: Connection | null = null;
  #memberId = '';
  #generationId = -1;
  #assignment: TopicPartitions[] = [];
  #reader: Consumer | null = null;
  #needsRejoin = true;
  #heartbeat: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: GroupConsumerOptions) {
    if (options.groupId === '') throw new KafkaClientError('ERR_CLIENT_INVALID_ARGUMENT', 'a group consumer needs a non-empty groupId');
    if (options.topics.length === 0) throw new KafkaClientError('ERR_CLIENT_INVALID_ARGUMENT', 'a group consumer needs at least one topic');
    if (options.cluster) {
      this.cluster = options.cluster;
      this.#ownsCluster = false;
    } else {
      if (options.bootstrap === undefined) throw new KafkaClientError('ERR_CLIENT_INVALID_ARGUMENT', 'group consumer needs `bootstrap` or `cluster`');
      this.cluster = new Cluster({ ...options, bootstrap: options.bootstrap });
      this.#ownsCluster = true;
    }
    this.groupId = options.groupId;
    this.#options = options;
    this.#sessionTimeoutMs = options.sessionTimeoutMs ?? 10_000;
    this.#rebalanceTimeoutMs = options.rebalanceTimeoutMs ?? 30_000;
    this.#heartbeatIntervalMs = options.heartbeatIntervalMs ?? Math.min(3000, Math.floor(this.#sessionTimeoutMs / 3));
  }

  get memberId(): string {
    return this.#memberId;
  }
  get generationId(): number {
    return this.#generationId;
  }
  /** This member's partitions in the current generation. */
  get assignment(): TopicPartitions[] {
    return this.#assignment.map((a) => ({ topic: a.topic, partitions: [...a.partitions] }));
  }

  /** Records from this member's partitions; joins or rejoins the group first when needed. */
  async poll(): Promise<ConsumerRecord[]> {
    if (this.#closed) throw new KafkaClientError('ERR_CLIENT_CLOSED', 'the group consumer was closed');
    if (this.#needsRejoin) await this.#join();
    if (!this.#reader) {
      await sleep(this.#options.maxWaitMs ?? 500);
      return [];
    }
    return this.#reader.poll();
  }

  /** Commits the position (next offset) of every assigned partition. A rebalance in between makes it a no-op. */
  async commit(): Promise<void> {
    if (!this.#reader) return;
    await this.#commit(this.#reader.positions().filter((p) => p.offset >= 0));
  }

  /** Commits just past the last of `records` in each partition (what the caller has processed). */
  async commitRecords(records: ConsumerRecord[]): Promise<void> {
    const next = new Map<string, { topic: string; partition: number; offset: number }>();
    for (const r of records) {
      const k = `${r.topic}:${r.partition}`;
      const cur = next.get(k);
      if (!cur || cur.offset < r.offset + 1) next.set(k, { topic: r.topic, partition: r.partition, offset: r.offset + 1 });
    }
    await this.#commit([...next.values()]);
  }

  async #commit(positions: Array<{ topic: string; partition: number; offset: number }>): Promise<void> {
    if (this.#generationId < 0 || this.#needsRejoin) return;
    if (positions.length === 0) return;
    const topics = new Map<string, OffsetCommit.OffsetCommitRequestPartition[]>();
    for (const p of positions) {
      let list = topics.get(p.topic);
      if (!list) topics.set(p.topic, (list = []));
      list.push({ partitionIndex: p.partition, committedOffset: p.offset, committedLeaderEpoch: -1, committedMetadata: '' });
    }
    const conn = await this.#coordinatorConn();
    const res = await conn.send(OffsetCommit, {
      groupId: this.groupId, generationIdOrMemberEpoch: this.#generationId, memberId: this.#memberId, groupInstanceId: this.#options.groupInstanceId ?? null,
      retentionTimeMs: -1, topics: [...topics].map(([name, partitions]) => ({ name, partitions })),
    });
    for (const t of res.topics) {
      for (const p of t.partitions) {
        if (p.errorCode === ErrorCode.NONE) continue;
        if (REJOIN_ERRORS.has(p.errorCode)) {
          this.#rejoinNeeded(p.errorCode);
          return;
        }
        if (COORDINATOR_ERRORS.has(p.errorCode)) this.#coordinator = null;
        throw new KafkaProtocolError(p.errorCode, `commit ${t.name}-${p.partitionIndex} for group ${this.groupId}`);
      }
    }
  }

  /** Commits the positions (unless `commit` is false), leaves the group (so the others rebalance at once) and closes. */
  async close(options: { commit?: boolean } = {}): Promise<void> {
    if (this.#closed) return;
    clearInterval(this.#heartbeat);
    try {
      if (options.commit ?? true) await this.commit().catch(() => undefined);
      if (this.#memberId !== '' && this.#coordinator && !this.#coordinator.closed) {
        await this.#coordinator.send(LeaveGroup, {
          groupId: this.groupId, memberId: this.#memberId,
          members: [{ memberId: this.#memberId, groupInstanceId: this.#options.groupInstanceId ?? null, reason: 'the consumer is closing' }],
        }).catch(() => undefined);
      }
    } finally {
      this.#closed = true;
      await this.#reader?.close();
      if (this.#ownsCluster) await this.cluster.close();
    }
  }

  async #coordinatorConn(): Promise<Connection> {
    if (this.#coordinator && !this.#coordinator.closed) return this.#coordinator;
    this.#coordinator = await coordinatorFor(this.cluster, this.groupId);
    return this.#coordinator;
  }

  #rejoinNeeded(errorCode: number): void {
    this.#needsRejoin = true;
    if (errorCode === ErrorCode.UNKNOWN_MEMBER_ID) {
      this.#memberId = '';
      this.#generationId = -1;
    }
  }

  /** JoinGroup (+ MEMBER_ID_REQUIRED round), SyncGroup, then positions from the committed offsets. */
  async #join(): Promise<void> {
    clearInterval(this.#heartbeat);
    if (this.#reader) {
      await this.commit().catch(() => undefined);
      await this.#reader.close();
      this.#reader = null;
    }
    const deadline = Date.now() + this.#rebalanceTimeoutMs + this.#sessionTimeoutMs;
    for (let attempt = 0; ; attempt++) {
      if (Date.now() > deadline) throw new KafkaClientError('ERR_CLIENT_TIMEOUT', `could not join group ${this.groupId} within ${this.#rebalanceTimeoutMs + this.#sessionTimeoutMs} ms`);
      const conn = await this.#coordinatorConn();
      const joined = await conn.send(JoinGroup, {
        groupId: this.groupId, sessionTimeoutMs: this.#sessionTimeoutMs, rebalanceTimeoutMs: this.#rebalanceTimeoutMs, memberId: this.#memberId,
        groupInstanceId: this.#options.groupInstanceId ?? null, protocolType: 'consumer',
        protocols: [{ name: 'range', metadata: encodeSubscription({ topics: this.#options.topics }) }], reason: null,
      }, { timeoutMs: this.#rebalanceTimeoutMs + 5000 });
      if (joined.errorCode === ErrorCode.MEMBER_ID_REQUIRED) {
        this.#memberId = joined.memberId;
        continue;
      }
      if (joined.errorCode !== ErrorCode.NONE) {
        if (joined.errorCode === ErrorCode.UNKNOWN_MEMBER_ID) this.#memberId = '';
        else if (COORDINATOR_ERRORS.has(joined.errorCode)) this.#coordinator = null;
        else if (joined.errorCode !== ErrorCode.REBALANCE_IN_PROGRESS) throw new KafkaProtocolError(joined.errorCode, `join group ${this.groupId}`);
        await sleep(Math.min(100 * (attempt + 1), 1000));
        continue;
      }
      this.#memberId = joined.memberId;
      this.#generationId = joined.generationId;
      const assignments = joined.leader === joined.memberId ? await this.#assign(joined.members) : [];
      const synced = await conn.send(SyncGroup, {
        groupId: this.groupId, generationId: joined.generationId, memberId: joined.memberId, groupInstanceId: this.#options.groupInstanceId ?? null,
        protocolType: 'consumer', protocolName: joined.protocolName, assignments,
      }, { timeoutMs: this.#rebalanceTimeoutMs + 5000 });
      if (synced.errorCode !== ErrorCode.NONE) {
        if (REJOIN_ERRORS.has(synced.errorCode)) {
          this.#rejoinNeeded(synced.errorCode);
          continue;
        }
        if (COORDINATOR_ERRORS.has(synced.errorCode)) {
          this.#coordinator = null;
          continue;
        }
        throw new KafkaProtocolError(synced.errorCode, `sync group ${this.groupId}`);
      }
      this.#assignment = decodeAssignment(synced.assignment).assignedPartitions;
      this.#needsRejoin = false;
      break;
    }
    this.#heartbeat = setInterval(() => void this.#beat(), this.#heartbeatIntervalMs);
    this.#heartbeat.unref();
    await this.#startReading();
  }

  async #assign(members: Array<{ memberId: string; metadata: Buffer }>): Promise<Array<{ memberId: string; assignment: Buffer }>> {
    const subscriptions = members.map((m) => ({ memberId: m.memberId, topics: decodeSubscription(m.metadata).topics }));
    const counts = new Map<string, number>();
    for (const topic of new Set(subscriptions.flatMap((s) => s.topics))) {
      const info = await this.cluster.topic(topic, { refresh: true }).catch(() => null);
      if (info && info.errorCode === ErrorCode.NONE) counts.set(topic, info.partitions.length);
    }
    const plan = rangeAssign(subscriptions, counts);
    return [...plan].map(([memberId, tps]) => ({ memberId, assignment: encodeAssignment({ assignedPartitions: tps }) }));
  }

  async #startReading(): Promise<void> {
    if (this.#assignment.every((a) => a.partitions.length === 0)) return;
    const conn = await this.#coordinatorConn();
    const version = conn.versionFor(OffsetFetch);
    const topics = this.#assignment.map((a) => ({ name: a.topic, partitionIndexes: a.partitions }));
    const res = await conn.send(OffsetFetch, { groupId: this.groupId, topics, groups: [{ groupId: this.groupId, topics }], requireStable: false }, { version });
    const committed = new Map<string, number>();
    const tops = version >= 8 ? res.groups[0].topics : res.topics;
    for (const t of tops) for (const p of t.partitions) if (p.errorCode === ErrorCode.NONE && p.committedOffset >= 0) committed.set(`${t.name}:${p.partitionIndex}`, p.committedOffset);
    const reader = new Consumer({ ...this.#options, cluster: this.cluster });
    const reset = this.#options.autoOffsetReset ?? 'latest';
    const assignments = this.#assignment.flatMap((a) => a.partitions.map((p) => {
      const offset = committed.get(`${a.topic}:${p}`);
      if (offset === undefined && reset === 'none') throw new KafkaClientError('ERR_CLIENT_INVALID_ARGUMENT', `no committed offset for ${a.topic}-${p} and autoOffsetReset is none`);
      return { topic: a.topic, partitions: [p], from: offset ?? (reset as 'earliest' | 'latest') };
    }));
    await reader.assign(assignments);
    this.#reader = reader;
  }

  async #beat(): Promise<void> {
    if (this.#needsRejoin || this.#closed) return;
    try {
      const conn = await this.#coordinatorConn();
      const res = await conn.send(Heartbeat, { groupId: this.groupId, generationId: this.#generationId, memberId: this.#memberId, groupInstanceId: this.#options.groupInstanceId ?? null });
      if (REJOIN_ERRORS.has(res.errorCode) || res.errorCode === ErrorCode.FENCED_INSTANCE_ID) this.#rejoinNeeded(res.errorCode);
      else if (COORDINATOR_ERRORS.has(res.errorCode)) this.#coordinator = null;
    } catch {
      this.#coordinator = null; // the next poll finds the coordinator again
    }
  }
}
