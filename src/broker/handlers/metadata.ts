// Metadata (key 3): the broker list (just us), the cluster id, and topics with their partitions, led by us.
// Unknown topics are created when auto.create.topics.enable and the request allow it.
import { ErrorCode, ZERO_UUID, type Metadata } from '../../protocol/index.js';
import { validateTopicName, type TopicMetadata } from '../../metadata/index.js';
import type { RequestContext } from '../request-context.js';

type TopicResult = Metadata.MetadataResponse['topics'][number];

export async function handleMetadata(req: Metadata.MetadataRequest, rc: RequestContext): Promise<Metadata.MetadataResponse> {
  const { ctx, version } = rc;
  const id = ctx.brokerId;
  const describe = (t: TopicMetadata): TopicResult => ({
    errorCode: ErrorCode.NONE, name: t.name, topicId: t.topicId, isInternal: t.internal,
    partitions: Array.from({ length: t.partitions }, (_, p) => ({
      errorCode: ErrorCode.NONE, partitionIndex: p, leaderId: id, leaderEpoch: ctx.partition(t.name, p)?.leaderEpoch ?? 0,
      replicaNodes: [id], isrNodes: [id], offlineReplicas: [],
    })),
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
    brokers: [{ nodeId: id, host: ctx.advertised.host, port: ctx.advertised.port, rack: null }],
    clusterId: ctx.metadata.clusterId,
    controllerId: id,
    topics,
    clusterAuthorizedOperations: -2147483648,
  };
}
