// OffsetForLeaderEpoch (key 23): for a leader epoch, the largest epoch the log knows at or below it
// and the offset where that epoch ended (the log end for the latest one). Consumers use the answer
// to detect truncation after a leader change.
import { ErrorCode, type OffsetForLeaderEpoch } from '../../protocol/index.js';
import type { RequestContext } from '../request-context.js';

type EpochEndOffset = OffsetForLeaderEpoch.OffsetForLeaderEpochResponse['topics'][number]['partitions'][number];

export function handleOffsetForLeaderEpoch(req: OffsetForLeaderEpoch.OffsetForLeaderEpochRequest, rc: RequestContext): OffsetForLeaderEpoch.OffsetForLeaderEpochResponse {
  const { ctx } = rc;
  const topics = req.topics.map((t) => ({
    topic: t.topic,
    partitions: t.partitions.map((p): EpochEndOffset => {
      const answer = (errorCode: number, leaderEpoch = -1, endOffset = -1): EpochEndOffset => ({ errorCode, partition: p.partition, leaderEpoch, endOffset });
      const log = ctx.metadata.getTopic(t.topic) ? ctx.partition(t.topic, p.partition) : undefined;
      if (!log) return answer(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      if (p.currentLeaderEpoch > log.leaderEpoch) return answer(ErrorCode.UNKNOWN_LEADER_EPOCH);
      if (p.currentLeaderEpoch >= 0 && p.currentLeaderEpoch < log.leaderEpoch) return answer(ErrorCode.FENCED_LEADER_EPOCH);
      // The current epoch ends at the log end even before its first append wrote a checkpoint entry.
      if (p.leaderEpoch === log.leaderEpoch) return answer(ErrorCode.NONE, log.leaderEpoch, log.logEndOffset);
      const found = log.epochEndOffset(p.leaderEpoch);
      return found ? answer(ErrorCode.NONE, found.leaderEpoch, found.endOffset) : answer(ErrorCode.NONE);
    }),
  }));
  return { throttleTimeMs: 0, topics };
}
