// Consumer group administration (what kafka-consumer-groups.sh does): list, describe with committed offsets,
// commit offsets from outside the group (reset), and delete groups. Requests for a group go to its coordinator.
import { decodeAssignment, DeleteGroups, DescribeGroups, ErrorCode, FindCoordinator, ListGroups, OffsetCommit, OffsetFetch, type TopicPartitions } from '../protocol/index.js';
import type { Cluster } from './cluster.js';
import type { Connection } from './connection.js';
import { KafkaProtocolError } from './errors.js';

export interface GroupListing {
  groupId: string;
  protocolType: string;
  state: string;
}

export interface GroupMemberDescription {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  /** Decoded consumer-protocol assignment (empty while the group is not Stable). */
  assignment: TopicPartitions[];
}

export interface GroupDescription {
  groupId: string;
  state: string;
  protocolType: string;
  protocol: string;
  members: GroupMemberDescription[];
}

export interface CommittedOffset {
  topic: string;
  partition: number;
  /** -1: nothing committed. */
  offset: number;
  metadata: string | null;
}

/** The coordinator of `groupId`, found with FindCoordinator (retrying while it is not available yet). */
export async function coordinatorFor(cluster: Cluster, groupId: string): Promise<Connection> {
  for (let attempt = 0; ; attempt++) {
    const conn = await cluster.anyConnection();
    const version = conn.versionFor(FindCoordinator);
    const res = await conn.send(FindCoordinator, { key: groupId, keyType: 0, coordinatorKeys: [groupId] }, { version });
    const c = version >= 4 ? res.coordinators[0] : { errorCode: res.errorCode, errorMessage: res.errorMessage, nodeId: res.nodeId };
    if (c && c.errorCode === ErrorCode.NONE) return cluster.connectionFor(c.nodeId);
    const err = new KafkaProtocolError(c?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR, `find coordinator for group ${groupId}`, c?.errorMessage ?? null);
    if (!err.retriable || attempt >= 10) throw err;
    await new Promise((r) => setTimeout(r, 100 * (attempt + 1)));
  }
}

export class ConsumerGroups {
  constructor(readonly cluster: Cluster) {}

  /** Every group on every broker, sorted by id. */
  async list(): Promise<GroupListing[]> {
    await this.cluster.refreshMetadata([]);
    const brokers = this.cluster.brokers.length > 0 ? this.cluster.brokers.map((b) => b.nodeId) : [-1];
    const out: GroupListing[] = [];
    for (const nodeId of brokers) {
      const conn = nodeId < 0 ? await this.cluster.anyConnection() : await this.cluster.connectionFor(nodeId);
      const res = await conn.send(ListGroups, { statesFilter: [] });
      if (res.errorCode !== ErrorCode.NONE) throw new KafkaProtocolError(res.errorCode, 'list groups');
      for (const g of res.groups) out.push({ groupId: g.groupId, protocolType: g.protocolType, state: g.groupState });
    }
    return out.sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
  }

  async describe(groupId: string): Promise<GroupDescription> {
    const conn = await coordinatorFor(this.cluster, groupId);
    const res = await conn.send(DescribeGroups, { groups: [groupId], includeAuthorizedOperations: false });
    const g = res.groups[0];
    if (g.errorCode !== ErrorCode.NONE) throw new KafkaProtocolError(g.errorCode, `describe group ${groupId}`);
    return {
      groupId, state: g.groupState, protocolType: g.protocolType, protocol: g.protocolData,
      members: g.members.map((m) => ({
        memberId: m.memberId, groupInstanceId: m.groupInstanceId, clientId: m.clientId, clientHost: m.clientHost,
        assignment: g.protocolType === 'consumer' ? safeDecodeAssignment(m.memberAssignment) : [],
      })),
    };
  }

  /** Committed offsets of a group: all of them, or of the given topics' partitions. */
  async fetchOffsets(groupId: string, topics: TopicPartitions[] | null = null): Promise<CommittedOffset[]> {
    const conn = await coordinatorFor(this.cluster, groupId);
    const version = conn.versionFor(OffsetFetch);
    const asked = topics === null ? null : topics.map((t) => ({ name: t.topic, partitionIndexes: t.partitions }));
    const res = await conn.send(OffsetFetch, { groupId, topics: asked, groups: [{ groupId, topics: asked }], requireStable: false }, { version });
    const out: CommittedOffset[] = [];
    const collect = (errorCode: number, ts: Array<{ name: string; partitions: Array<{ partitionIndex: number; committedOffset: number; metadata: string | null; errorCode: number }> }>) => {
      if (errorCode !== ErrorCode.NONE) throw new KafkaProtocolError(errorCode, `fetch offsets of group ${groupId}`);
      for (const t of ts) {
        for (const p of t.partitions) {
          if (p.errorCode !== ErrorCode.NONE) throw new KafkaProtocolError(p.errorCode, `fetch offset of ${t.name}-${p.partitionIndex} for group ${groupId}`);
          out.push({ topic: t.name, partition: p.partitionIndex, offset: p.committedOffset, metadata: p.metadata });
        }
      }
    };
    if (version >= 8) collect(res.groups[0].errorCode, res.groups[0].topics);
    else collect(res.errorCode, res.topics);
    return out;
  }

  /** Commits offsets as an outsider (generation -1): only allowed while the group has no members. */
  async commitOffsets(groupId: string, offsets: Array<{ topic: string; partition: number; offset: number }>): Promise<void> {
    const conn = await coordinatorFor(this.cluster, groupId);
    const topics = new Map<string, OffsetCommit.OffsetCommitRequestPartition[]>();
    for (const o of offsets) {
      let list = topics.get(o.topic);
      if (!list) topics.set(o.topic, (list = []));
      list.push({ partitionIndex: o.partition, committedOffset: o.offset, committedLeaderEpoch: -1, committedMetadata: '' });
    }
    const res = await conn.send(OffsetCommit, {
      groupId, generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1,
      topics: [...topics].map(([name, partitions]) => ({ name, partitions })),
    });
    for (const t of res.topics) {
      for (const p of t.partitions) if (p.errorCode !== ErrorCode.NONE) throw new KafkaProtocolError(p.errorCode, `commit offset of ${t.name}-${p.partitionIndex} for group ${groupId}`);
    }
  }

  /** Deletes groups; returns each group's error (null when deleted). */
  async delete(groupIds: string[]): Promise<Array<{ groupId: string; error: KafkaProtocolError | null }>> {
    const out: Array<{ groupId: string; error: KafkaProtocolError | null }> = [];
    for (const groupId of groupIds) {
      const conn = await coordinatorFor(this.cluster, groupId);
      const res = await conn.send(DeleteGroups, { groupsNames: [groupId] });
      const r = res.results[0];
      out.push({ groupId, error: r.errorCode === ErrorCode.NONE ? null : new KafkaProtocolError(r.errorCode, `delete group ${groupId}`) });
    }
    return out;
  }
}

function safeDecodeAssignment(bytes: Buffer): TopicPartitions[] {
  try {
    return decodeAssignment(bytes).assignedPartitions;
  } catch {
    return [];
  }
}
