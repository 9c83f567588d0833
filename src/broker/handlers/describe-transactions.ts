// DescribeTransactions (key 65): the state of transactional ids this broker coordinates (kafka-transactions
// --describe); others get NOT_COORDINATOR, unknown ones TRANSACTIONAL_ID_NOT_FOUND.
import { ErrorCode, type DescribeTransactions } from '../../protocol/index.js';
import type { RequestContext } from '../request-context.js';

export function handleDescribeTransactions(req: DescribeTransactions.DescribeTransactionsRequest, rc: RequestContext): DescribeTransactions.DescribeTransactionsResponse {
  const transactionStates = req.transactionalIds.map((id): DescribeTransactions.TransactionState => {
    const r = rc.ctx.txn.describe(id);
    if (!r.txn) {
      return { errorCode: r.errorCode, transactionalId: id, transactionState: '', transactionTimeoutMs: 0, transactionStartTimeMs: -1, producerId: -1, producerEpoch: -1, topics: [] };
    }
    const topics = new Map<string, number[]>();
    for (const p of r.txn.partitions) {
      let list = topics.get(p.topic);
      if (!list) topics.set(p.topic, (list = []));
      list.push(p.partition);
    }
    return {
      errorCode: ErrorCode.NONE, transactionalId: id, transactionState: r.txn.state, transactionTimeoutMs: r.txn.transactionTimeoutMs,
      transactionStartTimeMs: r.txn.transactionStartTimeMs, producerId: r.txn.producerId, producerEpoch: r.txn.producerEpoch,
      topics: [...topics].map(([topic, partitions]) => ({ topic, partitions: partitions.sort((a, b) => a - b) })),
    };
  });
  return { throttleTimeMs: 0, transactionStates };
}
