// A WebSocket client as a member of a Kafka consumer group: the gateway runs the classic group
// protocol on its behalf against the broker's group coordinator (in-process), so a browser shares
// a group's partitions with kafkajs, librdkafka or Java members. It speaks the "consumer" embedded
// protocol those clients use (ConsumerProtocolSubscription/Assignment v0, src/protocol's codec)
// and offers the assignors kafkajs (RoundRobinAssigner) and the Java client (range, roundrobin) name,
// so the group finds a common protocol; when this member leads, it assigns round-robin (or range).
// Eager rebalancing: on a rebalance the member commits what the client acknowledged, drops its
// partitions and rejoins; it resumes each assigned partition at the group's committed offset.
import { ASSIGNORS, decodeAssignment, decodeSubscription, encodeAssignment, encodeSubscription, ErrorCode, roundRobinAssign } from '../protocol/index.js';

/** The part of the broker's GroupCoordinator (src/group) this member uses. */
export interface GroupCoordinatorApi {
  joinGroup(groupId: string, p: {
    memberId: string; groupInstanceId: string | null; clientId: string; clientHost: string; sessionTimeoutMs: number; rebalanceTimeoutMs: number;
    protocolType: string; protocols: Array<{ name: string; metadata: Buffer }>; requireKnownMemberId: boolean;
  }): Promise<{ errorCode: number; generationId: number; protocolName: string | null; leaderId: string; memberId: string; members: Array<{ memberId: string; metadata: Buffer }>; skipAssignment: boolean }>;
  syncGroup(groupId: string, p: { generationId: number; memberId: string; groupInstanceId: string | null; protocolType: string | null; protocolName: string | null; assignments: Array<{ memberId: string; assignment: Buffer }> }):
    Promise<{ errorCode: number; assignment: Buffer }>;
  heartbeat(groupId: string, memberId: string, groupInstanceId: string | null, generationId: number): number;
  leaveGroup(groupId: string, members: Array<{ memberId: string; groupInstanceId: string | null; reason: string | null }>): unknown;
  commitOffsets(groupId: string, p: { generationId: number; memberId: string; groupInstanceId: string | null; retentionTimeMs: number; offsets: Array<{ topic: string; partition: number; offset: number; leaderEpoch: number; metadata: string | null }> }):
    Promise<Array<{ topic: string; partition: number; errorCode: number }>>;
  fetchOffsets(groupId: string, topics: Array<{ name: string; partitions: number[] }> | null): { errorCode: number; offsets: Array<{ topic: string; partition: number; offset: number; errorCode: number }> };
  listGroups(statesFilter: string[]): Array<{ groupId: string; protocolType: string; state: string }>;
  describeGroup(groupId: string): { errorCode: number; state: string; members: Array<{ memberId: string; clientId: string; assignment: Buffer }> };
}

/** The assignors announced, in preference order: kafkajs's RoundRobinAssigner, then the Java client's names. */
export const ASSIGNOR_NAMES = ['RoundRobinAssigner', 'roundrobin', 'range'] as const;

export interface MemberHost {
  /** Replaces the partitions this member reads; offsets are where to start (the group's committed ones). */
  assigned(generation: number, partitions: Array<{ topic: string; partition: number; offset: number | null }>): void;
  revoked(): void;
  /** Next offsets to commit (what the client acknowledged) for the partitions this member holds. */
  acknowledged(): Array<{ topic: string; partition: number; offset: number }>;
  notify(msg: Record<string, unknown>): void;
  partitionsOf(topic: string): number;
  log: { warn(o: object, m: string): void; info(o: object, m: string): void };
}

const HEARTBEAT_MS = 3000;

/** One WebSocket's membership in one group. */
export class GroupMember {
  #memberId = '';
  #generation = -1;
  #heartbeat: NodeJS.Timeout | undefined;
  #joining = false;
  #closed = false;

  constructor(readonly coordinator: GroupCoordinatorApi, readonly groupId: string, readonly topics: string[], readonly host: MemberHost,
    readonly sessionTimeoutMs = 30_000, readonly clientHost = '') {}

  get memberId(): string {
    return this.#memberId;
  }
  get generation(): number {
    return this.#generation;
  }

