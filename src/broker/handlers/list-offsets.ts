// ListOffsets (key 2): earliest (-2), latest (-1: the high watermark, or the last stable offset for
// isolation_level=1), max timestamp (-3), or the first offset at or after a timestamp.
import { BrokerError, ErrorCode, type ListOffsets } from '../../protocol/index.js';
import { requesterOf, type RequestContext } from '../request-context.js';

export const LATEST_TIMESTAMP = -1;
export const EARLIEST_TIMESTAMP = -2;
export const MAX_TIMESTAMP = -3;

type PartitionResponse = ListOffsets.ListOffsetsResponse['topics'][number]['partitions'][number];

export function handleListOffsets(req: ListOffsets.ListOffsetsRequest, rc: RequestContext): ListOffsets.ListOffsetsResponse {
  const rm = rc.ctx.replicaManager;
  const who = requesterOf(rc);
  const topics = req.topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p): PartitionResponse => {
      const answer = (errorCode: number, timestamp = -1, offset = -1, leaderEpoch = -1): PartitionResponse =>
        ({ partitionIndex: p.partitionIndex, errorCode, timestamp, offset, leaderEpoch });
      let log;
      try {
        log = rm.offsets(who, t.name, p.partitionIndex, p.currentLeaderEpoch);
      } catch (e) {
        if (e instanceof BrokerError) return answer(e.errorCode);
        throw e;
      }
      // Kafka answers a timestamp lookup only with an offset a reader of this isolation level may fetch (below the
      // LSO or the high watermark); negative timestamps (earliest, max timestamp) are not limited.
      const fetchable = req.isolationLevel === 1 ? log.lastStableOffset : log.highWatermark;
      switch (p.timestamp) {
        case EARLIEST_TIMESTAMP:
          return answer(ErrorCode.NONE, -1, log.logStartOffset, log.leaderEpoch);
        case LATEST_TIMESTAMP:
          // read_committed readers end at the last stable offset.
          return answer(ErrorCode.NONE, -1, fetchable, log.leaderEpoch);
        case MAX_TIMESTAMP: {
          const m = rm.maxTimestamp(who, t.name, p.partitionIndex);
          return m ? answer(ErrorCode.NONE, m.timestamp, m.offset, log.leaderEpoch) : answer(ErrorCode.NONE, -1, -1, -1);
        }
        default: {
          if (p.timestamp < 0) return answer(ErrorCode.INVALID_REQUEST);
          const found = rm.offsetForTimestamp(who, t.name, p.partitionIndex, p.timestamp);
          return found && found.offset < fetchable ? answer(ErrorCode.NONE, found.timestamp, Math.max(found.offset, log.logStartOffset), log.leaderEpoch) : answer(ErrorCode.NONE, -1, -1, -1);
        }
      }
    }),
  }));
  return { throttleTimeMs: 0, topics };
}
