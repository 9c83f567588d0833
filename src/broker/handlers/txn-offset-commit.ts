// TxnOffsetCommit (key 28): a transaction's consumer offsets, sent to the group coordinator. They are durable
// at once but stay pending (invisible, UNSTABLE_OFFSET_COMMIT to requireStable fetches) until the transaction's
// COMMIT marker reaches the group's __consumer_offsets partition; an ABORT drops them. v5 (transactions v2,
// KIP-890) adds that partition to the transaction itself: the producer sends no AddOffsetsToTxn.
import { ErrorCode, type TxnOffsetCommit } from '../../protocol/index.js';
import { OFFSETS_TOPIC, offsetsPartitionFor, type OffsetCommitEntry } from '../../group/index.js';
import type { RequestContext } from '../request-context.js';
import { AclOperation, ResourceType, allowed } from '../authorization.js';

export async function handleTxnOffsetCommit(req: TxnOffsetCommit.TxnOffsetCommitRequest, rc: RequestContext): Promise<TxnOffsetCommit.TxnOffsetCommitResponse> {
  const { ctx, version } = rc;
  const refuse = (code: number) => ({ throttleTimeMs: 0, topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: code })) })) });
  // As Kafka's KafkaApis.handleTxnOffsetCommitRequest: Write on the transactional id and Read on the group fail
  // the whole request; then per topic, one the principal may not Read gets TOPIC_AUTHORIZATION_FAILED and an
  // unknown topic or partition UNKNOWN_TOPIC_OR_PARTITION, and the others are committed.
  if (!allowed(rc, AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, req.transactionalId)) return refuse(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
  if (!allowed(rc, AclOperation.READ, ResourceType.GROUP, req.groupId)) return refuse(ErrorCode.GROUP_AUTHORIZATION_FAILED);
  const codes = new Map<string, number>();
  const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;
  const offsets: OffsetCommitEntry[] = [];
  for (const t of req.topics) {
    const denied = !allowed(rc, AclOperation.READ, ResourceType.TOPIC, t.name);
    const partitions = denied ? 0 : ctx.metadata.getTopic(t.name)?.partitions ?? 0;
    for (const p of t.partitions) {
      if (denied) codes.set(key(t.name, p.partitionIndex), ErrorCode.TOPIC_AUTHORIZATION_FAILED);
      else if (p.partitionIndex < 0 || p.partitionIndex >= partitions) codes.set(key(t.name, p.partitionIndex), ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      else offsets.push({ topic: t.name, partition: p.partitionIndex, offset: p.committedOffset, leaderEpoch: p.committedLeaderEpoch, metadata: p.committedMetadata });
    }
  }
  const answer = () => ({ throttleTimeMs: 0, topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: codes.get(key(t.name, p.partitionIndex)) ?? ErrorCode.UNKNOWN_SERVER_ERROR })) })) });
  // Nothing left to commit: answered without touching the transaction (Kafka does not reach the coordinator either).
  if (offsets.length === 0) return answer();
  const fail = (code: number) => {
    for (const o of offsets) codes.set(key(o.topic, o.partition), code);
    return answer();
  };
  if (version >= 5 && (await ctx.groups.ensureOffsetsTopic())) {
    const partition = offsetsPartitionFor(req.groupId, ctx.metadata.getTopic(OFFSETS_TOPIC)!.partitions);
    const checked = await ctx.checkTransaction(req.transactionalId, req.producerId, req.producerEpoch, [{ topic: OFFSETS_TOPIC, partition }], true);
    let code = checked.get(`${OFFSETS_TOPIC}-${partition}`) ?? ErrorCode.UNKNOWN_SERVER_ERROR;
    // A coordinator that is busy or moving is retried by the client as an unavailable one.
    if (code === ErrorCode.CONCURRENT_TRANSACTIONS || code === ErrorCode.NOT_COORDINATOR || code === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS) code = ErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (code !== ErrorCode.NONE) return fail(code);
  }
  const results = await ctx.groups.commitTxnOffsets(req.groupId, {
    transactionalId: req.transactionalId, producerId: req.producerId, producerEpoch: req.producerEpoch,
    generationId: req.generationId, memberId: req.memberId, groupInstanceId: req.groupInstanceId, offsets,
  });
  // Clients before v2 know PRODUCER_FENCED as INVALID_PRODUCER_EPOCH.
  for (const r of results) codes.set(key(r.topic, r.partition), r.errorCode === ErrorCode.PRODUCER_FENCED && version < 2 ? ErrorCode.INVALID_PRODUCER_EPOCH : r.errorCode);
  return answer();
}
