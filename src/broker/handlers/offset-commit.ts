// OffsetCommit (key 8): stores the group's positions; answered once they are in __consumer_offsets.
import { ErrorCode, type OffsetCommit } from '../../protocol/index.js';
import type { RequestContext } from '../request-context.js';
import { AclOperation, ResourceType, allowed } from '../authorization.js';

export async function handleOffsetCommit(req: OffsetCommit.OffsetCommitRequest, rc: RequestContext): Promise<OffsetCommit.OffsetCommitResponse> {
  // Read on the group for every commit, and Read on each topic (Kafka: TOPIC_AUTHORIZATION_FAILED for that topic's partitions).
  const groupDenied = !allowed(rc, AclOperation.READ, ResourceType.GROUP, req.groupId);
  const topicDenied = (t: string) => groupDenied || !allowed(rc, AclOperation.READ, ResourceType.TOPIC, t);
  if (groupDenied || req.topics.some((t) => topicDenied(t.name))) {
    const inner = groupDenied ? undefined : await handleOffsetCommit({ ...req, topics: req.topics.filter((t) => !topicDenied(t.name)) }, rc);
    const denied = groupDenied ? ErrorCode.GROUP_AUTHORIZATION_FAILED : ErrorCode.TOPIC_AUTHORIZATION_FAILED;
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => (!topicDenied(t.name) && inner?.topics.find((x) => x.name === t.name))
        || { name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: denied })) }),
    };
  }
  const offsets = req.topics.flatMap((t) => t.partitions.map((p) => ({
    topic: t.name, partition: p.partitionIndex, offset: p.committedOffset, leaderEpoch: p.committedLeaderEpoch, metadata: p.committedMetadata,
  })));
  const results = await rc.ctx.groups.commitOffsets(req.groupId, {
    generationId: req.generationIdOrMemberEpoch,
    memberId: req.memberId,
    groupInstanceId: req.groupInstanceId,
    retentionTimeMs: rc.version <= 4 ? req.retentionTimeMs : -1,
    offsets,
  });
  let i = 0;
  return {
    throttleTimeMs: 0,
    topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: results[i++].errorCode })) })),
  };
}