  /** Joins (or rejoins) and syncs; resolves once partitions are assigned, or the member gave up with an error message. */
  async join(): Promise<void> {
    if (this.#joining || this.#closed) return;
    this.#joining = true;
    this.#stopHeartbeat();
    try {
      for (let attempt = 0; attempt < 20 && !this.#closed; attempt++) {
        const metadata = encodeSubscription({ topics: this.topics });
        const j = await this.coordinator.joinGroup(this.groupId, {
          memberId: this.#memberId, groupInstanceId: null, clientId: 'gregor-websocket', clientHost: this.clientHost,
          sessionTimeoutMs: this.sessionTimeoutMs, rebalanceTimeoutMs: 60_000, protocolType: 'consumer',
          protocols: ASSIGNOR_NAMES.map((name) => ({ name, metadata })), requireKnownMemberId: false,
        });
        if (this.#closed) return;
        if (j.errorCode === ErrorCode.MEMBER_ID_REQUIRED) {
          this.#memberId = j.memberId;
          continue;
        }
        if (j.errorCode === ErrorCode.UNKNOWN_MEMBER_ID) {
          this.#memberId = '';
          continue;
        }
        if (j.errorCode === ErrorCode.REBALANCE_IN_PROGRESS) continue;
        if (j.errorCode !== ErrorCode.NONE) {
          this.host.notify({ type: 'error', error_code: j.errorCode, message: `joining group ${this.groupId} failed` });
          return;
        }
        this.#memberId = j.memberId;
        this.#generation = j.generationId;
        let assignments: Array<{ memberId: string; assignment: Buffer }> = [];
        if (j.leaderId === j.memberId && !j.skipAssignment) {
          const members = j.members.map((m) => ({ memberId: m.memberId, topics: decodeSubscription(m.metadata).topics }));
          const topics = new Set(members.flatMap((m) => m.topics));
          const assign = ASSIGNORS.get(j.protocolName ?? 'roundrobin') ?? roundRobinAssign;
          const plan = assign(members, new Map([...topics].map((t) => [t, this.host.partitionsOf(t)])));
          assignments = [...plan].map(([memberId, assignedPartitions]) => ({ memberId, assignment: encodeAssignment({ assignedPartitions }) }));
        }
        const s = await this.coordinator.syncGroup(this.groupId, { generationId: j.generationId, memberId: j.memberId, groupInstanceId: null, protocolType: 'consumer', protocolName: j.protocolName, assignments });
        if (this.#closed) return;
        if (s.errorCode === ErrorCode.REBALANCE_IN_PROGRESS || s.errorCode === ErrorCode.ILLEGAL_GENERATION) continue;
        if (s.errorCode === ErrorCode.UNKNOWN_MEMBER_ID) {
          this.#memberId = '';
          continue;
        }
        if (s.errorCode !== ErrorCode.NONE) {
          this.host.notify({ type: 'error', error_code: s.errorCode, message: `syncing group ${this.groupId} failed` });
          return;
        }
        const assigned = decodeAssignment(s.assignment).assignedPartitions;
        const parts = assigned.flatMap((a) => a.partitions.map((partition) => ({ topic: a.topic, partition })));
        const committed = this.coordinator.fetchOffsets(this.groupId, assigned.map((a) => ({ name: a.topic, partitions: a.partitions })));
        const at = new Map(committed.offsets.filter((o) => o.errorCode === ErrorCode.NONE && o.offset >= 0).map((o) => [`${o.topic}/${o.partition}`, o.offset]));
        this.host.assigned(this.#generation, parts.map((p) => ({ ...p, offset: at.get(`${p.topic}/${p.partition}`) ?? null })));
        this.#startHeartbeat();
        return;
      }
    } finally {
      this.#joining = false;
    }
  }

  /** Commits the client's acknowledged offsets under this generation; returns per-partition error codes. */
  async commit(): Promise<Array<{ topic: string; partition: number; errorCode: number }>> {
    const offsets = this.host.acknowledged();
    if (offsets.length === 0 || this.#generation < 0) return [];
    return this.coordinator.commitOffsets(this.groupId, {
      generationId: this.#generation, memberId: this.#memberId, groupInstanceId: null, retentionTimeMs: -1,
      offsets: offsets.map((o) => ({ ...o, leaderEpoch: -1, metadata: null })),
    });
  }

  #startHeartbeat(): void {
    this.#stopHeartbeat();
    this.#heartbeat = setInterval(() => {
      if (this.#closed || this.#joining) return;
      const code = this.coordinator.heartbeat(this.groupId, this.#memberId, null, this.#generation);
      if (code === ErrorCode.NONE) return;
      // A rebalance (or a lost membership): commit what was acknowledged, give the partitions up, rejoin.
      if (code === ErrorCode.UNKNOWN_MEMBER_ID) this.#memberId = '';
      this.#stopHeartbeat();
      const rejoin = async () => {
        if (code === ErrorCode.REBALANCE_IN_PROGRESS) await this.commit().catch(() => []);
        this.host.revoked();
        this.host.notify({ type: 'revoked', group: this.groupId });
        await this.join();
      };
      rejoin().catch((e) => this.host.log.warn({ group: this.groupId, err: (e as Error).message }, 'websocket group member rejoin failed'));
    }, HEARTBEAT_MS);
    this.#heartbeat.unref();
  }

  #stopHeartbeat(): void {
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
  }

  /** Commits what was acknowledged and leaves the group (the socket closed). */
  async leave(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#stopHeartbeat();
    if (this.#memberId === '') return;
    await this.commit().catch(() => []);
    this.coordinator.leaveGroup(this.groupId, [{ memberId: this.#memberId, groupInstanceId: null, reason: 'websocket closed' }]);
  }
}
