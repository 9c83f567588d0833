// DeleteTopics (key 20): remove topics by name (or, from v6, by topic id) with their data.
import { BrokerError, ErrorCode, ZERO_UUID, type DeleteTopics } from '../../protocol/index.js';
import type { RequestContext } from '../request-context.js';


export function handleDeleteTopics(req: DeleteTopics.DeleteTopicsRequest, rc: RequestContext): DeleteTopics.DeleteTopicsResponse {
  const { ctx } = rc;
  const wanted = rc.version >= 6
    ? req.topics.map((t) => ({ name: t.name ?? ctx.metadata.getTopicById(t.topicId)?.name ?? null, topicId: t.topicId }))
    : req.topicNames.map((name) => ({ name, topicId: ZERO_UUID }));
  const responses = wanted.map(({ name, topicId }) => {
    const meta = name !== null ? ctx.metadata.getTopic(name) : undefined;
    const id = meta?.topicId ?? topicId;
    if (name === null) return { name, topicId: id, errorCode: ErrorCode.UNKNOWN_TOPIC_ID, errorMessage: 'Topic id unknown' };
    try {
      ctx.deleteTopic(name);
      return { name, topicId: id, errorCode: ErrorCode.NONE, errorMessage: null };
    } catch (e) {
      if (e instanceof BrokerError) return { name, topicId: id, errorCode: e.errorCode, errorMessage: e.message };
      throw e;
    }
  });
  return { throttleTimeMs: 0, responses };
}
