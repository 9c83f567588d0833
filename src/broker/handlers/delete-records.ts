// DeleteRecords (key 21): moves each partition's log start offset up to the given offset (-1: the high
// watermark); segments wholly below it are deleted at once, the rest by the next retention pass.
import { ErrorCode, errorCodeByName, type DeleteRecords } from '../../protocol/index.js';
import { nativeErrorName } from '../../hotpath/index.js';
import type { RequestContext } from '../request-context.js';

type PartitionResult = DeleteRecords.DeleteRecordsResponse['topics'][number]['partitions'][number];

export function handleDeleteRecords(req: DeleteRecords.DeleteRecordsRequest, rc: RequestContext): DeleteRecords.DeleteRecordsResponse {
  const { ctx } = rc;
  const topics = req.topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p): PartitionResult => {
      const fail = (errorCode: number): PartitionResult => ({ partitionIndex: p.partitionIndex, lowWatermark: -1, errorCode });
      const meta = ctx.metadata.getTopic(t.name);
      if (!meta || !ctx.partition(t.name, p.partitionIndex)) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      if (p.offset < -1) return fail(ErrorCode.OFFSET_OUT_OF_RANGE);
      try {
        const low = ctx.logs.deleteRecords(t.name, p.partitionIndex, p.offset);
        ctx.log.info({ topic: t.name, partition: p.partitionIndex, offset: p.offset, logStartOffset: low }, 'deleted records');
        return { partitionIndex: p.partitionIndex, lowWatermark: low, errorCode: ErrorCode.NONE };
      } catch (err) {
        const name = nativeErrorName(err);
        if (name !== 'OFFSET_OUT_OF_RANGE') ctx.log.warn({ topic: t.name, partition: p.partitionIndex, error: name, reason: (err as Error).message }, 'delete records failed');
        return fail(errorCodeByName(name) ?? ErrorCode.UNKNOWN_SERVER_ERROR);
      }
    }),
  }));
  return { throttleTimeMs: 0, topics };
}
