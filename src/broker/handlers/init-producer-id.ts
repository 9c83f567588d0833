// InitProducerId (key 22): a fresh producer id (epoch 0) for idempotent producers, or the same id with a
// bumped epoch when the producer presents its current one (KIP-360). Transactions are not served yet.
import { ErrorCode, type InitProducerId } from '../../protocol/index.js';
import type { RequestContext } from '../request-context.js';

const MAX_EPOCH = 32767;

export async function handleInitProducerId(req: InitProducerId.InitProducerIdRequest, rc: RequestContext): Promise<InitProducerId.InitProducerIdResponse> {
  const answer = (errorCode: number, producerId = -1, producerEpoch = -1) => ({ throttleTimeMs: 0, errorCode, producerId, producerEpoch });
  if (req.transactionalId !== null && req.transactionalId !== '') {
    return answer(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
  }
  if (req.producerId >= 0 && req.producerEpoch >= 0 && req.producerEpoch < MAX_EPOCH - 1) {
    return answer(ErrorCode.NONE, req.producerId, req.producerEpoch + 1);
  }
  return answer(ErrorCode.NONE, await rc.ctx.producerIds.nextProducerId(), 0);
}
