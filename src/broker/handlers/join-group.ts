// JoinGroup (key 11): a member (re)joins; the answer waits (without blocking anything else) until the group's
// rebalance completes. The leader gets every member's metadata for the chosen protocol.
import type { JoinGroup } from '../../protocol/index.js';
import type { RequestContext } from '../request-context.js';
import { AclOperation, ResourceType, allowed } from '../authorization.js';
import { ErrorCode } from '../../protocol/index.js';

export async function handleJoinGroup(req: JoinGroup.JoinGroupRequest, rc: RequestContext): Promise<JoinGroup.JoinGroupResponse> {
  const { ctx, version } = rc;
  if (!allowed(rc, AclOperation.READ, ResourceType.GROUP, req.groupId)) {
    return { throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, generationId: -1, protocolType: null, protocolName: version >= 7 ? null : '',
      leader: '', skipAssignment: false, memberId: req.memberId, members: [] };
  }
  const r = await ctx.groups.joinGroup(req.groupId, {
    memberId: req.memberId,
    groupInstanceId: req.groupInstanceId,
    clientId: rc.header.clientId ?? '',
    clientHost: `/${rc.conn.remoteAddress}`,
    sessionTimeoutMs: req.sessionTimeoutMs,
    // v0 has no rebalance timeout: Kafka uses the session timeout.
    rebalanceTimeoutMs: version >= 1 ? req.rebalanceTimeoutMs : req.sessionTimeoutMs,
    protocolType: req.protocolType,
    protocols: req.protocols.map((p) => ({ name: p.name, metadata: Buffer.from(p.metadata) })),
    requireKnownMemberId: version >= 4,
  });
  return {
    throttleTimeMs: 0,
    errorCode: r.errorCode,
    generationId: r.generationId,
    protocolType: r.protocolType,
    // Before v7 the protocol name is not nullable.
    protocolName: version >= 7 ? r.protocolName : r.protocolName ?? '',
    leader: r.leaderId,
    skipAssignment: r.skipAssignment,
    memberId: r.memberId,
    members: r.members,
  };
}
