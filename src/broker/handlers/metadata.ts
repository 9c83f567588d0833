// Metadata (key 3): the live brokers, the cluster id, the controller, and topics with each partition's
// leader, leader epoch, replicas, ISR and offline replicas (all this broker on a single node).
// Unknown topics are created when auto.create.topics.enable and the request allow it.
import { ErrorCode, ZERO_UUID, type Metadata } from '../../protocol/index.js';
import { validateTopicName, type TopicMetadata } from '../../metadata/index.js';
import type { RequestContext } from '../request-context.js';

type TopicResult = Metadata.MetadataResponse['topics'][number];

export async function handleMetadata(req: Metadata.MetadataRequest, rc: RequestContext): Promise<Metadata.MetadataResponse> {
  const { ctx, version } = rc;
  const describe = (t: TopicMetadata): TopicResult => ({
    errorCode: ErrorCode.NONE, name: t.name, topicId: t.topicId, isInternal: t.internal,
    partitions: Array.from({ length: t.partitions }, (_, p) => {
      const l = ctx.partitionLeadership(t, p);
      return {
        errorCode: l.leader === -1 ? ErrorCode.LEADER_NOT_AVAILABLE : ErrorCode.NONE, partitionIndex: p, leaderId: l.leader, leaderEpoch: l.leaderEpoch,
        replicaNodes: l.replicas, isrNodes: l.isr, offlineReplicas: l.offline,
      };
    }),
    topicAuthorizedOperations: -2147483648,
  });
  const missing = (name: string | null, errorCode: number, topicId = ZERO_UUID): TopicResult => ({
    errorCode, name, topicId, isInternal: false, partitions: [], topicAuthorizedOperations: -2147483648,
  });

  // v0: an empty list means all topics; v1+: null means all topics, empty means none.
  const all = req.topics === null || (version === 0 && req.topics.length === 0);
  let topics: TopicResult[];
  if (all) {
    topics = ctx.metadata.listTopics().map(describe);
  } else {
    const allowAuto = version < 4 || req.allowAutoTopicCreation;
    topics = [];
    for (const t of req.topics!) topics.push(await (async () => {
      const name = t.name ?? (t.topicId && t.topicId !== ZERO_UUID ? ctx.metadata.getTopicById(t.topicId)?.name ?? null : null);
      if (name === null) return missing(null, ErrorCode.UNKNOWN_TOPIC_ID, t.topicId ?? ZERO_UUID);
      if (validateTopicName(name) !== undefined) return missing(name, ErrorCode.INVALID_TOPIC_EXCEPTION);
      const meta = ctx.metadata.getTopic(name) ?? (allowAuto ? await ctx.autoCreateTopic(name) : undefined);
      if (!meta) return missing(name, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      return describe(meta);
    })());
  }
  return {
    throttleTimeMs: 0,
    brokers: ctx.brokerEndpoints(rc.conn.listenerName),
    clusterId: ctx.metadata.clusterId,
    controllerId: ctx.controllerId(),
    topics,
    clusterAuthorizedOperations: -2147483648,
  };
}
