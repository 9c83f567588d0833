// AddPartitionsToTxn (key 24): v0-v3 from producers (one transaction: its partitions join it); v4+ from
// partition leaders (a batch of transactions, verify_only: are these partitions in the transaction?).
import { ErrorCode, type AddPartitionsToTxn } from '../../protocol/index.js';
import type { RequestContext } from '../request-context.js';
import { AclOperation, ResourceType, allowed } from '../authorization.js';

type TopicResult = AddPartitionsToTxn.AddPartitionsToTxnTopicResult;

export async function handleAddPartitionsToTxn(req: AddPartitionsToTxn.AddPartitionsToTxnRequest, rc: RequestContext): Promise<AddPartitionsToTxn.AddPartitionsToTxnResponse> {
  const { ctx, version } = rc;
  const run = async (t: { transactionalId: string; producerId: number; producerEpoch: number; verifyOnly: boolean; topics: AddPartitionsToTxn.AddPartitionsToTxnTopic[] }): Promise<TopicResult[]> => {
    // ACLs (Kafka's KafkaApis): the client form needs Write on the transactional id and on every topic, the
    // leaders' verify_only form ClusterAction; refused partitions get the error, the others OPERATION_NOT_ATTEMPTED.
    const refused = (code: number) => t.topics.map((x) => ({ name: x.name, resultsByPartition: x.partitions.map((p) => ({ partitionIndex: p, partitionErrorCode: code })) }));
    if (t.verifyOnly ? !allowed(rc, AclOperation.CLUSTER_ACTION, ResourceType.CLUSTER) : !allowed(rc, AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, t.transactionalId)) {
      return refused(t.verifyOnly ? ErrorCode.CLUSTER_AUTHORIZATION_FAILED : ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    }
    const deniedTopics = new Set(t.verifyOnly ? [] : t.topics.map((x) => x.name).filter((n) => !allowed(rc, AclOperation.WRITE, ResourceType.TOPIC, n)));
    if (deniedTopics.size > 0) {
      return t.topics.map((x) => ({ name: x.name, resultsByPartition: x.partitions.map((p) => ({ partitionIndex: p,
        partitionErrorCode: deniedTopics.has(x.name) ? ErrorCode.TOPIC_AUTHORIZATION_FAILED : ErrorCode.OPERATION_NOT_ATTEMPTED })) }));
    }
    const partitions = t.topics.flatMap((x) => x.partitions.map((partition) => ({ topic: x.name, partition })));
    let codeOf: (topic: string, partition: number) => number;
    if (t.verifyOnly) {
      const codes = ctx.txn.verifyPartitions(t.transactionalId, t.producerId, t.producerEpoch, partitions);
      codeOf = (topic, partition) => codes.get(`${topic}-${partition}`) ?? ErrorCode.UNKNOWN_SERVER_ERROR;
    } else {
      const codes = await ctx.txn.addPartitions(t.transactionalId, t.producerId, t.producerEpoch, partitions);
      codeOf = (topic, partition) => codes.get(`${topic}\u0000${partition}`) ?? ErrorCode.UNKNOWN_SERVER_ERROR;
    }
    // PRODUCER_FENCED is new in v2; older clients know it as INVALID_PRODUCER_EPOCH.
    const mapped = (code: number) => (code === ErrorCode.PRODUCER_FENCED && version < 2 ? ErrorCode.INVALID_PRODUCER_EPOCH : code);
    return t.topics.map((x) => ({ name: x.name, resultsByPartition: x.partitions.map((p) => ({ partitionIndex: p, partitionErrorCode: mapped(codeOf(x.name, p)) })) }));
  };
  if (version >= 4) {
    const resultsByTransaction = await Promise.all(req.transactions.map(async (t) => ({ transactionalId: t.transactionalId, topicResults: await run(t) })));
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, resultsByTransaction, resultsByTopicV3AndBelow: [] };
  }
  const resultsByTopicV3AndBelow = await run({
    transactionalId: req.v3AndBelowTransactionalId, producerId: req.v3AndBelowProducerId, producerEpoch: req.v3AndBelowProducerEpoch, verifyOnly: false, topics: req.v3AndBelowTopics,
  });
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, resultsByTransaction: [], resultsByTopicV3AndBelow };
}
