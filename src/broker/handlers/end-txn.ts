// EndTxn (key 26): commit or abort the producer's transaction. v5 (KIP-890 part 2) bumps the producer epoch at
// every end and answers the id and epoch to continue with.
import { ErrorCode, type EndTxn } from '../../protocol/index.js';
import type { RequestContext } from '../request-context.js';
import { AclOperation, ResourceType, allowed } from '../authorization.js';

export async function handleEndTxn(req: EndTxn.EndTxnRequest, rc: RequestContext): Promise<EndTxn.EndTxnResponse> {
  if (!allowed(rc, AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, req.transactionalId)) {
    return { throttleTimeMs: 0, errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, producerId: -1, producerEpoch: -1 };
  }
  const r = await rc.ctx.txn.endTransaction(req.transactionalId, req.producerId, req.producerEpoch, req.committed, rc.version >= 5);
  // PRODUCER_FENCED is new in v2; older clients know it as INVALID_PRODUCER_EPOCH.
  const errorCode = r.errorCode === ErrorCode.PRODUCER_FENCED && rc.version < 2 ? ErrorCode.INVALID_PRODUCER_EPOCH : r.errorCode;
  return { throttleTimeMs: 0, errorCode, producerId: r.producerId, producerEpoch: r.producerEpoch };
}
