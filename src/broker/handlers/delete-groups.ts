// DeleteGroups (key 42): removes empty groups and their committed offsets (tombstones in __consumer_offsets).
import type { DeleteGroups } from '../../protocol/index.js';
import type { RequestContext } from '../request-context.js';

export async function handleDeleteGroups(req: DeleteGroups.DeleteGroupsRequest, rc: RequestContext): Promise<DeleteGroups.DeleteGroupsResponse> {
  const results = await rc.ctx.groups.deleteGroups(req.groupsNames);
  return { throttleTimeMs: 0, results };
}
