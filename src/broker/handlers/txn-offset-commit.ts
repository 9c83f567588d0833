// TxnOffsetCommit (key 28): a transaction's consumer offsets, sent to the group coordinator. They are durable
// at once but stay pending (invisible, UNSTABLE_OFFSET_COMMIT to requireStable fetches) until the transaction's
// COMMIT marker reaches the group's __consumer_offsets partition; an ABORT drops them. v5 (transactions v2,
// KIP-890) adds that partition to the transaction itself: the producer sends no AddOffsetsToTxn.
import { ErrorCode, type TxnOffsetCommit } from '../../protocol/index.js';
import { OFFSETS_TOPIC, offsetsPartitionFor } from '../../group/index.js';
import type { RequestContext } from '../request-context.js';
import { AclOperation, ResourceType, allowed } from '../authorization.js';

export async function handleTxnOffsetCommit(req: TxnOffsetCommit.TxnOffsetCommitRequest, rc: RequestContext): Promise<TxnOffsetCommit.TxnOffsetCommitResponse> {
  const { ctx, version } = rc;
  const refuse = (code: (topic: string) => number) => ({ throttleTimeMs: 0, topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: code(t.name) })) })) });
  if (!allowed(rc, AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, req.transactionalId)) return refuse(() => ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
  if (!allowed(rc, AclOperation.READ, ResourceType.GROUP, req.groupId)) return refuse(() => ErrorCode.GROUP_AUTHORIZATION_FAILED);
  const deniedTopics = new Set(req.topics.map((t) => t.name).filter((n) => !allowed(rc, AclOperation.READ, ResourceType.TOPIC, n)));
  if (deniedTopics.size > 0) return refuse((t) => (deniedTopics.has(t) ? ErrorCode.TOPIC_AUTHORIZATION_FAILED : ErrorCode.OPERATION_NOT_ATTEMPTED));
  const offsets = req.topics.flatMap((t) => t.partitions.map((p) => ({
    topic: t.name, partition: p.partitionIndex, offset: p.committedOffset, leaderEpoch: p.committedLeaderEpoch, metadata: p.committedMetadata,
  })));
  if (version >= 5 && (await ctx.groups.ensureOffsetsTopic())) {
    const partition = offsetsPartitionFor(req.groupId, ctx.metadata.getTopic(OFFSETS_TOPIC)!.partitions);
    const codes = await ctx.checkTransaction(req.transactionalId, req.producerId, req.producerEpoch, [{ topic: OFFSETS_TOPIC, partition }], true);
    let code = codes.get(`${OFFSETS_TOPIC}-${partition}`) ?? ErrorCode.UNKNOWN_SERVER_ERROR;
    // A coordinator that is busy or moving is retried by the client as an unavailable one.
    if (code === ErrorCode.CONCURRENT_TRANSACTIONS || code === ErrorCode.NOT_COORDINATOR || code === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS) code = ErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (code !== ErrorCode.NONE) {
      const topics = req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: code })) }));
      return { throttleTimeMs: 0, topics };
    }
  }
  const results = await ctx.groups.commitTxnOffsets(req.groupId, {
    transactionalId: req.transactionalId, producerId: req.producerId, producerEpoch: req.producerEpoch,
    generationId: req.generationId, memberId: req.memberId, groupInstanceId: req.groupInstanceId, offsets,
  });
  // Clients before v2 know PRODUCER_FENCED as INVALID_PRODUCER_EPOCH.
  const mapped = (code: number) => (code === ErrorCode.PRODUCER_FENCED && version < 2 ? ErrorCode.INVALID_PRODUCER_EPOCH : code);
  const topics = new Map<string, Array<{ partitionIndex: number; errorCode: number }>>();
  for (const r of results) {
    let list = topics.get(r.topic);
    if (!list) topics.set(r.topic, (list = []));
    list.push({ partitionIndex: r.partition, errorCode: mapped(r.errorCode) });
  }
  return { throttleTimeMs: 0, topics: [...topics].map(([name, partitions]) => ({ name, partitions })) };
}
