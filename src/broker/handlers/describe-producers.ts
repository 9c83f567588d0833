// DescribeProducers (key 61): the active producers of partitions this broker leads, with their open
// transaction's first offset (kafka-transactions --describe-producers, and finding hanging transactions).
import { ErrorCode, kafkaErrorOf, type DescribeProducers } from '../../protocol/index.js';
import type { RequestContext } from '../request-context.js';

export function handleDescribeProducers(req: DescribeProducers.DescribeProducersRequest, rc: RequestContext): DescribeProducers.DescribeProducersResponse {
  return {
    throttleTimeMs: 0,
    topics: req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitionIndexes.map((partitionIndex): DescribeProducers.DescribeProducersPartition => {
        try {
          return { partitionIndex, errorCode: ErrorCode.NONE, errorMessage: null, activeProducers: rc.ctx.replicaManager.producerStates(t.name, partitionIndex) };
        } catch (e) {
          const k = kafkaErrorOf(e);
          return { partitionIndex, errorCode: k.errorCode, errorMessage: k.message, activeProducers: [] };
        }
      }),
    })),
  };
}
