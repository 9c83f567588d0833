// OffsetFetch (key 9): committed offsets of one group (v1-7) or several (v8); -1 where nothing is committed.
import { ErrorCode, type OffsetFetch } from '../../protocol/index.js';
import type { FetchedOffset } from '../../group/index.js';
import type { RequestContext } from '../request-context.js';
import { AclOperation, ResourceType, allowed } from '../authorization.js';

function byTopic(offsets: FetchedOffset[]): Array<{ name: string; partitions: FetchedOffset[] }> {
  const topics = new Map<string, FetchedOffset[]>();
  for (const o of offsets) {
    let list = topics.get(o.topic);
    if (!list) topics.set(o.topic, (list = []));
    list.push(o);
  }
  return [...topics].map(([name, partitions]) => ({ name, partitions }));
}

export function handleOffsetFetch(req: OffsetFetch.OffsetFetchRequest, rc: RequestContext): OffsetFetch.OffsetFetchResponse {
  const { ctx, version } = rc;
  // Describe on the group (else GROUP_AUTHORIZATION_FAILED) and on each topic: named topics the principal
  // may not Describe answer TOPIC_AUTHORIZATION_FAILED, and an all-topics fetch leaves them out.
  const mayDescribe = (t: string) => allowed(rc, AclOperation.DESCRIBE, ResourceType.TOPIC, t);
  const fetch = (groupId: string, topics: Array<{ name: string; partitionIndexes: number[] }> | null): { errorCode: number; offsets: FetchedOffset[] } => {
    if (!allowed(rc, AclOperation.DESCRIBE, ResourceType.GROUP, groupId)) return { errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, offsets: [] };
    const r = ctx.groups.fetchOffsets(groupId, topics === null ? null : topics.filter((t) => mayDescribe(t.name)).map((t) => ({ name: t.name, partitions: t.partitionIndexes })), req.requireStable);
    if (r.errorCode !== ErrorCode.NONE) return r;
    const denied: FetchedOffset[] = (topics ?? []).filter((t) => !mayDescribe(t.name)).flatMap((t) => t.partitionIndexes.map((p) => (
      { topic: t.name, partition: p, offset: -1, leaderEpoch: -1, metadata: '', errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED })));
    return { errorCode: r.errorCode, offsets: [...r.offsets.filter((o) => mayDescribe(o.topic)), ...denied] };
  };
  const partition = (o: FetchedOffset) => ({ partitionIndex: o.partition, committedOffset: o.offset, committedLeaderEpoch: o.leaderEpoch, metadata: o.metadata, errorCode: o.errorCode });
  if (version >= 8) {
    return {
      throttleTimeMs: 0, topics: [], errorCode: 0,
      groups: req.groups.map((g) => {
        const r = fetch(g.groupId, g.topics);
        return { groupId: g.groupId, errorCode: r.errorCode, topics: byTopic(r.offsets).map((t) => ({ name: t.name, partitions: t.partitions.map(partition) })) };
      }),
    };
  }
  const r = fetch(req.groupId, req.topics);
  const topics = byTopic(r.offsets).map((t) => ({ name: t.name, partitions: t.partitions.map(partition) }));
  // v1 has no top-level error code: the group's error goes on every partition asked for.
  if (version < 2 && r.errorCode !== ErrorCode.NONE) {
    return {
      throttleTimeMs: 0, errorCode: r.errorCode, groups: [],
      topics: (req.topics ?? []).map((t) => ({ name: t.name, partitions: t.partitionIndexes.map((p) => ({ partitionIndex: p, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: r.errorCode })) })),
    };
  }
  return { throttleTimeMs: 0, errorCode: r.errorCode, topics, groups: [] };
}
