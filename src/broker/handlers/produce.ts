// Produce (key 0): append each partition's record batches; answer after the append returned (acks 1/-1),
// or not at all (acks 0). Older message formats (Produce < v3) are not served.
import { ErrorCode, errorCodeByName, type Produce } from '../../protocol/index.js';
import { nativeErrorName } from '../../hotpath/index.js';
import type { RequestContext } from '../request-context.js';
import { produceChannel, type ProduceEvent } from '../diagnostics.js';

type PartitionResponse = Produce.ProduceResponse['responses'][number]['partitionResponses'][number];

export async function handleProduce(req: Produce.ProduceRequest, rc: RequestContext): Promise<Produce.ProduceResponse | null> {
  const { ctx } = rc;
  const acks = req.acks;
  const validAcks = acks === -1 || acks === 0 || acks === 1;
  const responses: Produce.ProduceResponse['responses'] = [];
  // Every partition's append starts before any is awaited (they may run on workers side by side).
  const appends: Array<Promise<void>> = [];
  for (const topic of req.topicData) {
    const partitionResponses: PartitionResponse[] = [];
    const fail = (index: number, errorCode: number, errorMessage: string | null = null): void => {
      partitionResponses.push({ index, errorCode, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1, recordErrors: [], errorMessage });
    };
    const meta = validAcks && req.transactionalId === null ? ctx.autoCreateTopic(topic.name) : undefined;
    for (const pd of topic.partitionData) {
      if (!validAcks) {
        fail(pd.index, ErrorCode.INVALID_REQUIRED_ACKS, `acks must be -1, 0 or 1, got ${acks}`);
        continue;
      }
      if (req.transactionalId !== null) {
        fail(pd.index, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, 'Transactions are not supported by this broker yet');
        continue;
      }
      if (meta?.internal) {
        // Only the broker writes internal topics (Kafka: "Cannot append to internal topic").
        fail(pd.index, ErrorCode.INVALID_TOPIC_EXCEPTION, `Cannot append to internal topic ${topic.name}`);
        continue;
      }
      const partition = meta ? ctx.partition(topic.name, pd.index) : undefined;
      if (!partition) {
        fail(pd.index, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `This server does not host this topic-partition: ${topic.name}-${pd.index}`);
        continue;
      }
      if (pd.records === null || pd.records.length === 0) {
        fail(pd.index, ErrorCode.INVALID_RECORD, 'Produce request has no record batch');
        continue;
      }
      // A placeholder keeps the partition's place in the answer; the append fills it in.
      const at = partitionResponses.length;
      fail(pd.index, ErrorCode.UNKNOWN_SERVER_ERROR);
      const bytes = pd.records.length;
      appends.push(partition.append(pd.records).then(
        (r) => {
          partitionResponses[at] = { index: pd.index, errorCode: ErrorCode.NONE, baseOffset: r.baseOffset, logAppendTimeMs: r.logAppendTime,
            logStartOffset: r.logStartOffset, recordErrors: [], errorMessage: null };
          if (produceChannel.hasSubscribers && !r.duplicate) produceChannel.publish({ topic: topic.name, partition: pd.index, records: r.recordCount, bytes } satisfies ProduceEvent);
        },
        (err: unknown) => {
          const name = nativeErrorName(err);
          const code = errorCodeByName(name) ?? ErrorCode.UNKNOWN_SERVER_ERROR;
          const message = (err as Error).message;
          const level = code === ErrorCode.UNKNOWN_SERVER_ERROR || code === ErrorCode.KAFKA_STORAGE_ERROR ? 'error' : 'warn';
          ctx.log[level]({ topic: topic.name, partition: pd.index, error: name, reason: message, client: rc.header.clientId, remote: rc.conn.remoteAddress }, 'produce refused');
          partitionResponses[at] = { index: pd.index, errorCode: code, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1, recordErrors: [], errorMessage: message };
        },
      ));
    }
    responses.push({ name: topic.name, partitionResponses });
  }
  if (appends.length > 0) await Promise.all(appends);
  if (acks === 0) return null;
  return { responses, throttleTimeMs: 0 };
}
