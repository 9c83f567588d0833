// One consumer group under the classic group protocol: its members, generation and state machine, and its
// committed offsets (kept in memory here; GroupCoordinator makes them durable).
//
// States (Kafka's GroupMetadata):
//   Empty               no members; may still hold committed offsets
//   PreparingRebalance  members are (re)joining; JoinGroup requests wait until all known members rejoined,
//                       the initial delay has passed (first rebalance of an empty group) or the rebalance
//                       timeout ran out (members that did not rejoin are removed)
//   CompletingRebalance a new generation exists; the leader has the members' subscriptions and is expected to
//                       send the assignments in SyncGroup; other members' SyncGroup requests wait for it
//   Stable              assignments handed out; members heartbeat within session.timeout.ms or are removed
//   Dead                deleted; requests for it get COORDINATOR_NOT_AVAILABLE
//
// Threading: everything runs on the main thread; a waiting JoinGroup/SyncGroup is a parked promise resolved by
// a later request or a timer, never a blocking wait. Timers of one group never touch another group.
import { randomUUID } from 'node:crypto';
import { ErrorCode } from '../protocol/index.js';

export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

export interface ProtocolMetadata {
  name: string;
  metadata: Buffer;
}

export interface JoinGroupParams {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: ProtocolMetadata[];
  /** JoinGroup v4+: a new dynamic member first gets MEMBER_ID_REQUIRED and its id (KIP-394). */
  requireKnownMemberId: boolean;
}

export interface JoinGroupResult {
  errorCode: number;
  generationId: number;
  protocolType: string | null;
  protocolName: string | null;
  leaderId: string;
  memberId: string;
  members: Array<{ memberId: string; groupInstanceId: string | null; metadata: Buffer }>;
  /** The leader must not compute a new assignment (a static leader rejoined a stable group). */
  skipAssignment: boolean;
}

export interface SyncGroupParams {
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  protocolType: string | null;
  protocolName: string | null;
  assignments: Array<{ memberId: string; assignment: Buffer }>;
}

export interface SyncGroupResult {
  errorCode: number;
  protocolType: string | null;
  protocolName: string | null;
  assignment: Buffer;
}

export interface MemberIdentity {
  memberId: string;
  groupInstanceId: string | null;
}

/** A committed offset as stored (OffsetCommitValue) plus where it is. */
export interface CommittedOffset {
  topic: string;
  partition: number;
  offset: number;
  leaderEpoch: number;
  metadata: string;
  commitTimestamp: number;
  expireTimestamp: number;
}

/** What a group needs from its coordinator. */
export interface GroupHost {
  readonly initialRebalanceDelayMs: number;
  /** The clock (Date.now in the broker). */
  now(): number;
  readonly maxGroupSize: number;
  /** Writes the group's metadata record; resolves once it is in the log. */
  storeGroup(group: Group): Promise<void>;
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
}

const EMPTY = Buffer.alloc(0);

export class Member {
  memberId: string;
  readonly groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: ProtocolMetadata[];
  assignment: Buffer = EMPTY;
  joinWaiter: ((r: JoinGroupResult) => void) | null = null;
  syncWaiter: ((r: SyncGroupResult) => void) | null = null;
  /** Sent SyncGroup for the current generation (for the sync timeout). */
  synced = false;
  heartbeatTimer: NodeJS.Timeout | undefined;

  constructor(memberId: string, groupInstanceId: string | null, p: Omit<JoinGroupParams, 'memberId' | 'groupInstanceId' | 'requireKnownMemberId'>) {
    this.memberId = memberId;
    this.groupInstanceId = groupInstanceId;
    this.clientId = p.clientId;
    this.clientHost = p.clientHost;
    this.sessionTimeoutMs = p.sessionTimeoutMs;
    this.rebalanceTimeoutMs = p.rebalanceTimeoutMs;
    this.protocolType = p.protocolType;
    this.protocols = p.protocols;
  }

  metadataFor(protocol: string | null): Buffer {
    return this.protocols.find((p) => p.name === protocol)?.metadata ?? EMPTY;
  }

  sameProtocols(protocols: ProtocolMetadata[]): boolean {
    return protocols.length === this.protocols.length && protocols.every((p, i) => p.name === this.protocols[i].name && p.metadata.equals(this.protocols[i].metadata));
  }
}

