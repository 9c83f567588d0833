// LeaveGroup (key 13): one member (v0-2) or a batch of members, static ones by group.instance.id (v3+).
import { ErrorCode, type LeaveGroup } from '../../protocol/index.js';
import type { RequestContext } from '../request-context.js';
import { AclOperation, ResourceType, allowed } from '../authorization.js';

export function handleLeaveGroup(req: LeaveGroup.LeaveGroupRequest, rc: RequestContext): LeaveGroup.LeaveGroupResponse {
  const batch = rc.version >= 3;
  const members = batch ? req.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, reason: m.reason })) : [{ memberId: req.memberId, groupInstanceId: null, reason: null }];
  if (!allowed(rc, AclOperation.READ, ResourceType.GROUP, req.groupId)) return { throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, members: [] };
  const r = rc.ctx.groups.leaveGroup(req.groupId, members);
  if (!batch) return { throttleTimeMs: 0, errorCode: r.errorCode !== ErrorCode.NONE ? r.errorCode : r.memberErrors[0], members: [] };
  return {
    throttleTimeMs: 0,
    errorCode: r.errorCode,
    members: members.map((m, i) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, errorCode: r.memberErrors[i] })),
  };
}
