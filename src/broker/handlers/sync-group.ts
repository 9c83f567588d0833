// SyncGroup (key 14): the leader sends the assignments; every member gets its own once they are stored.
import { ErrorCode, type SyncGroup } from '../../protocol/index.js';
import type { RequestContext } from '../request-context.js';
import { AclOperation, ResourceType, allowed } from '../authorization.js';

export async function handleSyncGroup(req: SyncGroup.SyncGroupRequest, rc: RequestContext): Promise<SyncGroup.SyncGroupResponse> {
  if (!allowed(rc, AclOperation.READ, ResourceType.GROUP, req.groupId)) {
    return { throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) };
  }
  const r = await rc.ctx.groups.syncGroup(req.groupId, {
    generationId: req.generationId,
    memberId: req.memberId,
    groupInstanceId: req.groupInstanceId,
    protocolType: rc.version >= 5 ? req.protocolType : null,
    protocolName: rc.version >= 5 ? req.protocolName : null,
    assignments: req.assignments,
  });
  return { throttleTimeMs: 0, errorCode: r.errorCode, protocolType: r.protocolType, protocolName: r.protocolName, assignment: r.assignment };
}
