// ListGroups (key 16): every group this broker coordinates, optionally only those in the given states (v4).
import { ErrorCode, type ListGroups } from '../../protocol/index.js';
import type { RequestContext } from '../request-context.js';

export function handleListGroups(req: ListGroups.ListGroupsRequest, rc: RequestContext): ListGroups.ListGroupsResponse {
  const groups = rc.ctx.groups.listGroups(rc.version >= 4 ? req.statesFilter : []);
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, groups: groups.map((g) => ({ groupId: g.groupId, protocolType: g.protocolType, groupState: g.state })) };
}
