// OffsetDelete (key 47): removes a group's committed offsets for partitions of topics it does not consume.
import { ErrorCode, type OffsetDelete } from '../../protocol/index.js';
import type { RequestContext } from '../request-context.js';
import { AclOperation, ResourceType, allowed } from '../authorization.js';

export async function handleOffsetDelete(req: OffsetDelete.OffsetDeleteRequest, rc: RequestContext): Promise<OffsetDelete.OffsetDeleteResponse> {
  if (!allowed(rc, AclOperation.DELETE, ResourceType.GROUP, req.groupId)) return { errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, throttleTimeMs: 0, topics: [] };
  // Topics the principal may not Read keep their offsets and answer TOPIC_AUTHORIZATION_FAILED.
  const mayRead = (t: string) => allowed(rc, AclOperation.READ, ResourceType.TOPIC, t);
  if (req.topics.some((t) => !mayRead(t.name))) {
    const inner = await handleOffsetDelete({ ...req, topics: req.topics.filter((t) => mayRead(t.name)) }, rc);
    if (inner.errorCode !== ErrorCode.NONE) return inner;
    return {
      errorCode: ErrorCode.NONE, throttleTimeMs: 0,
      topics: req.topics.map((t) => inner.topics.find((x) => x.name === t.name && mayRead(t.name))
        ?? { name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: mayRead(t.name) ? ErrorCode.NONE : ErrorCode.TOPIC_AUTHORIZATION_FAILED })) }),
    };
  }
  const r = await rc.ctx.groups.deleteOffsets(req.groupId, req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => p.partitionIndex) })));
  if (r.results.length === 0) return { errorCode: r.errorCode, throttleTimeMs: 0, topics: [] };
  let i = 0;
  return {
    errorCode: r.errorCode,
    throttleTimeMs: 0,
    topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: r.results[i++].errorCode })) })),
  };
}
