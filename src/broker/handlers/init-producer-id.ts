// InitProducerId (key 22): a fresh producer id (epoch 0) for idempotent producers, or the same id with a
// bumped epoch when the producer presents its current one (KIP-360). Transactions are not served yet.
import { ErrorCode, type InitProducerId } from '../../protocol/index.js';
import type { RequestContext } from '../request-context.js';
import { AclOperation, ResourceType, allowed } from '../authorization.js';

const MAX_EPOCH = 32767;

export async function handleInitProducerId(req: InitProducerId.InitProducerIdRequest, rc: RequestContext): Promise<InitProducerId.InitProducerIdResponse> {
  const answer = (errorCode: number, producerId = -1, producerEpoch = -1) => ({ throttleTimeMs: 0, errorCode, producerId, producerEpoch });
  const transactional = req.transactionalId !== null && req.transactionalId !== '';
  // Write on the transactional id; without one IdempotentWrite on the cluster, or (Kafka 3.x) Write on some topic.
  if (transactional && !allowed(rc, AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, req.transactionalId!)) return answer(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
  if (!transactional && rc.ctx.authorizer && !allowed(rc, AclOperation.IDEMPOTENT_WRITE, ResourceType.CLUSTER)
    && !rc.ctx.authorizer.authorizeByResourceType({ principal: rc.conn.principal, host: rc.conn.remoteAddress }, AclOperation.WRITE, ResourceType.TOPIC)) {
    return answer(ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
  }
  if (req.transactionalId !== null && req.transactionalId !== '') {
    return answer(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
  }
  if (req.producerId >= 0 && req.producerEpoch >= 0 && req.producerEpoch < MAX_EPOCH - 1) {
    return answer(ErrorCode.NONE, req.producerId, req.producerEpoch + 1);
  }
  return answer(ErrorCode.NONE, await rc.ctx.producerIds.nextProducerId(), 0);
}