export class Group {
  readonly groupId: string;
  state: GroupState = 'Empty';
  protocolType: string | null = null;
  protocolName: string | null = null;
  generationId = 0;
  leaderId: string | null = null;
  /** When the group last changed state (GroupMetadataValue.currentStateTimestamp); offsets of an empty group expire from here. */
  currentStateTimestamp: number;
  readonly members = new Map<string, Member>();
  /** group.instance.id -> current member id (static membership, KIP-345). */
  readonly staticMembers = new Map<string, string>();
  /** Member ids handed out with MEMBER_ID_REQUIRED, waiting for the member's second JoinGroup. */
  readonly pendingMembers = new Map<string, NodeJS.Timeout>();
  readonly offsets = new Map<string, CommittedOffset>();
  /** Serialises this group's writes to __consumer_offsets so the cache follows the log's order. */
  writeChain: Promise<unknown> = Promise.resolve();
  readonly #host: GroupHost;
  #delayUntil = 0;
  #delayTimer: NodeJS.Timeout | undefined;
  #rebalanceTimer: NodeJS.Timeout | undefined;
  #rebalanceStartedAt = 0;
  #syncTimer: NodeJS.Timeout | undefined;

  constructor(groupId: string, host: GroupHost) {
    this.groupId = groupId;
    this.#host = host;
    this.currentStateTimestamp = host.now();
  }

  static offsetKey(topic: string, partition: number): string {
    return `${topic}\u0000${partition}`;
  }

