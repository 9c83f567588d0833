// AddOffsetsToTxn (key 25): the group's __consumer_offsets partition joins the producer's transaction, so its
// TxnOffsetCommit offsets are committed or dropped with it.
import { ErrorCode, type AddOffsetsToTxn } from '../../protocol/index.js';
import { invalidGroupIdReason } from '../../group/index.js';
import type { RequestContext } from '../request-context.js';
import { AclOperation, ResourceType, allowed } from '../authorization.js';

export async function handleAddOffsetsToTxn(req: AddOffsetsToTxn.AddOffsetsToTxnRequest, rc: RequestContext): Promise<AddOffsetsToTxn.AddOffsetsToTxnResponse> {
  const { ctx, version } = rc;
  if (!allowed(rc, AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, req.transactionalId)) return { throttleTimeMs: 0, errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED };
  if (!allowed(rc, AclOperation.READ, ResourceType.GROUP, req.groupId)) return { throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED };
  if (invalidGroupIdReason(req.groupId)) return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_GROUP_ID };
  const code = await ctx.txn.addOffsets(req.transactionalId, req.producerId, req.producerEpoch, req.groupId, () => ctx.groups.ensureOffsetsTopic());
  // PRODUCER_FENCED is new in v2; older clients know it as INVALID_PRODUCER_EPOCH.
  return { throttleTimeMs: 0, errorCode: code === ErrorCode.PRODUCER_FENCED && version < 2 ? ErrorCode.INVALID_PRODUCER_EPOCH : code };
}
