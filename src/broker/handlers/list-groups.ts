// ListGroups (key 16): every group this broker coordinates, optionally only those in the given states (v4).
import { ErrorCode, type ListGroups } from '../../protocol/index.js';
import type { RequestContext } from '../request-context.js';
import { AclOperation, ResourceType, allowed } from '../authorization.js';

export function handleListGroups(req: ListGroups.ListGroupsRequest, rc: RequestContext): ListGroups.ListGroupsResponse {
  const groups = rc.ctx.groups.listGroups(rc.version >= 4 ? req.statesFilter : []);
  // Describe on the cluster lists every group; otherwise only the groups the principal may Describe.
  const all = allowed(rc, AclOperation.DESCRIBE, ResourceType.CLUSTER);
  const visible = all ? groups : groups.filter((g) => allowed(rc, AclOperation.DESCRIBE, ResourceType.GROUP, g.groupId));
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, groups: visible.map((g) => ({ groupId: g.groupId, protocolType: g.protocolType, groupState: g.state })) };
}
