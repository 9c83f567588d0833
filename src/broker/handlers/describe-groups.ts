// DescribeGroups (key 15): state, protocol and members; metadata and assignments only while Stable (as Kafka).
// An unknown group is described as Dead with no error.
import type { DescribeGroups } from '../../protocol/index.js';
import type { RequestContext } from '../request-context.js';

const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;
// READ, DESCRIBE, DELETE (Kafka's AclOperation codes 3, 8, 6) — everything a group offers; no ACLs here.
const ALL_GROUP_OPERATIONS = (1 << 3) | (1 << 8) | (1 << 6);

export function handleDescribeGroups(req: DescribeGroups.DescribeGroupsRequest, rc: RequestContext): DescribeGroups.DescribeGroupsResponse {
  return {
    throttleTimeMs: 0,
    groups: req.groups.map((id) => {
      const d = rc.ctx.groups.describeGroup(id);
      return {
        errorCode: d.errorCode, groupId: id, groupState: d.state, protocolType: d.protocolType, protocolData: d.protocolName,
        members: d.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, clientId: m.clientId, clientHost: m.clientHost, memberMetadata: m.metadata, memberAssignment: m.assignment })),
        authorizedOperations: req.includeAuthorizedOperations ? ALL_GROUP_OPERATIONS : AUTHORIZED_OPERATIONS_OMITTED,
      };
    }),
  };
}
