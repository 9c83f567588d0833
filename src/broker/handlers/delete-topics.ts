// DeleteTopics (key 20): remove topics by name (or, from v6, by topic id) with their data.
import { asBrokerError, type DeleteTopics, ErrorCode, ZERO_UUID } from '../../protocol/index.js';
import { requesterOf, type RequestContext } from '../request-context.js';
import { ThrottlingQuotaExceededError } from '../quotas.js';
import { AclOperation, ResourceType, allowed } from '../authorization.js';


export async function handleDeleteTopics(req: DeleteTopics.DeleteTopicsRequest, rc: RequestContext): Promise<DeleteTopics.DeleteTopicsResponse> {
  const { ctx } = rc;
  const wanted = rc.version >= 6
    ? req.topics.map((t) => ({ name: t.name ?? ctx.metadata.getTopicById(t.topicId)?.name ?? null, topicId: t.topicId }))
    : req.topicNames.map((name) => ({ name, topicId: ZERO_UUID }));
  // controller_mutation_rate (KIP-599): each deleted partition counts; strict from v5.
  const mutation = ctx.quotas.active ? ctx.quotas.mutationQuota(requesterOf(rc), rc.version >= 5) : null;
  const responses: DeleteTopics.DeleteTopicsResponse['responses'] = [];
  for (const w of wanted) responses.push(await deleteOne(w));
  const throttleTimeMs = mutation?.throttleTimeMs ?? 0;
  if (throttleTimeMs > 0) rc.conn.throttle?.(throttleTimeMs);
  return { throttleTimeMs, responses };

  async function deleteOne({ name, topicId }: { name: string | null; topicId: string }): Promise<DeleteTopics.DeleteTopicsResponse['responses'][number]> {
    const meta = name !== null ? ctx.metadata.getTopic(name) : undefined;
    const id = meta?.topicId ?? topicId;
    if (name === null) return { name, topicId: id, errorCode: ErrorCode.UNKNOWN_TOPIC_ID, errorMessage: 'Topic id unknown' };
    if (!allowed(rc, AclOperation.DELETE, ResourceType.TOPIC, name)) return { name, topicId: id, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, errorMessage: 'Authorization failed.' };
    try {
      if (mutation && meta) mutation.record(meta.partitions);
      await ctx.deleteTopic(name);
      return { name, topicId: id, errorCode: ErrorCode.NONE, errorMessage: null };
    } catch (e) {
      const be = asBrokerError(e);
      if (be) return { name, topicId: id, errorCode: be.errorCode, errorMessage: be.message };
      if (e instanceof ThrottlingQuotaExceededError) return { name, topicId: id, errorCode: ErrorCode.THROTTLING_QUOTA_EXCEEDED, errorMessage: e.message };
      throw e;
    }
  }
}
