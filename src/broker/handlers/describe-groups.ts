// DescribeGroups (key 15): state, protocol and members; metadata and assignments only while Stable (as Kafka).
// An unknown group is described as Dead with no error.
import type { DescribeGroups } from '../../protocol/index.js';
import type { RequestContext } from '../request-context.js';
import { AclOperation, ResourceType, allowed, authorizedOperations } from '../authorization.js';
import { ErrorCode } from '../../protocol/index.js';


export function handleDescribeGroups(req: DescribeGroups.DescribeGroupsRequest, rc: RequestContext): DescribeGroups.DescribeGroupsResponse {
  return {
    throttleTimeMs: 0,
    groups: req.groups.map((id) => {
      if (!allowed(rc, AclOperation.DESCRIBE, ResourceType.GROUP, id)) {
        return { errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, groupId: id, groupState: '', protocolType: '', protocolData: '', members: [], authorizedOperations: authorizedOperations(rc, false, ResourceType.GROUP) };
      }
      const d = rc.ctx.groups.describeGroup(id);
      return {
        errorCode: d.errorCode, groupId: id, groupState: d.state, protocolType: d.protocolType, protocolData: d.protocolName,
        members: d.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, clientId: m.clientId, clientHost: m.clientHost, memberMetadata: m.metadata, memberAssignment: m.assignment })),
        authorizedOperations: authorizedOperations(rc, req.includeAuthorizedOperations, ResourceType.GROUP, id),
      };
    }),
  };
}
