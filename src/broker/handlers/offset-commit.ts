// OffsetCommit (key 8): stores the group's positions; answered once they are in __consumer_offsets.
import type { OffsetCommit } from '../../protocol/index.js';
import type { RequestContext } from '../request-context.js';

export async function handleOffsetCommit(req: OffsetCommit.OffsetCommitRequest, rc: RequestContext): Promise<OffsetCommit.OffsetCommitResponse> {
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
