// DeleteGroups (key 42): removes empty groups and their committed offsets (tombstones in __consumer_offsets).
import { ErrorCode, type DeleteGroups } from '../../protocol/index.js';
import type { RequestContext } from '../request-context.js';
import { AclOperation, ResourceType, allowed } from '../authorization.js';

export async function handleDeleteGroups(req: DeleteGroups.DeleteGroupsRequest, rc: RequestContext): Promise<DeleteGroups.DeleteGroupsResponse> {
  const mayDelete = (g: string) => allowed(rc, AclOperation.DELETE, ResourceType.GROUP, g);
  const deleted = await rc.ctx.groups.deleteGroups(req.groupsNames.filter(mayDelete));
  let i = 0;
  const results = req.groupsNames.map((g) => (mayDelete(g) ? deleted[i++]! : { groupId: g, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED }));
  return { throttleTimeMs: 0, results };
}
