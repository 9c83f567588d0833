// Heartbeat (key 12): keeps a member's session alive; REBALANCE_IN_PROGRESS tells it to rejoin.
import { ErrorCode, type Heartbeat } from '../../protocol/index.js';
import type { RequestContext } from '../request-context.js';
import { AclOperation, ResourceType, allowed } from '../authorization.js';

export function handleHeartbeat(req: Heartbeat.HeartbeatRequest, rc: RequestContext): Heartbeat.HeartbeatResponse {
  if (!allowed(rc, AclOperation.READ, ResourceType.GROUP, req.groupId)) return { throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED };
  return { throttleTimeMs: 0, errorCode: rc.ctx.groups.heartbeat(req.groupId, req.memberId, req.groupInstanceId, req.generationId) };
}
