// DeleteRecords (key 21): moves each partition's log start offset up to the given offset (-1: the high
// watermark); segments wholly below it are deleted at once, the rest by the next retention pass.
import { ErrorCode, kafkaErrorOf, type DeleteRecords } from '../../protocol/index.js';
import { requesterOf, type RequestContext } from '../request-context.js';

type PartitionResult = DeleteRecords.DeleteRecordsResponse['topics'][number]['partitions'][number];

export function handleDeleteRecords(req: DeleteRecords.DeleteRecordsRequest, rc: RequestContext): DeleteRecords.DeleteRecordsResponse {
  const { ctx } = rc;
  const who = requesterOf(rc);
  const topics = req.topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p): PartitionResult => {
      try {
        const low = ctx.replicaManager.deleteRecords(who, t.name, p.partitionIndex, p.offset);
        return { partitionIndex: p.partitionIndex, lowWatermark: low, errorCode: ErrorCode.NONE };
      } catch (err) {
        const k = kafkaErrorOf(err);
        if (k.errorCode !== ErrorCode.OFFSET_OUT_OF_RANGE && k.errorCode !== ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) {
          ctx.log.warn({ topic: t.name, partition: p.partitionIndex, error: k.name, reason: k.message }, 'delete records failed');
        }
        return { partitionIndex: p.partitionIndex, lowWatermark: -1, errorCode: k.errorCode };
      }
    }),
  }));
  return { throttleTimeMs: 0, topics };
}
