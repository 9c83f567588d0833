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
  const results = await rc.ctx.replicaManager.appendRecords(requesterOf(rc), { acks: req.acks, transactionalId: req.transactionalId, timeoutMs: req.timeoutMs, addToTransaction: rc.version >= 12 }, entries);
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
  return { responses, throttleTimeMs: 0 };
}
