// InitProducerId (key 22): a fresh producer id (epoch 0) for idempotent producers, or the same id with a
// bumped epoch when the producer presents its current one (KIP-360). With a transactional id the
// transaction coordinator answers (src/txn): fencing the previous producer of that id.
import { asBrokerError, ErrorCode, type InitProducerId } from '../../protocol/index.js';
import type { RequestContext } from '../request-context.js';
import { AclOperation, ResourceType, allowed } from '../authorization.js';

const MAX_EPOCH = 32767;

export async function handleInitProducerId(req: InitProducerId.InitProducerIdRequest, rc: RequestContext): Promise<InitProducerId.InitProducerIdResponse> {
  try {
    return await initProducerId(req, rc);
  } catch (e) {
    // No id could be had (the store could not reserve a block): Kafka's error for it, logged, not a closed connection.
    const be = asBrokerError(e);
    if (!be) throw e;
    rc.ctx.log.error({ transactionalId: req.transactionalId, error: be.code, reason: be.message }, 'InitProducerId failed');
    return { throttleTimeMs: 0, errorCode: be.errorCode, producerId: -1, producerEpoch: -1 };
  }
}

async function initProducerId(req: InitProducerId.InitProducerIdRequest, rc: RequestContext): Promise<InitProducerId.InitProducerIdResponse> {
  const answer = (errorCode: number, producerId = -1, producerEpoch = -1) => ({ throttleTimeMs: 0, errorCode, producerId, producerEpoch });
  const transactional = req.transactionalId !== null && req.transactionalId !== '';
  // Write on the transactional id; without one IdempotentWrite on the cluster, or (Kafka 3.x) Write on some topic.
  if (transactional && !allowed(rc, AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, req.transactionalId!)) return answer(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
  if (!transactional && rc.ctx.authorizer && !allowed(rc, AclOperation.IDEMPOTENT_WRITE, ResourceType.CLUSTER)
    && !rc.ctx.authorizer.authorizeByResourceType({ principal: rc.conn.principal, host: rc.conn.remoteAddress }, AclOperation.WRITE, ResourceType.TOPIC)) {
    return answer(ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
  }
  if (req.transactionalId !== null) {
    const expected = req.producerId >= 0 ? { producerId: req.producerId, producerEpoch: req.producerEpoch } : undefined;
    const r = await rc.ctx.txn.initProducerId(req.transactionalId, req.transactionTimeoutMs, expected);
    // PRODUCER_FENCED is new in v4; older clients know it as INVALID_PRODUCER_EPOCH.
    const errorCode = r.errorCode === ErrorCode.PRODUCER_FENCED && rc.version < 4 ? ErrorCode.INVALID_PRODUCER_EPOCH : r.errorCode;
    return answer(errorCode, r.producerId, r.producerEpoch);
  }
  if (req.producerId >= 0 && req.producerEpoch >= 0 && req.producerEpoch < MAX_EPOCH - 1) {
    return answer(ErrorCode.NONE, req.producerId, req.producerEpoch + 1);
  }
  return answer(ErrorCode.NONE, await rc.ctx.producerIds.nextProducerId(), 0);
}
