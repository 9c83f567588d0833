// Heartbeat (key 12): keeps a member's session alive; REBALANCE_IN_PROGRESS tells it to rejoin.
import type { Heartbeat } from '../../protocol/index.js';
import type { RequestContext } from '../request-context.js';

export function handleHeartbeat(req: Heartbeat.HeartbeatRequest, rc: RequestContext): Heartbeat.HeartbeatResponse {
  return { throttleTimeMs: 0, errorCode: rc.ctx.groups.heartbeat(req.groupId, req.memberId, req.groupInstanceId, req.generationId) };
}
