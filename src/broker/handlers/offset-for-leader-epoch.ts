// OffsetForLeaderEpoch (key 23): for a leader epoch, the largest epoch the log knows at or below it
// and the offset where that epoch ended (the log end for the latest one). Consumers use the answer
// to detect truncation after a leader change.
import { BrokerError, ErrorCode, type OffsetForLeaderEpoch } from '../../protocol/index.js';
import { requesterOf, type RequestContext } from '../request-context.js';
import { AclOperation, ResourceType, allowed } from '../authorization.js';

type EpochEndOffset = OffsetForLeaderEpoch.OffsetForLeaderEpochResponse['topics'][number]['partitions'][number];

export function handleOffsetForLeaderEpoch(req: OffsetForLeaderEpoch.OffsetForLeaderEpochRequest, rc: RequestContext): OffsetForLeaderEpoch.OffsetForLeaderEpochResponse {
  const rm = rc.ctx.replicaManager;
  const who = requesterOf(rc);
  // A follower (replica id >= 0) needs ClusterAction; consumers need Describe on each topic (checked in the ReplicaManager).
  const replicaDenied = req.replicaId >= 0 && !allowed(rc, AclOperation.CLUSTER_ACTION, ResourceType.CLUSTER);
  const topics = req.topics.map((t) => ({
    topic: t.topic,
    partitions: t.partitions.map((p): EpochEndOffset => {
      const answer = (errorCode: number, leaderEpoch = -1, endOffset = -1): EpochEndOffset => ({ errorCode, partition: p.partition, leaderEpoch, endOffset });
      if (replicaDenied) return answer(ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
      let log;
      try {
        log = rm.offsets(who, t.topic, p.partition, p.currentLeaderEpoch);
      } catch (e) {
        if (e instanceof BrokerError) return answer(e.errorCode);
        throw e;
      }
      // The current epoch ends at the log end even before its first append wrote a checkpoint entry.
      if (p.leaderEpoch === log.leaderEpoch) return answer(ErrorCode.NONE, log.leaderEpoch, log.logEndOffset);
      const found = rm.epochEndOffset(who, t.topic, p.partition, p.leaderEpoch);
      return found ? answer(ErrorCode.NONE, found.leaderEpoch, found.endOffset) : answer(ErrorCode.NONE);
    }),
  }));
  return { throttleTimeMs: 0, topics };
}