  #transition(state: GroupState): void {
    this.state = state;
    this.currentStateTimestamp = this.#host.now();
  }

  // ---- JoinGroup ---------------------------------------------------------

  join(p: JoinGroupParams): Promise<JoinGroupResult> {
    const fail = (errorCode: number, memberId = p.memberId): Promise<JoinGroupResult> => Promise.resolve(joinError(errorCode, memberId));
    if (this.state === 'Dead') return fail(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    if (!this.#protocolsAcceptable(p.protocolType, p.protocols)) return fail(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    if (p.memberId === '') return this.#joinNewMember(p);
    // A known member id.
    if (this.pendingMembers.has(p.memberId)) {
      clearTimeout(this.pendingMembers.get(p.memberId));
      this.pendingMembers.delete(p.memberId);
      return this.#addMemberAndRebalance(p.memberId, p);
    }
    if (p.groupInstanceId !== null) {
      const current = this.staticMembers.get(p.groupInstanceId);
      if (current !== undefined && current !== p.memberId) return fail(ErrorCode.FENCED_INSTANCE_ID);
    }
    const member = this.members.get(p.memberId);
    if (!member) return fail(ErrorCode.UNKNOWN_MEMBER_ID);
    if (member.groupInstanceId !== p.groupInstanceId) return fail(ErrorCode.FENCED_INSTANCE_ID);
    switch (this.state) {
      case 'PreparingRebalance':
        return this.#updateMemberAndRebalance(member, p);
      case 'CompletingRebalance':
        if (member.sameProtocols(p.protocols)) {
          // The member did not see the join response (e.g. it retried): answer with the current generation.
          this.#touch(member);
          return Promise.resolve(this.#joinResult(member, this.leaderId === member.memberId));
        }
        return this.#updateMemberAndRebalance(member, p);
      case 'Stable':
        if (this.leaderId === member.memberId || !member.sameProtocols(p.protocols)) return this.#updateMemberAndRebalance(member, p);
        this.#touch(member);
        return Promise.resolve(this.#joinResult(member, false));
      case 'Empty':
      default:
        return fail(ErrorCode.UNKNOWN_MEMBER_ID);
    }
  }

  #joinNewMember(p: JoinGroupParams): Promise<JoinGroupResult> {
    const newId = `${p.groupInstanceId ?? (p.clientId || 'member')}-${randomUUID()}`;
    if (p.groupInstanceId !== null) {
      const oldId = this.staticMembers.get(p.groupInstanceId);
      const old = oldId === undefined ? undefined : this.members.get(oldId);
      if (old) return this.#replaceStaticMember(old, newId, p);
    }
    if (this.members.size + this.pendingMembers.size >= this.#host.maxGroupSize) return Promise.resolve(joinError(ErrorCode.GROUP_MAX_SIZE_REACHED, ''));
    if (p.requireKnownMemberId && p.groupInstanceId === null) {
      // KIP-394: hand out the id first, so a member that retries after a timeout cannot leave a ghost behind.
      this.pendingMembers.set(newId, setTimeout(() => this.#expirePending(newId), p.sessionTimeoutMs).unref());
      return Promise.resolve(joinError(ErrorCode.MEMBER_ID_REQUIRED, newId));
    }
    return this.#addMemberAndRebalance(newId, p);
  }

  #addMemberAndRebalance(memberId: string, p: JoinGroupParams): Promise<JoinGroupResult> {
    const member = new Member(memberId, p.groupInstanceId, p);
    if (this.members.size === 0) this.protocolType = p.protocolType;
    this.members.set(memberId, member);
    if (p.groupInstanceId !== null) this.staticMembers.set(p.groupInstanceId, memberId);
    if (this.leaderId === null) this.leaderId = memberId;
    const result = this.#awaitJoin(member);
    if (this.state === 'PreparingRebalance' && this.#delayUntil > this.#host.now()) {
      // New members during the initial delay push it back, up to the rebalance timeout.
      this.#extendInitialDelay();
    }
    this.#maybePrepareRebalance(`member ${memberId} joined`);
    this.#maybeCompleteJoin();
    return result;
  }

  #updateMemberAndRebalance(member: Member, p: JoinGroupParams): Promise<JoinGroupResult> {
    member.protocols = p.protocols;
    member.sessionTimeoutMs = p.sessionTimeoutMs;
    member.rebalanceTimeoutMs = p.rebalanceTimeoutMs;
    member.clientId = p.clientId;
    member.clientHost = p.clientHost;
    const result = this.#awaitJoin(member);
    this.#maybePrepareRebalance(`member ${member.memberId} rejoined`);
    this.#maybeCompleteJoin();
    return result;
  }

  /** A static member came back with a new member id: fence the old id, keep the group stable when nothing changed. */
  #replaceStaticMember(old: Member, newId: string, p: JoinGroupParams): Promise<JoinGroupResult> {
    const oldId = old.memberId;
    const fenced = joinError(ErrorCode.FENCED_INSTANCE_ID, oldId);
    old.joinWaiter?.(fenced);
    old.joinWaiter = null;
    old.syncWaiter?.({ errorCode: ErrorCode.FENCED_INSTANCE_ID, protocolType: this.protocolType, protocolName: this.protocolName, assignment: EMPTY });
    old.syncWaiter = null;
    this.members.delete(oldId);
    old.memberId = newId;
    this.members.set(newId, old);
    this.staticMembers.set(p.groupInstanceId!, newId);
    if (this.leaderId === oldId) this.leaderId = newId;
    const protocolsChanged = !old.sameProtocols(p.protocols);
    old.clientId = p.clientId;
    old.clientHost = p.clientHost;
    old.sessionTimeoutMs = p.sessionTimeoutMs;
    old.rebalanceTimeoutMs = p.rebalanceTimeoutMs;
    old.protocols = p.protocols;
    this.#host.log.info({ group: this.groupId, groupInstanceId: p.groupInstanceId, oldMemberId: oldId, memberId: newId }, 'static member rejoined with a new member id');
    if (this.state === 'Stable' && !protocolsChanged) {
      this.#touch(old);
      const isLeader = this.leaderId === newId;
      const answer = this.#joinResult(old, isLeader);
      answer.skipAssignment = isLeader;
      return this.#host.storeGroup(this).then(() => answer, () => joinError(ErrorCode.UNKNOWN_SERVER_ERROR, newId));
    }
    const result = this.#awaitJoin(old);
    this.#maybePrepareRebalance(`static member ${p.groupInstanceId} rejoined`);
    this.#maybeCompleteJoin();
    return result;
  }

  #awaitJoin(member: Member): Promise<JoinGroupResult> {
    // A retried JoinGroup replaces the earlier one, whose client has given up on it.
    member.joinWaiter?.(joinError(ErrorCode.REBALANCE_IN_PROGRESS, member.memberId));
    this.#touch(member);
    return new Promise((resolve) => {
      member.joinWaiter = resolve;
    });
  }

  #protocolsAcceptable(protocolType: string, protocols: ProtocolMetadata[]): boolean {
    if (protocolType === '' || protocols.length === 0) return false;
    if (this.members.size === 0) return true;
    if (protocolType !== this.protocolType) return false;
    const common = this.#candidateProtocols();
    return protocols.some((p) => common.has(p.name));
  }

  /** Protocol names every member supports. */
  #candidateProtocols(): Set<string> {
    let common: Set<string> | undefined;
    for (const m of this.members.values()) {
      const names = new Set(m.protocols.map((p) => p.name));
      common = common === undefined ? names : new Set([...common].filter((n) => names.has(n)));
    }
    return common ?? new Set();
  }

  /** Kafka's choice: among protocols all members support, the one most members list first. */
  #selectProtocol(): string | null {
    const candidates = this.#candidateProtocols();
    const votes = new Map<string, number>();
    for (const m of this.members.values()) {
      const choice = m.protocols.find((p) => candidates.has(p.name))?.name;
      if (choice !== undefined) votes.set(choice, (votes.get(choice) ?? 0) + 1);
    }
    let best: string | null = null;
    let bestVotes = -1;
    for (const [name, n] of votes) if (n > bestVotes) [best, bestVotes] = [name, n];
    return best;
  }

  #maybePrepareRebalance(reason: string): void {
    if (this.state === 'Stable' || this.state === 'CompletingRebalance' || this.state === 'Empty') this.prepareRebalance(reason);
  }

  /** Moves to PreparingRebalance: pending syncs are told to rejoin, and the join deadline starts. */
  prepareRebalance(reason: string): void {
    const wasEmpty = this.state === 'Empty';
    if (this.state === 'CompletingRebalance') {
      for (const m of this.members.values()) {
        m.assignment = EMPTY;
        m.syncWaiter?.({ errorCode: ErrorCode.REBALANCE_IN_PROGRESS, protocolType: this.protocolType, protocolName: this.protocolName, assignment: EMPTY });
        m.syncWaiter = null;
      }
    }
    clearTimeout(this.#syncTimer);
    this.#transition('PreparingRebalance');
    const now = this.#host.now();
    this.#rebalanceStartedAt = now;
    const rebalanceTimeoutMs = Math.max(0, ...[...this.members.values()].map((m) => m.rebalanceTimeoutMs));
    this.#delayUntil = wasEmpty ? now + Math.min(this.#host.initialRebalanceDelayMs, rebalanceTimeoutMs) : now;
    this.#armDelayTimer(now);
    clearTimeout(this.#rebalanceTimer);
    this.#rebalanceTimer = setTimeout(() => this.#onRebalanceTimeout(), Math.max(rebalanceTimeoutMs, this.#delayUntil - now)).unref();
    this.#host.log.info({ group: this.groupId, generationId: this.generationId, members: this.members.size, reason }, 'preparing to rebalance group');
  }

  #extendInitialDelay(): void {
    const now = this.#host.now();
    const limit = this.#rebalanceStartedAt + Math.max(0, ...[...this.members.values()].map((m) => m.rebalanceTimeoutMs));
    this.#delayUntil = Math.min(now + this.#host.initialRebalanceDelayMs, limit);
    this.#armDelayTimer(now);
  }

  #armDelayTimer(now: number): void {
    clearTimeout(this.#delayTimer);
    if (this.#delayUntil <= now) return;
    this.#delayTimer = setTimeout(() => {
      // Timers may fire a millisecond before the clock reads the deadline: the delay is over when this runs.
      this.#delayUntil = 0;
      this.#maybeCompleteJoin();
    }, this.#delayUntil - now).unref();
  }

  #allMembersJoined(): boolean {
    if (this.pendingMembers.size > 0) return false;
    for (const m of this.members.values()) if (m.joinWaiter === null) return false;
    return true;
  }

  #maybeCompleteJoin(): void {
    if (this.state !== 'PreparingRebalance') return;
    if (this.#host.now() < this.#delayUntil) return;
    if (this.#allMembersJoined()) this.#completeJoin();
  }

  #onRebalanceTimeout(): void {
    if (this.state !== 'PreparingRebalance') return;
    for (const m of [...this.members.values()]) {
      if (m.joinWaiter === null) {
        this.#host.log.info({ group: this.groupId, memberId: m.memberId, groupInstanceId: m.groupInstanceId }, 'member did not rejoin within the rebalance timeout; removed');
        this.#dropMember(m);
      }
    }
    for (const [id, timer] of this.pendingMembers) {
      clearTimeout(timer);
      this.pendingMembers.delete(id);
    }
    this.#completeJoin();
  }

  #completeJoin(): void {
    clearTimeout(this.#delayTimer);
    clearTimeout(this.#rebalanceTimer);
    for (const m of [...this.members.values()]) if (m.joinWaiter === null) this.#dropMember(m);
    this.generationId++;
    if (this.members.size === 0) {
      this.#transition('Empty');
      this.protocolName = null;
      this.leaderId = null;
      this.#host.log.info({ group: this.groupId, generationId: this.generationId }, 'group is empty');
      this.#host.storeGroup(this).catch(() => undefined);
      return;
    }
    this.protocolName = this.#selectProtocol();
    if (this.leaderId === null || !this.members.has(this.leaderId)) this.leaderId = this.members.keys().next().value!;
    this.#transition('CompletingRebalance');
    this.#host.log.info({ group: this.groupId, generationId: this.generationId, protocol: this.protocolName, leader: this.leaderId, members: this.members.size }, 'group rebalanced; awaiting the leader\'s assignment');
    for (const m of this.members.values()) {
      const waiter = m.joinWaiter!;
      m.joinWaiter = null;
      m.synced = false;
      m.assignment = EMPTY;
      this.#touch(m);
      waiter(this.#joinResult(m, m.memberId === this.leaderId));
    }
    // Members (the leader above all) that never send SyncGroup are removed after the rebalance timeout.
    const syncTimeoutMs = Math.max(0, ...[...this.members.values()].map((m) => m.rebalanceTimeoutMs));
    const generation = this.generationId;
    clearTimeout(this.#syncTimer);
    this.#syncTimer = setTimeout(() => this.#onSyncTimeout(generation), syncTimeoutMs).unref();
  }

  #onSyncTimeout(generation: number): void {
    if (this.state !== 'CompletingRebalance' || this.generationId !== generation) return;
    const late = [...this.members.values()].filter((m) => !m.synced);
    for (const m of late) {
      this.#host.log.info({ group: this.groupId, memberId: m.memberId }, 'member did not send SyncGroup within the rebalance timeout; removed');
      this.#dropMember(m);
    }
    this.prepareRebalance('members did not sync in time');
    this.#maybeCompleteJoin();
  }

  #joinResult(member: Member, withMembers: boolean): JoinGroupResult {
    return {
      errorCode: ErrorCode.NONE,
      generationId: this.generationId,
      protocolType: this.protocolType,
      protocolName: this.protocolName,
      leaderId: this.leaderId ?? '',
      memberId: member.memberId,
      members: withMembers ? [...this.members.values()].map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, metadata: m.metadataFor(this.protocolName) })) : [],
      skipAssignment: false,
    };
  }

  // ---- SyncGroup ---------------------------------------------------------

  sync(p: SyncGroupParams): Promise<SyncGroupResult> {
    const fail = (errorCode: number): Promise<SyncGroupResult> => Promise.resolve({ errorCode, protocolType: null, protocolName: null, assignment: EMPTY });
    if (this.state === 'Dead') return fail(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    const check = this.validateMember(p.memberId, p.groupInstanceId, p.generationId);
    if (check !== ErrorCode.NONE) return fail(check);
    if ((p.protocolType !== null && p.protocolType !== this.protocolType) || (p.protocolName !== null && p.protocolName !== this.protocolName)) {
      return fail(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    }
    const member = this.members.get(p.memberId)!;
    switch (this.state) {
      case 'PreparingRebalance':
        return fail(ErrorCode.REBALANCE_IN_PROGRESS);
      case 'Stable':
        this.#touch(member);
        return Promise.resolve({ errorCode: ErrorCode.NONE, protocolType: this.protocolType, protocolName: this.protocolName, assignment: member.assignment });
      case 'CompletingRebalance': {
        this.#touch(member);
        member.synced = true;
        member.syncWaiter?.({ errorCode: ErrorCode.REBALANCE_IN_PROGRESS, protocolType: this.protocolType, protocolName: this.protocolName, assignment: EMPTY });
        const result = new Promise<SyncGroupResult>((resolve) => {
          member.syncWaiter = resolve;
        });
        if (p.memberId === this.leaderId) this.#applyAssignments(p.assignments);
        return result;
      }
      default:
        return fail(ErrorCode.UNKNOWN_MEMBER_ID);
    }
  }

  /** The leader's assignments: stored first, then handed out and the group is Stable. */
  #applyAssignments(assignments: SyncGroupParams['assignments']): void {
    const byMember = new Map(assignments.map((a) => [a.memberId, a.assignment]));
    const generation = this.generationId;
    for (const m of this.members.values()) m.assignment = Buffer.from(byMember.get(m.memberId) ?? EMPTY);
    this.#host.storeGroup(this).then(
      () => {
        if (this.state !== 'CompletingRebalance' || this.generationId !== generation) return;
        clearTimeout(this.#syncTimer);
        this.#transition('Stable');
        this.#host.log.info({ group: this.groupId, generationId: generation, members: this.members.size }, 'group is stable');
        for (const m of this.members.values()) {
          m.syncWaiter?.({ errorCode: ErrorCode.NONE, protocolType: this.protocolType, protocolName: this.protocolName, assignment: m.assignment });
          m.syncWaiter = null;
        }
      },
      () => {
        if (this.state !== 'CompletingRebalance' || this.generationId !== generation) return;
        for (const m of this.members.values()) {
          m.assignment = EMPTY;
          m.syncWaiter?.({ errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, protocolType: this.protocolType, protocolName: this.protocolName, assignment: EMPTY });
          m.syncWaiter = null;
        }
        this.prepareRebalance('storing the assignment failed');
      },
    );
  }

  // ---- Heartbeat, LeaveGroup, membership checks ----------------------------

  /** The error a request from this member (id, instance id, generation) gets, NONE when it may proceed. */
  validateMember(memberId: string, groupInstanceId: string | null, generationId: number): number {
    if (groupInstanceId !== null) {
      const current = this.staticMembers.get(groupInstanceId);
      if (current !== undefined && current !== memberId) return ErrorCode.FENCED_INSTANCE_ID;
    }
    if (!this.members.has(memberId)) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generationId !== this.generationId) return ErrorCode.ILLEGAL_GENERATION;
    return ErrorCode.NONE;
  }

  heartbeat(memberId: string, groupInstanceId: string | null, generationId: number): number {
    if (this.state === 'Dead') return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (this.state === 'Empty') return ErrorCode.UNKNOWN_MEMBER_ID;
    const check = this.validateMember(memberId, groupInstanceId, generationId);
    if (check !== ErrorCode.NONE) return check;
    this.#touch(this.members.get(memberId)!);
    return this.state === 'PreparingRebalance' ? ErrorCode.REBALANCE_IN_PROGRESS : ErrorCode.NONE;
  }

  /** A commit from a member counts as a heartbeat. */
  touch(memberId: string): void {
    const m = this.members.get(memberId);
    if (m) this.#touch(m);
  }

  leave(members: Array<MemberIdentity & { reason: string | null }>): number[] {
    return members.map((l) => {
      let member: Member | undefined;
      if (l.groupInstanceId !== null) {
        const id = this.staticMembers.get(l.groupInstanceId);
        if (id === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
        if (l.memberId !== '' && l.memberId !== id) return ErrorCode.FENCED_INSTANCE_ID;
        member = this.members.get(id);
      } else if (this.pendingMembers.has(l.memberId)) {
        clearTimeout(this.pendingMembers.get(l.memberId));
        this.pendingMembers.delete(l.memberId);
        this.#maybeCompleteJoin();
        return ErrorCode.NONE;
      } else {
        member = this.members.get(l.memberId);
      }
      if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
      this.#host.log.info({ group: this.groupId, memberId: member.memberId, groupInstanceId: member.groupInstanceId, reason: l.reason }, 'member left the group');
      this.removeMember(member);
      return ErrorCode.NONE;
    });
  }

  /** Removes a member (left, expired) and rebalances the rest. */
  removeMember(member: Member): void {
    this.#dropMember(member);
    switch (this.state) {
      case 'Stable':
      case 'CompletingRebalance':
        this.prepareRebalance(`member ${member.memberId} left`);
        this.#maybeCompleteJoin();
        break;
      case 'PreparingRebalance':
        this.#maybeCompleteJoin();
        break;
      default:
        break;
    }
  }

  #dropMember(member: Member): void {
    clearTimeout(member.heartbeatTimer);
    this.members.delete(member.memberId);
    if (member.groupInstanceId !== null && this.staticMembers.get(member.groupInstanceId) === member.memberId) this.staticMembers.delete(member.groupInstanceId);
    member.joinWaiter?.(joinError(ErrorCode.UNKNOWN_MEMBER_ID, member.memberId));
    member.joinWaiter = null;
    member.syncWaiter?.({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID, protocolType: this.protocolType, protocolName: this.protocolName, assignment: EMPTY });
    member.syncWaiter = null;
    if (this.leaderId === member.memberId) this.leaderId = this.members.keys().next().value ?? null;
  }

  /** Restarts the member's session: without a heartbeat (or join/sync/commit) for session.timeout.ms it is removed. */
  #touch(member: Member): void {
    clearTimeout(member.heartbeatTimer);
    member.heartbeatTimer = setTimeout(() => this.#onSessionTimeout(member), member.sessionTimeoutMs).unref();
  }

  #onSessionTimeout(member: Member): void {
    if (this.members.get(member.memberId) !== member) return;
    // A member whose JoinGroup or SyncGroup is parked here cannot heartbeat; it is alive.
    if (member.joinWaiter !== null || member.syncWaiter !== null) {
      this.#touch(member);
      return;
    }
    this.#host.log.info({ group: this.groupId, memberId: member.memberId, groupInstanceId: member.groupInstanceId, sessionTimeoutMs: member.sessionTimeoutMs }, 'member session expired; removed');
    this.removeMember(member);
  }

  #expirePending(memberId: string): void {
    if (!this.pendingMembers.delete(memberId)) return;
    this.#maybeCompleteJoin();
  }

  /** Restores a member from the log (broker start): it keeps its generation and must heartbeat within its session. */
  restoreMember(m: Member): void {
    this.members.set(m.memberId, m);
    if (m.groupInstanceId !== null) this.staticMembers.set(m.groupInstanceId, m.memberId);
    m.synced = true;
    this.#touch(m);
  }

  /** Marks the group deleted and answers anything parked on it. */
  markDead(): void {
    for (const m of [...this.members.values()]) this.#dropMember(m);
    for (const t of this.pendingMembers.values()) clearTimeout(t);
    this.pendingMembers.clear();
    clearTimeout(this.#delayTimer);
    clearTimeout(this.#rebalanceTimer);
    clearTimeout(this.#syncTimer);
    this.#transition('Dead');
  }

  /** Answers parked requests with NOT_COORDINATOR and stops timers (broker shutdown). */
  shutdown(): void {
    for (const m of this.members.values()) {
      clearTimeout(m.heartbeatTimer);
      m.joinWaiter?.(joinError(ErrorCode.NOT_COORDINATOR, m.memberId));
      m.joinWaiter = null;
      m.syncWaiter?.({ errorCode: ErrorCode.NOT_COORDINATOR, protocolType: null, protocolName: null, assignment: EMPTY });
      m.syncWaiter = null;
    }
    for (const t of this.pendingMembers.values()) clearTimeout(t);
    clearTimeout(this.#delayTimer);
    clearTimeout(this.#rebalanceTimer);
    clearTimeout(this.#syncTimer);
  }

  /** Topics the members' consumer subscriptions name (for OffsetDelete); undefined when unknown. */
  subscribedTopics(parse: (metadata: Buffer) => string[] | undefined): Set<string> | undefined {
    const out = new Set<string>();
    for (const m of this.members.values()) {
      const topics = parse(m.metadataFor(this.protocolName));
      if (topics === undefined) return undefined;
      for (const t of topics) out.add(t);
    }
    return out;
  }
}

export function joinError(errorCode: number, memberId: string): JoinGroupResult {
  return { errorCode, generationId: -1, protocolType: null, protocolName: null, leaderId: '', memberId, members: [], skipAssignment: false };
}
