// OffsetDelete (key 47): removes a group's committed offsets for partitions of topics it does not consume.
import type { OffsetDelete } from '../../protocol/index.js';
import type { RequestContext } from '../request-context.js';

export async function handleOffsetDelete(req: OffsetDelete.OffsetDeleteRequest, rc: RequestContext): Promise<OffsetDelete.OffsetDeleteResponse> {
  const r = await rc.ctx.groups.deleteOffsets(req.groupId, req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => p.partitionIndex) })));
  if (r.results.length === 0) return { errorCode: r.errorCode, throttleTimeMs: 0, topics: [] };
  let i = 0;
  return {
    errorCode: r.errorCode,
    throttleTimeMs: 0,
    topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: r.results[i++].errorCode })) })),
  };
}
