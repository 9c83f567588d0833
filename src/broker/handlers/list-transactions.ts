// ListTransactions (key 66): the transactional ids this broker coordinates, filtered by state, producer id and
// (v1, KIP-994) how long their transaction has been running. Unknown state names are listed back.
import { ErrorCode, type ListTransactions } from '../../protocol/index.js';
import { TXN_STATE_NAMES } from '../../txn/index.js';
import type { RequestContext } from '../request-context.js';

const STATES = new Set(Object.values(TXN_STATE_NAMES));

export function handleListTransactions(req: ListTransactions.ListTransactionsRequest, rc: RequestContext): ListTransactions.ListTransactionsResponse {
  const unknownStateFilters = req.stateFilters.filter((s) => !STATES.has(s));
  const now = Date.now();
  const transactionStates = rc.ctx.txn.list(req.stateFilters, req.producerIdFilters)
    .filter((t) => req.durationFilter < 0 || (t.transactionStartTimeMs >= 0 && now - t.transactionStartTimeMs > req.durationFilter))
    .map((t) => ({ transactionalId: t.transactionalId, producerId: t.producerId, transactionState: t.state }));
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, unknownStateFilters, transactionStates };
}
