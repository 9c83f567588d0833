// Produce (key 0): append each partition's record batches through the ReplicaManager; answer after the
// appends returned (acks 1/-1), or not at all (acks 0). Older message formats (Produce < v3) are
// refused by the dispatcher.
import type { Produce } from '../../protocol/index.js';
import type { PartitionAppend } from '../replica-manager.js';
import { requesterOf, type RequestContext } from '../request-context.js';

export async function handleProduce(req: Produce.ProduceRequest, rc: RequestContext): Promise<Produce.ProduceResponse | null> {
  const entries: PartitionAppend[] = [];
  for (const topic of req.topicData) {
    for (const pd of topic.partitionData) entries.push({ topic: topic.name, partition: pd.index, records: pd.records });
  }
  const who = requesterOf(rc);
  const results = await rc.ctx.replicaManager.appendRecords(who, { acks: req.acks, transactionalId: req.transactionalId, timeoutMs: req.timeoutMs, addToTransaction: rc.version >= 12 }, entries);
  // producer_byte_rate: the request's record bytes count against the client's quota; over it, the
  // answer carries the throttle time and the connection is muted that long (acks=0: muted only).
  let throttleTimeMs = 0;
  if (rc.ctx.quotas.active) {
    let bytes = 0;
    for (const e of entries) bytes += e.records?.length ?? 0;
    throttleTimeMs = rc.ctx.quotas.record('produce', who, bytes);
    if (throttleTimeMs > 0) rc.conn.throttle?.(throttleTimeMs);
  }
  if (req.acks === 0) return null;
  // Results come back in entry order, which is request order: regroup them by topic.
  const responses: Produce.ProduceResponse['responses'] = [];
  let i = 0;
  for (const topic of req.topicData) {
    const partitionResponses = topic.partitionData.map(() => {
      const r = results[i++]!;
      return { index: r.partition, errorCode: r.errorCode, baseOffset: r.baseOffset, logAppendTimeMs: r.logAppendTime,
        logStartOffset: r.logStartOffset, recordErrors: [], errorMessage: r.errorMessage };
    });
    responses.push({ name: topic.name, partitionResponses });
  }
  return { responses, throttleTimeMs };
}
